/** How numbers, dates and names read in the UI. */

import type { AccountType } from "./types";

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
