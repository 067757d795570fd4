/** How numbers, dates and names read in the UI. */

import type { AccountType, HoldingValue } from "./types";

const dollarFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 0,
});
const centFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function dollars(amount: number, cents = false): string {
  return (cents ? centFormat : dollarFormat).format(amount);
}

export function percent(value: number, digits = 1): string {
  return `${value.toFixed(digits)}%`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

const NAMES: Record<string, string> = {
  north_america: "North America",
  latin_america: "Latin America",
  middle_east_africa: "Middle East & Africa",
  asia_pacific: "Asia-Pacific",
};

/** A taxonomy key as words: "fixed_income" → "Fixed income", "north_america" → "North America". */
export function humanize(key: string): string {
  const words = NAMES[key] ?? key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const ACCOUNT_TYPE_LABELS: Record<AccountType, string> = {
  "401k": "401(k)",
  "403b": "403(b)",
  roth_401k: "Roth 401(k)",
  traditional_ira: "Traditional IRA",
  roth_ira: "Roth IRA",
  sep_ira: "SEP IRA",
  taxable: "Taxable brokerage",
  hsa: "HSA",
  "529": "529 plan",
  pension: "Pension",
  other: "Other",
};

const PRICE_SOURCES: Record<string, string> = {
  seed: "sample price, not a quote",
  massive: "Massive market data",
  user: "your price",
};

/** Where a holding's price comes from and when it was true: "your price · as of Dec 1, 2026 · stale". */
export function priceLabel(holding: HoldingValue): string {
  if (holding.price === null || !holding.price_source) return "no price";
  const asOf = holding.price_as_of
    ? new Date(holding.price_as_of).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" })
    : "unknown date";
  return `${PRICE_SOURCES[holding.price_source] ?? holding.price_source} · as of ${asOf}${holding.stale ? " · stale" : ""}`;
}
