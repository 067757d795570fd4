/** The user's portfolio as the pages show it: accounts, positions, prices, value and allocation. */

import type { Api } from "./api";
import type { Account, AssetClass, Instrument, Position } from "./types";

export interface Portfolio {
  accounts: Account[];
  positions: Record<string, Position[]>;
  instruments: Record<string, Instrument>;
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
  const accounts = await api.accounts();
  const lists = await Promise.all(accounts.map((account) => api.positions(account.id)));
  const positions = Object.fromEntries(accounts.map((account, i) => [account.id, lists[i] ?? []]));
  const instruments = await instrumentsFor(api, lists.flat().map((position) => position.symbol));
  return { accounts, positions, instruments };
}

/** A position's value, or null when its instrument has no price yet. */
export function positionValue(position: Position, instruments: Record<string, Instrument>): number | null {
  const price = instruments[position.symbol]?.current_price;
  return price == null ? null : price * position.quantity;
}

export function accountValue(account: Account, positions: Position[], instruments: Record<string, Instrument>): number {
  return positions.reduce((sum, position) => sum + (positionValue(position, instruments) ?? 0), account.cash_balance);
}

export function totalValue(portfolio: Portfolio): number {
  return portfolio.accounts.reduce(
    (sum, account) => sum + accountValue(account, portfolio.positions[account.id] ?? [], portfolio.instruments),
    0,
  );
}

export type AllocationKey = AssetClass | "unclassified";

/** Dollars per asset class: cash counts as cash; unpriced or untagged holdings as unclassified. */
export function assetClassValues(portfolio: Portfolio): Partial<Record<AllocationKey, number>> {
  const values: Partial<Record<AllocationKey, number>> = {};
  const add = (key: AllocationKey, amount: number) => {
    if (amount > 0) values[key] = (values[key] ?? 0) + amount;
  };
  for (const account of portfolio.accounts) {
    add("cash", account.cash_balance);
    for (const position of portfolio.positions[account.id] ?? []) {
      const value = positionValue(position, portfolio.instruments) ?? 0;
      const allocation = portfolio.instruments[position.symbol]?.allocation_asset_class;
      if (!allocation) {
        add("unclassified", value);
        continue;
      }
      for (const [assetClass, share] of Object.entries(allocation)) {
        add(assetClass as AssetClass, (value * (share ?? 0)) / 100);
      }
    }
  }
  return values;
}
