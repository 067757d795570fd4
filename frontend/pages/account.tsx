/**
 * One account's positions (`/account/?id=...`): add with symbol autocomplete, edit quantity, delete;
 * each valued with its price's source and date, and a price of the user's own for a symbol no source prices.
 */

import Link from "next/link";
import { useRouter } from "next/router";
import { useState, type FormEvent } from "react";

import { ConfirmDelete } from "@/components/ConfirmDelete";
import { AppPage } from "@/components/Layout";
import { SymbolInput } from "@/components/SymbolInput";
import { Button, Card, Empty, ErrorNotice, Loading, TextField } from "@/components/ui";
import { errorMessage } from "@/lib/api";
import { ACCOUNT_TYPE_LABELS, dollars, priceLabel } from "@/lib/format";
import { instrumentsFor } from "@/lib/portfolio";
import type { Account, HoldingValue, Instrument, PortfolioValue, Position } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { useLoad } from "@/lib/useLoad";

interface AccountData {
  account: Account | null;
  positions: Position[];
  instruments: Record<string, Instrument>;
  portfolio: PortfolioValue;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The user's own price for a symbol no source prices: it values only their positions. */
function PriceForm({ holding, onSaved }: { holding: HoldingValue; onSaved: () => void }) {
  const api = useApi();
  const own = holding.price_source === "user";
  const [price, setPrice] = useState(own && holding.price !== null ? String(holding.price) : "");
  const [asOf, setAsOf] = useState(own && holding.price_as_of ? holding.price_as_of.slice(0, 10) : today());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = Number(price);
    if (!Number.isFinite(value) || value <= 0) {
      setError("Enter the price of one share in dollars, above 0.");
      return;
    }
    setBusy(true);
    try {
      await api.setPrice(holding.symbol, value, asOf);
      setError(null);
      onSaved();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={`Your price for ${holding.symbol}`} className="mt-2 space-y-2">
      <p className="text-sm text-slate-700">
        {own
          ? "No source prices this symbol, so your price values it (for your holdings only)."
          : "No source prices this symbol: enter its price to value it. It counts only for your holdings."}
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-sm text-slate-700">
          Price per share ($)
          <input
            type="number"
            required
            step="any"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            aria-label={`Price of ${holding.symbol}`}
            className="mt-1 block w-32 rounded-lg border border-slate-300 px-2 py-1.5"
          />
        </label>
        <label className="text-sm text-slate-700">
          As of
          <input
            type="date"
            required
            max={today()}
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
            aria-label={`Date of the price of ${holding.symbol}`}
            className="mt-1 block rounded-lg border border-slate-300 px-2 py-1.5"
          />
        </label>
        <Button type="submit" tone="secondary" disabled={busy}>
          {busy ? "Saving…" : own ? "Update price" : "Save price"}
        </Button>
      </div>
      {error && <ErrorNotice message={error} />}
    </form>
  );
}

function quantityProblem(text: string): string | null {
  const shares = Number(text);
  return Number.isFinite(shares) && shares > 0 ? null : "Enter a number of shares above 0 (fractions are fine).";
}

function AddPosition({ accountId, classifies, onAdded }: { accountId: string; classifies: boolean; onAdded: () => void }) {
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
        <SymbolInput value={symbol} onChange={setSymbol} classifies={classifies} />
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
  holding,
  classifies,
  onChanged,
}: {
  position: Position;
  instrument: Instrument | undefined;
  holding: HoldingValue | undefined;
  classifies: boolean;
  onChanged: () => void;
}) {
  const api = useApi();
  const [quantity, setQuantity] = useState(String(position.quantity));
  const [error, setError] = useState<string | null>(null);
  const value = holding?.value ?? null;
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
            {!instrument?.allocation_asset_class &&
              (classifies
                ? " · to be classified by the next analysis"
                : " · not classified (no language model is configured)")}
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
        <div className="w-44 text-right">
          <p className="tabular-nums" data-testid={`value-${position.symbol}`}>
            {value === null ? "no price" : dollars(value, true)}
          </p>
          {holding && holding.price !== null && (
            <p className="text-xs text-slate-600" data-testid={`price-${position.symbol}`}>
              {dollars(holding.price, true)} · {priceLabel(holding)}
            </p>
          )}
        </div>
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
      {holding && (holding.price === null || holding.price_source === "user") && (
        <PriceForm holding={holding} onSaved={onChanged} />
      )}
      {holding?.superseded_user_price != null && (
        <p className="mt-2 text-xs text-slate-600">
          Your price of {dollars(holding.superseded_user_price, true)} is not used: {priceLabel(holding)} prices{" "}
          {holding.symbol} now.
        </p>
      )}
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
    const [accounts, positions, portfolio] = await Promise.all([api.accounts(), api.positions(id), api.portfolio()]);
    const instruments = await instrumentsFor(api, positions.map((position) => position.symbol));
    return { account: accounts.find((account) => account.id === id) ?? null, positions, instruments, portfolio };
  }, [api, id]);
  const account = data?.account;
  const valued = data?.portfolio.valuation.accounts.find((entry) => entry.account_id === id);
  const holdings = Object.fromEntries(
    (data?.portfolio.valuation.holdings ?? [])
      .filter((holding) => holding.account_id === id)
      .map((holding) => [holding.symbol, holding]),
  );

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
            <p className="mt-1 text-3xl font-bold tabular-nums">{dollars(valued?.total ?? account.cash_balance)}</p>
            <p className="text-sm text-slate-600">including {dollars(account.cash_balance, true)} cash</p>
          </Card>
          <Card title="Add a position">
            <AddPosition accountId={account.id} classifies={data.portfolio.classifies} onAdded={reload} />
          </Card>
          <Card title="Positions">
            {data.positions.length ? (
              <ul className="space-y-2">
                {data.positions.map((position) => (
                  <PositionRow
                    key={`${position.id}-${position.quantity}-${holdings[position.symbol]?.price ?? "none"}`}
                    position={position}
                    instrument={data.instruments[position.symbol]}
                    holding={holdings[position.symbol]}
                    classifies={data.portfolio.classifies}
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
