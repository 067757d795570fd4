/**
 * The retirement projection: a fan chart of the balance by year (p10–p90 and p25–p75 bands, the
 * median line, retirement marked, both axes titled), the success probability and the planner's
 * narrative. How the projection was written is said once, at the top of the results.
 */

import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";

import { dollars, percent } from "@/lib/format";
import type { RetirementPayload, YearBand } from "@/lib/types";

import { Markdown, withoutNotice } from "./Markdown";
import { TooltipBox } from "./ui";

interface Point {
  x: number;
  outer: [number, number];
  inner: [number, number];
  median: number;
}

function points(bands: YearBand[], byAge: boolean): Point[] {
  return bands.map((band) => ({
    x: byAge && band.age !== null ? band.age : band.year,
    outer: [band.p10, band.p90],
    inner: [band.p25, band.p75],
    median: band.p50,
  }));
}

function compactDollars(value: number): string {
  if (Math.abs(value) >= 1e6) return `$${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e3) return `$${Math.round(value / 1e3)}k`;
  return dollars(value);
}

/** The balances of one year, in words: dark text on white, whatever the bands' colours. */
export function BandTooltip({ active, payload, label, axisName }: Pick<TooltipContentProps, "active" | "payload" | "label"> & { axisName: string }) {
  const point = payload?.[0]?.payload as Point | undefined;
  if (!active || !point) return null;
  const range = ([low, high]: [number, number]) => `${compactDollars(low)} – ${compactDollars(high)}`;
  return (
    <TooltipBox
      title={`${axisName} ${String(label)}`}
      lines={[
        `Typical markets: ${compactDollars(point.median)}`,
        `Middle half: ${range(point.inner)}`,
        `Weak to strong markets: ${range(point.outer)}`,
      ]}
    />
  );
}

/** `notice`: the label of a projection written without a language model, kept out of the narrative
 * (the results page shows it once for the whole analysis). */
export function RetirementChart({ payload, notice }: { payload: RetirementPayload; notice?: string }) {
  const { projection } = payload;
  const byAge = projection.retirement_age !== null && projection.bands.every((b) => b.age !== null);
  const data = points(projection.bands, byAge);
  const retiredAt = byAge ? projection.retirement_age! : projection.years_until_retirement;
  const axisName = byAge ? "Age" : "Years from now";
  const success = projection.success_probability * 100;

  return (
    <section aria-labelledby="retirement-title" className="rounded-xl border border-slate-200 bg-white p-4">
      <h3 id="retirement-title" className="font-semibold text-slate-900">
        Retirement projection
      </h3>
      <dl className="my-3 grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Figure term="Chance the target income lasts" value={percent(success)} />
        <Figure term="Target income" value={`${dollars(projection.target_income)} / yr`} />
        <Figure term="Income that lasts in 9 of 10 markets" value={`${dollars(projection.sustainable_income)} / yr`} />
      </dl>
      <div
        role="img"
        aria-label={`Projected balance in today's dollars by ${axisName.toLowerCase()}: from weak to strong markets (10th to 90th percentile) and in typical markets (median), retirement at ${axisName.toLowerCase()} ${retiredAt}. Success probability ${percent(success)}.`}
        className="h-80 w-full"
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 16, right: 16, left: 16, bottom: 24 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={["dataMin", "dataMax"]}
              tick={{ fontSize: 11 }}
              label={{ value: axisName, position: "bottom", offset: 8, fill: "#334155", fontSize: 12 }}
            />
            <YAxis
              tickFormatter={compactDollars}
              width={64}
              tick={{ fontSize: 11 }}
              label={{ value: "Balance (today's $)", angle: -90, position: "insideLeft", offset: -8, fill: "#334155", fontSize: 12, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props) => <BandTooltip {...props} axisName={axisName} />} isAnimationActive={false} />
            <Area dataKey="outer" name="Weak to strong markets" fill="#93c5fd" fillOpacity={0.45} stroke="none" isAnimationActive={false} />
            <Area dataKey="inner" name="Middle half" fill="#3b82f6" fillOpacity={0.35} stroke="none" isAnimationActive={false} />
            <Line dataKey="median" name="Typical markets" stroke="#1e3a8a" strokeWidth={2} dot={false} isAnimationActive={false} />
            <ReferenceLine x={retiredAt} stroke="#b45309" strokeDasharray="4 4" label={{ value: "Retirement", position: "insideTopRight", fill: "#b45309", fontSize: 12 }} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Shaded: weak to strong markets (10th to 90th percentile), darker the middle half; line: typical markets
        (median); dashed: retirement
        {projection.retirement_age !== null ? ` at age ${projection.retirement_age}` : ` in ${projection.years_until_retirement} years`}. In today&apos;s dollars.
      </p>
      {payload.variations && payload.variations.length > 0 && (
        <div className="mt-4">
          <h4 className="text-sm font-semibold text-slate-800">What-ifs the planner tried</h4>
          <ul className="mt-1 space-y-1 text-sm">
            {payload.variations.map((variation) => (
              <li key={variation.label}>
                {variation.label}: {percent(variation.success_probability * 100)} chance,{" "}
                {dollars(variation.sustainable_income)} / yr sustainable
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="mt-4">
        <Markdown text={withoutNotice(payload.narrative, notice)} />
      </div>
    </section>
  );
}

function Figure({ term, value }: { term: string; value: string }) {
  return (
    <div className="rounded-lg bg-slate-50 p-3">
      <dt className="text-xs text-slate-600">{term}</dt>
      <dd className="text-xl font-semibold tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}
