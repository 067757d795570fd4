/** The user's portfolio as the pages show it: accounts and positions, valued by the API (each
 * holding at its price, from a source or the user's own, with its source and date). */

import type { Api } from "./api";
import type { Account, AssetClass, Instrument, Position, PortfolioValue } from "./types";

export interface Portfolio {
  accounts: Account[];
  positions: Record<string, Position[]>;
  /** The valuation an analysis would use: the one source of every figure the pages show. */
  value: PortfolioValue;
}

/** Instruments for these symbols: the API's list first, then a search for any it did not include. */
export async function instrumentsFor(api: Api, symbols: string[]): Promise<Record<string, Instrument>> {
  const book: Record<string, Instrument> = {};
  const wanted = [...new Set(symbols)];
  if (!wanted.length) return book;
  for (const instrument of await api.instruments()) book[instrument.symbol] = instrument;
  const missing = wanted.filter((symbol) => !book[symbol]);
  const found = await Promise.all(missing.map((symbol) => api.instruments(symbol)));
  for (const instrument of found.flat()) book[instrument.symbol] = instrument;
  return book;
}

export async function loadPortfolio(api: Api): Promise<Portfolio> {
  const [accounts, value] = await Promise.all([api.accounts(), api.portfolio()]);
  const lists = await Promise.all(accounts.map((account) => api.positions(account.id)));
  const positions = Object.fromEntries(accounts.map((account, i) => [account.id, lists[i] ?? []]));
  return { accounts, positions, value };
}

export function accountValue(portfolio: Portfolio, account: Account): number {
  return portfolio.value.valuation.accounts.find((entry) => entry.account_id === account.id)?.total ?? account.cash_balance;
}

export function totalValue(portfolio: Portfolio): number {
  return portfolio.value.valuation.total;
}

export type AllocationKey = AssetClass | "unclassified";

/** Dollars per asset class: cash counts as cash; priced holdings without allocation data as unclassified. */
export function assetClassValues(portfolio: Portfolio): Partial<Record<AllocationKey, number>> {
  const values: Partial<Record<AllocationKey, number>> = {};
  const add = (key: AllocationKey, amount: number) => {
    if (amount > 0) values[key] = (values[key] ?? 0) + amount;
  };
  const { valuation } = portfolio.value;
  add("cash", valuation.cash);
  for (const holding of valuation.holdings) {
    const value = holding.value ?? 0;
    if (!holding.asset_classes) {
      add("unclassified", value);
      continue;
    }
    const shares = Object.entries(holding.asset_classes);
    const whole = shares.reduce((sum, [, share]) => sum + share, 0) || 100;
    for (const [assetClass, share] of shares) add(assetClass as AssetClass, (value * share) / whole);
  }
  return values;
}
