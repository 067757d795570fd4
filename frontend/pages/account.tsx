/** One account's positions (`/account/?id=...`): add with symbol autocomplete, edit quantity, delete. */

import Link from "next/link";
import { useRouter } from "next/router";
import { useState, type FormEvent } from "react";

import { ConfirmDelete } from "@/components/ConfirmDelete";
import { AppPage } from "@/components/Layout";
import { SymbolInput } from "@/components/SymbolInput";
import { Button, Card, Empty, ErrorNotice, Loading, TextField } from "@/components/ui";
import { errorMessage } from "@/lib/api";
import { ACCOUNT_TYPE_LABELS, dollars } from "@/lib/format";
import { accountValue, instrumentsFor, positionValue } from "@/lib/portfolio";
import type { Account, Instrument, Position } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { useLoad } from "@/lib/useLoad";

interface AccountData {
  account: Account | null;
  positions: Position[];
  instruments: Record<string, Instrument>;
}

function quantityProblem(text: string): string | null {
  const shares = Number(text);
  return Number.isFinite(shares) && shares > 0 ? null : "Enter a number of shares above 0 (fractions are fine).";
}

function AddPosition({ accountId, onAdded }: { accountId: string; onAdded: () => void }) {
  const api = useApi();
  const [symbol, setSymbol] = useState("");
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(quantityProblem(quantity));
    if (quantityProblem(quantity)) return;
    setBusy(true);
    try {
      await api.createPosition({ account_id: accountId, symbol: symbol.trim().toUpperCase(), quantity: Number(quantity) });
      setSymbol("");
      setQuantity("");
      onAdded();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Add position" className="space-y-3">
      <div className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]">
        <SymbolInput value={symbol} onChange={setSymbol} />
        <TextField label="Quantity (shares)" type="number" required step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        <Button type="submit" disabled={busy} className="sm:mt-6">
          {busy ? "Adding…" : "Add position"}
        </Button>
      </div>
      {error && <ErrorNotice message={error} />}
    </form>
  );
}

function PositionRow({
  position,
  instrument,
  onChanged,
}: {
  position: Position;
  instrument: Instrument | undefined;
  onChanged: () => void;
}) {
  const api = useApi();
  const [quantity, setQuantity] = useState(String(position.quantity));
  const [error, setError] = useState<string | null>(null);
  const value = positionValue(position, instrument ? { [position.symbol]: instrument } : {});
  const changed = Number(quantity) !== position.quantity;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(quantityProblem(quantity));
    if (quantityProblem(quantity)) return;
    try {
      await api.updatePosition(position.id, Number(quantity));
      onChanged();
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <li className="rounded-lg border border-slate-200 p-3">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-32 flex-1">
          <p className="font-semibold">{position.symbol}</p>
          <p className="text-sm text-slate-600">
            {instrument?.name ?? "Unknown instrument"}
            {!instrument?.allocation_asset_class && " · to be classified by the next analysis"}
          </p>
        </div>
        <form onSubmit={save} className="flex items-end gap-2" aria-label={`Quantity of ${position.symbol}`}>
          <label className="text-sm text-slate-700">
            Shares
            <input
              type="number"
              required
              step="any"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              aria-label={`Shares of ${position.symbol}`}
              className="mt-1 block w-28 rounded-lg border border-slate-300 px-2 py-1.5"
            />
          </label>
          {changed && (
            <Button type="submit" tone="secondary">
              Save
            </Button>
          )}
        </form>
        <p className="w-28 text-right tabular-nums">{value === null ? "no price" : dollars(value)}</p>
        <ConfirmDelete
          what={position.symbol}
          question={`Remove ${position.symbol} from this account?`}
          onConfirm={async () => {
            try {
              await api.deletePosition(position.id);
              onChanged();
            } catch (failure) {
              setError(errorMessage(failure));
            }
          }}
        />
      </div>
      {error && (
        <div className="mt-2">
          <ErrorNotice message={error} />
        </div>
      )}
    </li>
  );
}

function AccountDetail({ id }: { id: string }) {
  const api = useApi();
  const { data, error, loading, reload } = useLoad<AccountData>(async () => {
    const [accounts, positions] = await Promise.all([api.accounts(), api.positions(id)]);
    const instruments = await instrumentsFor(api, positions.map((position) => position.symbol));
    return { account: accounts.find((account) => account.id === id) ?? null, positions, instruments };
  }, [api, id]);
  const account = data?.account;

  return (
    <>
      {loading && !data && <Loading what="the account" />}
      {error && <ErrorNotice message={error} onRetry={reload} />}
      {data && !account && <ErrorNotice message="This account does not exist or is not yours: choose one from your accounts." />}
      {data && account && (
        <>
          <Card title={account.account_name}>
            <p className="text-sm text-slate-600">
              {ACCOUNT_TYPE_LABELS[account.account_type] ?? account.account_type}
              {account.account_purpose && ` · ${account.account_purpose}`}
            </p>
            <p className="mt-1 text-3xl font-bold tabular-nums">{dollars(accountValue(account, data.positions, data.instruments))}</p>
            <p className="text-sm text-slate-600">including {dollars(account.cash_balance, true)} cash</p>
          </Card>
          <Card title="Add a position">
            <AddPosition accountId={account.id} onAdded={reload} />
          </Card>
          <Card title="Positions">
            {data.positions.length ? (
              <ul className="space-y-2">
                {data.positions.map((position) => (
                  <PositionRow
                    key={`${position.id}-${position.quantity}`}
                    position={position}
                    instrument={data.instruments[position.symbol]}
                    onChanged={reload}
                  />
                ))}
              </ul>
            ) : (
              <Empty>No positions yet: add one above, e.g. VTI or BND.</Empty>
            )}
          </Card>
        </>
      )}
    </>
  );
}

export default function AccountPage() {
  const router = useRouter();
  const id = typeof router.query.id === "string" ? router.query.id : null;
  return (
    <AppPage title="Account">
      <Link href="/accounts/" className="text-sm text-sky-800 underline">
        ← All accounts
      </Link>
      {router.isReady &&
        (id ? (
          <AccountDetail key={id} id={id} />
        ) : (
          <ErrorNotice message="No account was named in the address: choose one from your accounts." />
        ))}
    </AppPage>
  );
}
