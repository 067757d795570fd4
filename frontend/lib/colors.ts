/**
 * One colour per category across the app, the same as the charts the backend builds
 * (`shared/analytics/colors.py`, which colours `charts_payload`): a category takes the hue at its
 * position in the schema's list, so equity is always blue; cash, unclassified and "other" are greys.
 * `tests/colors.test.ts` reads the Python file and fails if the two drift apart.
 */

/** Okabe & Ito's colour-blind-safe palette (without black), then Paul Tol's "muted" scheme. */
export const HUES = [
  "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
  "#332288", "#CC6677", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
] as const;

export const NEUTRALS: Record<string, string> = {
  cash: "#BBBBBB",
  unclassified: "#DDDDDD",
  other_holdings: "#777777",
  other: "#777777",
};

/** Bars compare sizes, not categories: every bar takes this one hue. */
export const BAR_HUE = HUES[0];

// The schemas' orders (shared/schemas.py): a key's position there is its hue.
export const ORDERS = {
  asset_class: ["equity", "fixed_income", "real_estate", "commodities", "cash", "alternatives"],
  region: ["north_america", "latin_america", "europe", "middle_east_africa", "asia_pacific", "global"],
  sector: [
    "technology", "healthcare", "financials", "consumer_discretionary", "consumer_staples", "industrials",
    "materials", "energy", "utilities", "real_estate", "communication_services", "government_bonds",
    "corporate_bonds", "securitized_bonds", "precious_metals", "other_commodities", "other",
  ],
} as const;

export type Dimension = keyof typeof ORDERS;

/** The colour of `key`; `rank` (its place in the chart) only counts for a key off the lists. */
export function colorFor(dimension: Dimension, key: string, rank = 0): string {
  const neutral = NEUTRALS[key];
  if (neutral) return neutral;
  const position = (ORDERS[dimension] as readonly string[]).indexOf(key);
  return HUES[(position >= 0 ? position : rank) % HUES.length]!;
}
