/** Create or edit an account: name, type, purpose, cash and the interest the cash earns. */

import { useState, type FormEvent } from "react";

import { errorMessage } from "@/lib/api";
import { ACCOUNT_TYPE_LABELS } from "@/lib/format";
import { ACCOUNT_TYPES, type AccountFields, type AccountType } from "@/lib/types";

import { Button, ErrorNotice, SelectField, TextField } from "./ui";

const TYPE_OPTIONS = ACCOUNT_TYPES.map((type) => ({ value: type, label: ACCOUNT_TYPE_LABELS[type] }));

const EMPTY: AccountFields = {
  account_name: "",
  account_type: "taxable",
  account_purpose: "",
  cash_balance: 0,
  cash_interest: 0,
};

export function AccountForm({
  initial = EMPTY,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial?: AccountFields;
  submitLabel: string;
  onSubmit: (fields: AccountFields) => Promise<void>;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(initial.account_name);
  const [type, setType] = useState<AccountType>(initial.account_type);
  const [purpose, setPurpose] = useState(initial.account_purpose);
  const [cash, setCash] = useState(String(initial.cash_balance));
  // Shown in percent; the API stores a fraction (0.045 = 4.5%).
  const [interest, setInterest] = useState(String(Number((initial.cash_interest * 100).toFixed(4))));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({
        account_name: name.trim(),
        account_type: type,
        account_purpose: purpose.trim(),
        cash_balance: Number(cash || 0),
        cash_interest: Number(interest || 0) / 100,
      });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={submitLabel} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Account name" required maxLength={200} placeholder="e.g. Roth IRA" value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField label="Account type" options={TYPE_OPTIONS} value={type} onChange={(e) => setType(e.target.value as AccountType)} />
        <TextField label="Purpose" maxLength={500} placeholder="e.g. Long-term retirement savings" value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        <TextField label="Cash balance ($)" type="number" min={0} step="0.01" value={cash} onChange={(e) => setCash(e.target.value)} />
        <TextField label="Interest on cash (% a year)" type="number" min={0} max={100} step="any" value={interest} onChange={(e) => setInterest(e.target.value)} />
      </div>
      {error && <ErrorNotice message={error} />}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </Button>
        {onCancel && (
          <Button tone="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
