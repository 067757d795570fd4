/**
 * How numbers, dates and names read in the UI. One precision per kind of figure: amounts in whole
 * dollars ("$33,606"), prices in cents, shares and chances with one decimal ("74.4%"), ages and
 * years as integers ("78"), and a thousands separator in every number ("10,000").
 */

import type { Account, AccountType, HoldingValue } from "./types";

const centFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/**
 * `value` to `digits` decimals with thousands separators, rounded as the backend's Python rounds
 * the same JSON number in its prose (to nearest on the exact binary value, an exact tie to even),
 * so a sentence and the table beside it never differ in the last digit. `toFixed` rounds the
 * exact binary value too, but an exact tie away from zero; Intl rounds the decimal string.
 */
function fixed(value: number, digits: number): string {
  const size = Math.abs(value);
  let text = size.toFixed(digits);
  const [, decimals = ""] = size.toPrecision(21).split(".");
  const dropped = decimals.slice(digits);
  if (/^50*$/.test(dropped)) {
    // An exact tie: keep the last digit when it is even (toFixed went up, away from it).
    const kept = size.toPrecision(21).split(".")[0] + (digits ? `.${decimals.slice(0, digits)}` : "");
    if (Number(kept.at(-1)) % 2 === 0) text = kept;
  }
  const [whole, fraction] = text.split(".");
  const grouped = Number(whole).toLocaleString("en-US") + (fraction ? `.${fraction}` : "");
  return value < 0 ? `-${grouped}` : grouped;
}

export function dollars(amount: number, cents = false): string {
  if (cents) return centFormat.format(amount);
  const text = fixed(amount, 0);
  return text.startsWith("-") && text !== "-0" ? `-$${text.slice(1)}` : `$${text.replace("-", "")}`;
}

/** Amounts (of 0 or more) in whole dollars that add up to their total as `dollars` shows it:
 * each rounded down, and the dollars left over given to the largest remainders (largest amount
 * first on a tie), as the backend's `apportion` does; so a chart's slices sum to its total. */
export function wholeDollars(amounts: number[]): number[] {
  const cents = amounts.map((amount) => Math.round(amount * 100));
  const total = Number(fixed(cents.reduce((sum, c) => sum + c, 0) / 100, 0).replace(/,/g, ""));
  const parts = cents.map((c) => Math.floor(c / 100));
  const left = total - parts.reduce((sum, part) => sum + part, 0);
  const order = cents.map((_, i) => i).sort((a, b) => cents[b]! % 100 - cents[a]! % 100 || cents[b]! - cents[a]! || a - b);
  for (const i of order.slice(0, left)) parts[i]! += 1;
  return parts;
}

export function percent(value: number, digits = 1): string {
  return `${fixed(value, digits)}%`;
}

/** A whole number with its thousands separator: ages, years, counts ("10,000", "78"). */
export function integer(value: number): string {
  return fixed(value, 0);
}

/** A chance (a fraction, 0 to 1) as a percentage: 0.194 → "19.4%". */
export function chance(probability: number): string {
  return percent(probability * 100);
}

/** How a share's base is named, as the analytics' `base_words` names it: "of holdings and cash"
 * (asset classes) or "of holdings" (regions, sectors); while some holdings are not classified,
 * "of classified holdings…", so a table's share never reads as one of the whole portfolio. */
export function baseWords(base: "invested" | "total", unclassified: boolean): string {
  const holdings = unclassified ? "classified holdings" : "holdings";
  return base === "total" ? `of ${holdings} and cash` : `of ${holdings}`;
}

/** A difference of two shares in percentage points, with its sign: "+4.4", "−2.0", and "0.0" unsigned. */
export function points(value: number): string {
  const text = fixed(Math.abs(value), 1);
  if (/^[0.,]+$/.test(text)) return text;
  return `${value > 0 ? "+" : "\u2212"}${text}`;
}

/** How many of how many, with the unit: "3 of 3 holdings", "1 of 1 holding". */
export function countOf(done: number, total: number, unit: string): string {
  return `${integer(done)} of ${integer(total)} ${total === 1 ? unit : `${unit}s`}`;
}

/** An elapsed time as a person says it: "under 0.1 s", "0.4 s", "1.5 s", "42 s", "2 min 5 s". */
export function duration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 0.05) return "under 0.1 s";
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  const rest = whole % 60;
  return `${Math.floor(whole / 60)} min${rest ? ` ${rest} s` : ""}`;
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

/** What an account is, under its name: its type, unless the name says it ("401k" says 401(k),
 * as the report's account labels do), then its purpose: "Roth IRA · Tax-free growth". */
export function accountKind(account: Pick<Account, "account_name" | "account_type" | "account_purpose">): string {
  const plain = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const type = ACCOUNT_TYPE_LABELS[account.account_type] ?? account.account_type;
  const parts = plain(account.account_name).includes(plain(type)) ? [] : [type];
  if (account.account_purpose) parts.push(account.account_purpose);
  return parts.join(" · ");
}

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
