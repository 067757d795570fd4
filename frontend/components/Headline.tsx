/**
 * The top of a finished analysis: whether the retirement plan is on track (a coloured verdict, the
 * chance in words), the changes that most improve it, and the portfolio's main findings. All three
 * are computed by code in the backend; this only lays them out. Also the same verdict in one line,
 * where analyses are listed (`Outcome`), and what has changed since an analysis (`SinceThen`).
 */

import { chance, dateTime, dollars } from "@/lib/format";
import type { AnalysedSettings, RetirementPayload, SummaryPayload, User, VerdictLevel } from "@/lib/types";
import { useCurrentUser } from "@/lib/user";

const VERDICTS: Record<VerdictLevel, { words: string; style: string }> = {
  on_track: { words: "On track", style: "border-emerald-300 bg-emerald-50 text-emerald-900" },
  at_risk: { words: "At risk", style: "border-amber-300 bg-amber-50 text-amber-900" },
  off_track: { words: "Off track", style: "border-red-300 bg-red-50 text-red-900" },
};

function Verdict({ retirement }: { retirement: RetirementPayload }) {
  const { projection, verdict } = retirement;
  const target = `${dollars(projection.target_income)} a year`;
  if (!verdict) {
    return (
      <p className="text-lg text-slate-900">
        Your target income of {target} lasts through retirement in{" "}
        <strong className="tabular-nums">{chance(projection.success_probability)}</strong> of simulated markets.
      </p>
    );
  }
  const { words, style } = VERDICTS[verdict.level];
  return (
    <div data-verdict={verdict.level} className={`rounded-lg border-2 p-3 ${style}`}>
      <p className="text-2xl font-bold">{words}</p>
      <p className="mt-1">
        Your target income of {target} lasts through retirement in {verdict.chance_words} simulated markets{" "}
        <span className="whitespace-nowrap tabular-nums">({chance(verdict.success_probability)})</span>.
      </p>
    </div>
  );
}

/** A finished analysis in one line, where analyses are listed: the verdict, its chance, and the
 * change that helps most (and, with `value`, the portfolio's value then, which tells analyses of
 * one portfolio apart); an analysis stored before verdicts shows its summary text. */
export function Outcome({ summary, value = false }: { summary: SummaryPayload; value?: boolean }) {
  const { verdict, helps_most: helps } = summary;
  if (!verdict) return <p className="text-slate-800">{summary.text}</p>;
  const { words, style } = VERDICTS[verdict.level];
  return (
    <p data-verdict={verdict.level} className="text-slate-800">
      <span className={`mr-2 inline-block rounded border px-2 py-0.5 text-sm font-semibold ${style}`}>{words}</span>{" "}
      Your target income lasts in {verdict.chance_words} simulated markets{" "}
      <span className="whitespace-nowrap tabular-nums">({chance(verdict.success_probability)})</span>.
      {helps && ` What would help most: ${helps.charAt(0).toLowerCase()}${helps.slice(1)}.`}
      {value && summary.total_value !== undefined && ` Portfolio value then: ${dollars(summary.total_value)}.`}
    </p>
  );
}

const SETTING_NAMES: Record<keyof AnalysedSettings, string> = {
  years_until_retirement: "years until retirement",
  target_retirement_income: "target income",
  annual_contribution: "annual contribution",
  current_age: "age",
  asset_class_targets: "asset-class targets",
  region_targets: "region targets",
};

/** What has changed since an analysis, by name: its settings against the user's now, and the
 * portfolio's value against `total` (when known). Older analyses, without settings, compare none. */
export function changedSince(summary: SummaryPayload, user: User | null, total: number | null): string[] {
  const settings = summary.settings;
  const changed =
    settings && user
      ? (Object.keys(SETTING_NAMES) as (keyof AnalysedSettings)[])
          .filter((key) => JSON.stringify(sorted(settings[key])) !== JSON.stringify(sorted(user[key])))
          .map((key) => SETTING_NAMES[key])
      : [];
  if (total !== null && summary.total_value !== undefined && Math.abs(total - summary.total_value) >= 0.005) {
    changed.push("portfolio's value");
  }
  return changed;
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

/** Says when an analysis no longer describes the settings or portfolio of now, so its verdict is
 * not read as today's. `total`: the portfolio's value now, when the page has it. */
export function SinceThen({ summary, when, total }: { summary: SummaryPayload; when: string; total: number | null }) {
  const changed = changedSince(summary, useCurrentUser()?.user ?? null, total);
  if (!changed.length) return null;
  const list = changed.length === 1 ? changed[0] : `${changed.slice(0, -1).join(", ")} and ${changed.at(-1)}`;
  return (
    <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      Your {list} {changed.length === 1 ? "has" : "have"} changed since this analysis, whose figures are those of{" "}
      {dateTime(when)}: start a new analysis to see where you stand now.
    </p>
  );
}

export function Headline({ retirement, findings }: { retirement: RetirementPayload | null; findings: string[] }) {
  const improvements = retirement?.improvements ?? [];
  return (
    <section aria-labelledby="headline-title" className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <h2 id="headline-title" className="text-lg font-semibold text-slate-900">
        At a glance
      </h2>
      {retirement ? <Verdict retirement={retirement} /> : null}
      {improvements.length > 0 && (
        <div>
          <h3 className="font-semibold text-slate-900">What would help most</h3>
          <ol className="mt-2 space-y-2">
            {improvements.map((improvement) => (
              <li key={improvement.kind} className="rounded-lg bg-slate-50 p-3">
                <p className="flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="font-medium text-slate-900">{improvement.label}</span>
                  <span className="whitespace-nowrap text-sm tabular-nums text-slate-700">
                    {chance(improvement.success_probability)} chance
                  </span>
                </p>
                <p className="mt-1 text-sm text-slate-700">{improvement.detail}</p>
              </li>
            ))}
          </ol>
        </div>
      )}
      {findings.length > 0 && (
        <div>
          <h3 className="font-semibold text-slate-900">Your portfolio</h3>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-800">
            {findings.map((finding) => (
              <li key={finding}>{finding}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
