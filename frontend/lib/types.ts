/** The API's JSON shapes, as `shared/schemas.py` defines them (decimals arrive as numbers). */

import type { StepName } from "./steps.generated";

export const ASSET_CLASSES = [
  "equity",
  "fixed_income",
  "real_estate",
  "commodities",
  "cash",
  "alternatives",
] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

export const REGION_TARGETS = [
  "north_america",
  "international",
  "latin_america",
  "europe",
  "middle_east_africa",
  "asia_pacific",
  "global",
] as const;
export type RegionTarget = (typeof REGION_TARGETS)[number];

export const ACCOUNT_TYPES = [
  "401k",
  "403b",
  "roth_401k",
  "traditional_ira",
  "roth_ira",
  "sep_ira",
  "taxable",
  "hsa",
  "529",
  "pension",
  "other",
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export type Allocation<K extends string> = Partial<Record<K, number>>;

export interface User {
  clerk_user_id: string;
  display_name: string;
  years_until_retirement: number;
  target_retirement_income: number;
  current_age: number | null;
  annual_contribution: number;
  asset_class_targets: Allocation<AssetClass>;
  region_targets: Allocation<RegionTarget>;
}

export type UserUpdate = Partial<Omit<User, "clerk_user_id">>;

export interface Instrument {
  symbol: string;
  name: string;
  instrument_type: string | null;
  current_price: number | null;
  /** Where the price comes from: "seed" (approximate sample prices) or "massive" (market data). */
  price_source?: "seed" | "massive" | null;
  price_as_of?: string | null;
  allocation_asset_class: Allocation<AssetClass> | null;
  allocation_regions: Record<string, number> | null;
  allocation_sectors: Record<string, number> | null;
}

export interface AccountFields {
  account_name: string;
  account_type: AccountType;
  account_purpose: string;
  cash_balance: number;
  cash_interest: number;
}

export interface Account extends AccountFields {
  id: string;
  created_at: string;
  updated_at: string;
}

export interface Position {
  id: string;
  account_id: string;
  symbol: string;
  quantity: number;
  as_of_date: string;
}

export interface PositionCreate {
  account_id: string;
  symbol: string;
  quantity: number;
}

/** The workflow's steps (the step table's keys); the job row keys its progress by them. */
export type { StepName };
/** `aborted`: stopped because another branch failed; a retry from the failed step runs it again.
 * `skipped`: ran but could not do its work (tagging without a language model), its notice says why. */
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "aborted" | "skipped";
export type JobStatus = "pending" | "running" | "completed" | "failed";

export interface StepState {
  status: StepStatus;
  attempts?: number;
  started_at?: string | null;
  completed_at?: string | null;
  error?: string | null;
  done?: number | null;
  total?: number | null;
  items?: string[];
  /** The items finished without their work (instruments left unclassified, offline). */
  skipped?: string[];
  /** What wrote the step's result: a model's name, "offline" (no language model), or "none". */
  generated_by?: string | null;
  /** Why the result was written offline, or why there is none. */
  notice?: string | null;
}

export interface ChartPoint {
  name: string;
  value: number;
  percentage: number;
  color: string;
}

export type ChartType = "pie" | "donut" | "bar" | "horizontalBar";

export interface Chart {
  title: string;
  description: string;
  type: ChartType;
  data: ChartPoint[];
}

/** Which base a share is of: "invested" (classified holdings) or "total" (classified holdings
 * plus cash); named by `baseWords`. */
export type ShareBase = "invested" | "total";

/** One row of allocation against target, from the analytics (never parsed from prose). */
export interface AllocationRow {
  dimension: "asset_class" | "region" | "sector";
  key: string;
  label: string;
  /** Percent of `base`, one decimal. */
  actual_pct: number;
  /** The user's target, percent of the same base; null when the user set none for this key. */
  target_pct: number | null;
  /** actual_pct - target_pct: positive is over target, negative under; null without a target. */
  drift_pct: number | null;
  /** The drift is beyond the band, so trades correct it; null without a target. Analyses
   * stored before this field was added lack it. */
  outside_band?: boolean | null;
  base: ShareBase;
  /** For "international": the regions held that it counts (every one outside North America). */
  covers?: string[];
}

/** What each base is, in dollars. Both leave out holdings without allocation data (their class,
 * region and sector are unknown): invested = classified holdings (region and sector shares),
 * total = invested + cash (asset-class shares); total + unclassified = the portfolio's value. */
export interface ShareBases {
  invested: number;
  cash: number;
  total: number;
  /** Holdings without allocation data, in no share; when above 0, say so beside the table. */
  unclassified: number;
}

/** One rebalancing trade toward the targets, in whole dollars. */
export interface Trade {
  account_name: string | null;
  symbol: string;
  action: "buy" | "sell";
  amount: number;
}

/** The report's structured parts, computed from the analytics. */
export interface ReportAnalysis {
  allocation: AllocationRow[];
  /** Drift within this many points of a target needs no trade (absent from older analyses). */
  band?: number;
  bases: ShareBases;
  trades: Trade[];
  /** 2-4 plain sentences: the portfolio's main findings. */
  findings: string[];
}

export interface ReportPayload {
  markdown: string;
  sections?: string[];
  analysis?: ReportAnalysis;
}

/** `charts_payload`: the charts, keyed by name, and nothing else. */
export type ChartsPayload = Record<string, Chart>;

export interface YearBand {
  year: number;
  age: number | null;
  phase: "accumulation" | "retirement";
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface RetirementProjection {
  success_probability: number;
  target_income: number;
  sustainable_income: number;
  median_depletion_year: number | null;
  median_depletion_age: number | null;
  years_until_retirement: number;
  retirement_years: number;
  retirement_age: number | null;
  bands: YearBand[];
  notes?: string[];
}

export interface RetirementVariation {
  label: string;
  success_probability: number;
  sustainable_income: number;
  retirement_age: number | null;
  years_until_retirement: number;
}

/** on_track: success >= 80%; at_risk: 50% to under 80%; off_track: under 50%. */
export type VerdictLevel = "on_track" | "at_risk" | "off_track";

export interface RetirementVerdict {
  level: VerdictLevel;
  /** A fraction from 0 to 1, as the projection's (0.194 is 19.4%). */
  success_probability: number;
  /** The chance in words: "about 1 in 5", "about 9 in 10". */
  chance_words: string;
}

export type ImprovementKind = "retire_later" | "contribute_more" | "lower_income";

/** One lever changed and the Monte Carlo run again (same seed); best first, at most 3, only
 * changes that raise the chance (none when the plan is certain already). */
export interface RetirementImprovement {
  kind: ImprovementKind;
  /** Short, e.g. "Retire 3 years later (at 68)". */
  label: string;
  /** One sentence: the change and what it does to the chance. */
  detail: string;
  /** The chance with this change, a fraction from 0 to 1 (same markets as the projection). */
  success_probability: number;
}

export interface RetirementPayload {
  projection: RetirementProjection;
  variations?: RetirementVariation[];
  verdict?: RetirementVerdict;
  improvements?: RetirementImprovement[];
  narrative: string;
}

/** How the result was written: one notice for the whole result. */
export interface ProducedBy {
  mode: "model" | "offline";
  /** The model's name; null offline. */
  model: string | null;
  /** In words a user can act on. */
  message: string;
}

export type AnalysedSettings = Pick<
  User,
  "years_until_retirement" | "target_retirement_income" | "annual_contribution" | "current_age" | "asset_class_targets" | "region_targets"
>;

export interface SummaryPayload {
  text: string;
  produced_by?: ProducedBy;
  total_value?: number;
  /** What the analysis could not see (unpriced, unclassified, stale, user-priced), one sentence each. */
  gaps?: string[];
  /** Where the prices came from, when a source was asked (the start step's notice). */
  prices?: string | null;
  success_probability?: number | null;
  /** The retirement verdict and the change that helps most: how a list shows the analysis. */
  verdict?: RetirementVerdict | null;
  helps_most?: string | null;
  /** The settings the analysis was computed from (absent from older analyses). */
  settings?: AnalysedSettings;
  charts?: string[];
  unclassified?: string[];
}

export interface Job {
  id: string;
  job_type: string;
  status: JobStatus;
  steps: Partial<Record<StepName, StepState>>;
  report_payload: ReportPayload | null;
  charts_payload: ChartsPayload | null;
  retirement_payload: RetirementPayload | null;
  summary_payload: SummaryPayload | null;
  failed_step: StepName | null;
  error_message: string | null;
  error_cause: string | null;
  redrive_count: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
}

/** Where a holding's price comes from; "user": the price the user entered, for their holdings only. */
export type HoldingPriceSource = "seed" | "massive" | "user";

/** One position valued as an analysis values it (GET /api/portfolio). */
export interface HoldingValue {
  account_id: string;
  symbol: string;
  name: string;
  quantity: number;
  price: number | null;
  value: number | null;
  price_source: HoldingPriceSource | null;
  price_as_of: string | null;
  stale: boolean;
  /** The user's own price, not used because a source prices the symbol. */
  superseded_user_price: number | null;
  asset_classes: Record<string, number> | null;
}

export interface AccountValue {
  account_id: string;
  account_name: string;
  cash: number;
  holdings: number;
  total: number;
}

export interface Valuation {
  holdings: HoldingValue[];
  accounts: AccountValue[];
  cash: number;
  invested: number;
  total: number;
  unpriced: string[];
  unclassified: string[];
  user_priced: string[];
  stale: string[];
  stale_after_days: number;
}

/** GET /api/portfolio: the valuation, what an analysis could not see, and whether one can start. */
export interface PortfolioValue {
  valuation: Valuation;
  gaps: string[];
  analyzable: boolean;
  reason: string | null;
  /** Whether the next analysis can classify instruments (a language model is configured). */
  classifies: boolean;
}

export interface UserPrice {
  symbol: string;
  price: number;
  as_of_date: string;
}
