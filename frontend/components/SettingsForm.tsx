/**
 * The user's plan: name, retirement horizon, income, and the asset-class and region targets the
 * report compares against. Targets must each sum to 100; the form refuses to save otherwise.
 */

import { useState, type FormEvent } from "react";

import { errorMessage } from "@/lib/api";
import { humanize } from "@/lib/format";
import { ASSET_CLASSES, REGION_TARGETS, type Allocation, type User, type UserUpdate } from "@/lib/types";

import { Button, ErrorNotice, TextField } from "./ui";

type Shares = Record<string, string>;

function sharesOf(keys: readonly string[], targets: Allocation<string>): Shares {
  return Object.fromEntries(keys.map((key) => [key, String(targets[key] ?? 0)]));
}

/** The non-zero shares as numbers, or null when one is not a number from 0 to 100. */
function parsed(shares: Shares): Record<string, number> | null {
  const result: Record<string, number> = {};
  for (const [key, text] of Object.entries(shares)) {
    const value = Number(text.trim() === "" ? 0 : text);
    if (!Number.isFinite(value) || value < 0 || value > 100) return null;
    if (value > 0) result[key] = value;
  }
  return result;
}

function total(shares: Record<string, number>): number {
  return Object.values(shares).reduce((sum, value) => sum + value, 0);
}

/** What is wrong with a set of targets, in words, or null. */
export function targetProblem(what: string, shares: Shares): string | null {
  const values = parsed(shares);
  if (!values) return `${what} targets must each be a number from 0 to 100.`;
  const sum = total(values);
  if (Math.abs(sum - 100) > 0.01) {
    return `${what} targets add up to ${Number(sum.toFixed(2))}%: they must add up to 100%.`;
  }
  return null;
}

function regionProblem(shares: Shares): string | null {
  const values = parsed(shares) ?? {};
  const others = Object.keys(values).filter((key) => key !== "north_america" && key !== "international");
  if (values.international && others.length) {
    return "“International” already covers every region outside North America: use it or the separate regions, not both.";
  }
  return targetProblem("Region", shares);
}

function TargetsFieldset({
  legend,
  hint,
  shares,
  onChange,
}: {
  legend: string;
  hint?: string;
  shares: Shares;
  onChange: (shares: Shares) => void;
}) {
  const sum = Number(total(parsed(shares) ?? {}).toFixed(2));
  return (
    <fieldset className="rounded-lg border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-800">{legend}</legend>
      {hint && <p className="mb-2 text-sm text-slate-600">{hint}</p>}
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        {Object.entries(shares).map(([key, value]) => (
          <TextField
            key={key}
            label={`${humanize(key)} (%)`}
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="any"
            value={value}
            onChange={(event) => onChange({ ...shares, [key]: event.target.value })}
          />
        ))}
      </div>
      <p className={`mt-2 text-sm ${Math.abs(sum - 100) > 0.01 ? "text-red-700" : "text-emerald-700"}`}>
        {Math.abs(sum - 100) > 0.01 ? `Adds up to ${sum}%: targets must add up to 100%.` : "Adds up to 100%."}
      </p>
    </fieldset>
  );
}

export function SettingsForm({ user, onSave }: { user: User; onSave: (changes: UserUpdate) => Promise<void> }) {
  const [name, setName] = useState(user.display_name);
  const [years, setYears] = useState(String(user.years_until_retirement));
  const [income, setIncome] = useState(String(user.target_retirement_income));
  const [age, setAge] = useState(user.current_age === null ? "" : String(user.current_age));
  const [contribution, setContribution] = useState(String(user.annual_contribution ?? 0));
  const [assetShares, setAssetShares] = useState(sharesOf(ASSET_CLASSES, user.asset_class_targets));
  const [regionShares, setRegionShares] = useState(sharesOf(REGION_TARGETS, user.region_targets));
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const refused = targetProblem("Asset-class", assetShares) ?? regionProblem(regionShares);
    setProblem(refused);
    if (refused) return;
    setSaving(true);
    try {
      await onSave({
        display_name: name.trim(),
        years_until_retirement: Number(years),
        target_retirement_income: Number(income),
        current_age: age.trim() === "" ? null : Number(age),
        annual_contribution: Number(contribution || 0),
        asset_class_targets: parsed(assetShares)!,
        region_targets: parsed(regionShares)!,
      });
      setSaved(true);
    } catch (failure) {
      setProblem(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Settings" className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <TextField
          label="Years until retirement"
          type="number"
          required
          min={0}
          max={80}
          step={1}
          value={years}
          onChange={(e) => setYears(e.target.value)}
        />
        <TextField
          label="Target retirement income ($ a year)"
          type="number"
          required
          min={0}
          step="any"
          value={income}
          onChange={(e) => setIncome(e.target.value)}
        />
        <TextField
          label="Current age"
          type="number"
          min={16}
          max={110}
          step={1}
          hint="Optional: lets the projection plan to age 95."
          value={age}
          onChange={(e) => setAge(e.target.value)}
        />
        <TextField
          label="Annual contribution ($)"
          type="number"
          min={0}
          step="any"
          value={contribution}
          onChange={(e) => setContribution(e.target.value)}
        />
      </div>
      <TargetsFieldset legend="Asset-class targets" shares={assetShares} onChange={setAssetShares} />
      <TargetsFieldset
        legend="Region targets"
        hint="International covers every region outside North America, Global included: set it, or the separate regions, not both."
        shares={regionShares}
        onChange={setRegionShares}
      />
      {problem && <ErrorNotice message={problem} />}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={saving}>
          {saving ? "Saving…" : "Save settings"}
        </Button>
        {saved && (
          <span role="status" className="text-sm text-emerald-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
