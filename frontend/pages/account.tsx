/**
 * One account's positions (`/account/?id=...`) as a table: add with symbol autocomplete, edit
 * quantity, delete; each valued with its price's source and date and its share of the account, and
 * a price of the user's own for a symbol no source prices. Every change is confirmed in words.
 */

import Link from "next/link";
import { useRouter } from "next/router";
import { useState, type FormEvent } from "react";

import { DeleteQuestion } from "@/components/ConfirmDelete";
import { AppPage } from "@/components/Layout";
import { SymbolInput } from "@/components/SymbolInput";
import { Button, Card, Empty, ErrorNotice, Loading, NotFound, TextField } from "@/components/ui";
import { errorMessage } from "@/lib/api";
import { accountKind, dollars, percent, priceLabel } from "@/lib/format";
import { instrumentsFor } from "@/lib/portfolio";
import type { Account, HoldingValue, Instrument, PortfolioValue, Position } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { useLoad } from "@/lib/useLoad";

interface AccountData {
  /** Null when the address names no account of this user's (mistyped, deleted, or another user's). */
  account: Account | null;
  positions: Position[];
  instruments: Record<string, Instrument>;
  portfolio: PortfolioValue;
}

/** A change said in words, for the page's live region. */
type Confirm = (done: string) => void;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The user's own price for a symbol no source prices: it values only their positions. */
function PriceForm({ holding, onSaved }: { holding: HoldingValue; onSaved: (done: string) => void }) {
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
      onSaved(`${holding.symbol} is now valued at your price of ${dollars(value, true)}.`);
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

function shares(quantity: number): string {
  return `${quantity.toLocaleString("en-US", { maximumFractionDigits: 6 })} ${quantity === 1 ? "share" : "shares"}`;
}

function AddPosition({ accountId, classifies, onAdded }: { accountId: string; classifies: boolean; onAdded: Confirm }) {
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
      const added = await api.createPosition({ account_id: accountId, symbol: symbol.trim().toUpperCase(), quantity: Number(quantity) });
      setSymbol("");
      setQuantity("");
      onAdded(`Added ${shares(added.quantity)} of ${added.symbol}.`);
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

const NUMBER_CELL = "px-3 py-2 text-right align-top tabular-nums whitespace-nowrap";
const COLUMNS = 7;
// On a phone, a position is a card rather than a row seven columns wide: its cells wrap two to a
// line, each figure under its column's name (`data-label`), and the column headers are left to
// screen readers.
const CARD_ROW = "max-sm:flex max-sm:flex-wrap max-sm:px-1 max-sm:py-2";
const CARD_CELL =
  "max-sm:basis-1/2 max-sm:text-left max-sm:before:block max-sm:before:text-xs max-sm:before:font-normal max-sm:before:text-slate-600 max-sm:before:content-[attr(data-label)]";
const CARD_HEAD = "max-sm:sr-only";
// The symbol stays in view while a wider screen scrolls the table sideways.
const STICKY = "sm:sticky sm:left-0 sm:z-10 bg-white";
// What spans a row (a question, a form) stays in view too, and as wide as the screen at most.
const SPANNING = "sticky left-3 max-w-[calc(100vw-5rem)]";

/** One position: a row of figures, then rows of their own for what needs room (the delete question,
 * a price form, an error), so nothing the user does moves the columns. */
function PositionRows({
  position,
  instrument,
  holding,
  accountTotal,
  classifies,
  onChanged,
}: {
  position: Position;
  instrument: Instrument | undefined;
  holding: HoldingValue | undefined;
  accountTotal: number;
  classifies: boolean;
  onChanged: Confirm;
}) {
  const api = useApi();
  const [quantity, setQuantity] = useState(String(position.quantity));
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const value = holding?.value ?? null;
  const changed = Number(quantity) !== position.quantity;
  const formId = `quantity-${position.id}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(quantityProblem(quantity));
    if (quantityProblem(quantity)) return;
    try {
      const saved = await api.updatePosition(position.id, Number(quantity));
      onChanged(`${position.symbol}: now ${shares(saved.quantity)}.`);
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  const needsPrice = holding && (holding.price === null || holding.price_source === "user");
  return (
    <>
      <tr className={`border-t border-slate-200 ${CARD_ROW}`}>
        <th scope="row" className={`${STICKY} px-3 py-2 text-left align-top font-semibold max-sm:basis-20`}>
          {position.symbol}
        </th>
        <td className="min-w-48 px-3 py-2 align-top max-sm:min-w-0 max-sm:basis-[calc(100%-5rem)]">
          {instrument?.name ?? holding?.name ?? "Unknown instrument"}
          {!instrument?.allocation_asset_class && (
            <span className="block text-xs text-slate-600">
              {classifies ? "To be classified by the next analysis" : "Not classified (no language model is configured)"}
            </span>
          )}
        </td>
        <td className={`${NUMBER_CELL} ${CARD_CELL}`} data-label="Shares">
          <form id={formId} onSubmit={save} aria-label={`Quantity of ${position.symbol}`}>
            <input
              type="number"
              required
              step="any"
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              aria-label={`Shares of ${position.symbol}`}
              className="w-28 rounded-lg border border-slate-300 px-2 py-1 text-right tabular-nums"
            />
          </form>
        </td>
        <td className={`${NUMBER_CELL} ${CARD_CELL} max-sm:whitespace-normal`} data-label="Price" data-testid={`price-${position.symbol}`}>
          {holding && holding.price !== null ? (
            <>
              {dollars(holding.price, true)}
              <span className="block text-xs text-slate-600">{priceLabel(holding)}</span>
            </>
          ) : (
            <span className="text-slate-600">no price</span>
          )}
        </td>
        <td className={`${NUMBER_CELL} ${CARD_CELL}`} data-label="Value" data-testid={`value-${position.symbol}`}>
          {/* To the cent, as the price: the values then add up to the account's total exactly. */}
          {value === null ? <span className="text-slate-600">—</span> : dollars(value, true)}
        </td>
        <td className={`${NUMBER_CELL} ${CARD_CELL}`} data-label="Share of account" data-testid={`share-${position.symbol}`}>
          {value === null || !accountTotal ? <span className="text-slate-600">—</span> : percent((100 * value) / accountTotal)}
        </td>
        <td className="px-3 py-2 align-top whitespace-nowrap max-sm:basis-full">
          <div className="flex justify-end gap-2">
            {/* Always there, hidden until the shares change: showing it moves nothing. */}
            <Button type="submit" form={formId} tone="secondary" className={changed ? "" : "invisible"}>
              Save
            </Button>
            <Button
              tone="secondary"
              aria-label={`Delete ${position.symbol}`}
              aria-expanded={asking}
              onClick={() => setAsking(true)}
            >
              Delete
            </Button>
          </div>
        </td>
      </tr>
      {asking && (
        <tr>
          <td colSpan={COLUMNS} className="px-3 pb-2">
            <div className={SPANNING}>
              <DeleteQuestion
                what={position.symbol}
                question={`Remove ${position.symbol} (${shares(position.quantity)}) from this account?`}
                onCancel={() => setAsking(false)}
                onConfirm={async () => {
                  try {
                    await api.deletePosition(position.id);
                    onChanged(`Removed ${position.symbol} from this account.`);
                  } catch (failure) {
                    setError(errorMessage(failure));
                  }
                }}
              />
            </div>
          </td>
        </tr>
      )}
      {(needsPrice || holding?.superseded_user_price != null || error) && (
        <tr>
          <td colSpan={COLUMNS} className="px-3 pb-3">
            <div className={SPANNING}>
              {needsPrice && <PriceForm holding={holding} onSaved={onChanged} />}
              {holding?.superseded_user_price != null && (
                <p className="text-xs text-slate-600">
                  Your price of {dollars(holding.superseded_user_price, true)} is not used: {priceLabel(holding)} prices{" "}
                  {holding.symbol} now.
                </p>
              )}
              {error && (
                <div className="mt-2">
                  <ErrorNotice message={error} />
                </div>
              )}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function PositionsTable({ data, holdings, onChanged }: { data: AccountData & { account: Account }; holdings: Record<string, HoldingValue>; onChanged: Confirm }) {
  const account = data.account;
  const valued = data.portfolio.valuation.accounts.find((entry) => entry.account_id === account.id);
  const total = valued?.total ?? account.cash_balance;
  const header = "px-3 py-2 font-medium whitespace-nowrap";
  return (
    // A phone scrolls the table inside its card rather than squeezing a number onto two lines.
    // `relative`: what is positioned inside (the screen-reader-only texts) scrolls with the table
    // instead of widening the page.
    <div className="relative -mx-3 overflow-x-auto">
      <table className="w-full text-sm sm:min-w-[52rem]">
        <caption className="sr-only">Positions in {account.account_name}, with their prices and values</caption>
        <thead className={`text-slate-600 ${CARD_HEAD}`}>
          <tr>
            <th scope="col" className={`${header} ${STICKY} text-left`}>Symbol</th>
            <th scope="col" className={`${header} text-left`}>Name</th>
            <th scope="col" className={`${header} text-right`}>Shares</th>
            <th scope="col" className={`${header} text-right`}>Price</th>
            <th scope="col" className={`${header} text-right`}>Value</th>
            <th scope="col" className={`${header} text-right`}>Share of account</th>
            <th scope="col" className={header}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.positions.map((position) => (
            <PositionRows
              key={`${position.id}-${position.quantity}-${holdings[position.symbol]?.price ?? "none"}`}
              position={position}
              instrument={data.instruments[position.symbol]}
              holding={holdings[position.symbol]}
              accountTotal={total}
              classifies={data.portfolio.classifies}
              onChanged={onChanged}
            />
          ))}
        </tbody>
        <tfoot className="border-t-2 border-slate-300">
          <tr className="max-sm:flex">
            <th scope="row" colSpan={4} className="px-3 py-2 text-left font-normal max-sm:flex-1">
              Cash
            </th>
            <td className={NUMBER_CELL}>{dollars(account.cash_balance, true)}</td>
            <td className={NUMBER_CELL}>{total ? percent((100 * account.cash_balance) / total) : "—"}</td>
            <td className="max-sm:hidden" />
          </tr>
          <tr className="font-semibold max-sm:flex">
            <th scope="row" colSpan={4} className="px-3 py-2 text-left max-sm:flex-1">
              Account total
            </th>
            <td className={NUMBER_CELL}>{dollars(total, true)}</td>
            <td className={NUMBER_CELL}>{total ? percent(100) : "—"}</td>
            <td className="max-sm:hidden" />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function AccountDetail({ id }: { id: string }) {
  const api = useApi();
  const [done, setDone] = useState("");
  const { data, error, loading, reload, retry } = useLoad<AccountData>(async () => {
    const [accounts, portfolio] = await Promise.all([api.accounts(), api.portfolio()]);
    // An address naming none of the user's accounts (mistyped, deleted, another user's) is found
    // out here, without asking the API for it: its refusal would read as a fault to retry.
    const account = accounts.find((entry) => entry.id === id) ?? null;
    if (!account) return { account: null, positions: [], instruments: {}, portfolio };
    const symbols = portfolio.valuation.holdings.filter((holding) => holding.account_id === id).map((holding) => holding.symbol);
    const [positions, instruments] = await Promise.all([api.positions(id), instrumentsFor(api, symbols)]);
    return { account, positions, instruments, portfolio };
  }, [api, id]);
  const account = data?.account;
  const valued = data?.portfolio.valuation.accounts.find((entry) => entry.account_id === id);
  const holdings = Object.fromEntries(
    (data?.portfolio.valuation.holdings ?? [])
      .filter((holding) => holding.account_id === id)
      .map((holding) => [holding.symbol, holding]),
  );
  function changed(what: string) {
    setDone(what);
    reload();
  }

  return (
    <>
      {loading && !data && <Loading what="the account" />}
      {error && <ErrorNotice message={error} onRetry={retry} />}
      {data && !account && <NotFound what="No account of yours has this address." back="/accounts/" backLabel="Choose one of your accounts" />}
      {data && account && (
        <>
          <Card title={account.account_name}>
            <p className="text-sm text-slate-600">{accountKind(account)}</p>
            <p className="mt-1 text-3xl font-bold tabular-nums">{dollars(valued?.total ?? account.cash_balance)}</p>
            <p className="text-sm text-slate-600">
              including {dollars(account.cash_balance)} cash
              {account.cash_interest > 0 && ` earning ${percent(account.cash_interest * 100, 2)} a year`}
            </p>
          </Card>
          <Card title="Positions">
            {/* Always in the page, so a screen reader hears each change as it is confirmed. */}
            <p role="status" className={done ? "mb-3 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900" : "sr-only"}>
              {done}
            </p>
            {data.positions.length ? (
              <PositionsTable data={{ ...data, account }} holdings={holdings} onChanged={changed} />
            ) : (
              <Empty>No positions yet: add one below, e.g. VTI or BND.</Empty>
            )}
          </Card>
          <Card title="Add a position">
            <AddPosition accountId={account.id} classifies={data.portfolio.classifies} onAdded={changed} />
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
          <NotFound what="The address names no account." back="/accounts/" backLabel="Choose one of your accounts" />
        ))}
    </AppPage>
  );
}
