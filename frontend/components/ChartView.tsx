/**
 * One chart of `charts_payload`, drawn by its `type`. Slices keep the payload's colours (one colour
 * per category across the app, see lib/colors.ts); bars compare sizes, so they share one hue. The
 * figure is labelled by its title and description, and a legend lists every point as text.
 */

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";

import { BAR_HUE, NEUTRALS } from "@/lib/colors";
import { dollars, percent, wholeDollars } from "@/lib/format";
import type { Chart, ChartPoint } from "@/lib/types";

import { TooltipBox } from "./ui";

/** Slices under this share (%) are too thin to see or point at. */
export const SMALL_SLICE = 2;
const OTHER = "Other";

/** A point as drawn; `parts` names the points an "Other" slice groups. */
export interface Slice extends ChartPoint {
  parts?: string[];
}

/** Two or more slices under 2% each become one "Other" slice (with any "Other" the chart has);
 * a lone small slice keeps its name, as grouping it would only hide what it is. */
export function groupSmallSlices(points: ChartPoint[]): Slice[] {
  const small = points.filter((point) => point.percentage < SMALL_SLICE || point.name === OTHER);
  if (small.filter((point) => point.name !== OTHER).length < 2) return points;
  const kept = points.filter((point) => !small.includes(point));
  const parts = small.flatMap((point) => (point.name === OTHER ? [] : [point.name]));
  const other: Slice = {
    name: OTHER,
    value: small.reduce((sum, point) => sum + point.value, 0),
    // The payload's one-decimal shares sum to exactly 100: added in tenths, they still do.
    percentage: small.reduce((sum, point) => sum + Math.round(point.percentage * 10), 0) / 10,
    color: NEUTRALS.other!,
    parts,
  };
  return [...kept, other];
}

/** "$35,850 · 35.9%": the figures of a point, as the tooltip and the legend say them. */
function figures(point: ChartPoint): string {
  return `${dollars(point.value)} · ${percent(point.percentage)}`;
}

export function PointTooltip({ active, payload }: Pick<TooltipContentProps, "active" | "payload">) {
  const point = payload?.[0]?.payload as Slice | undefined;
  if (!active || !point) return null;
  return <TooltipBox title={point.name} lines={[figures(point)]} />;
}

const tooltip = <Tooltip content={PointTooltip} cursor={{ fill: "#e2e8f0" }} isAnimationActive={false} />;

/** Wide enough for the longest category name, so no label is cut (within reason on a phone). */
function labelWidth(points: ChartPoint[]): number {
  const longest = Math.max(...points.map((point) => point.name.length));
  return Math.min(180, Math.max(60, Math.ceil(longest * 6.4) + 12));
}

function Drawing({ chart, slices }: { chart: Chart; slices: Slice[] }) {
  const money = (v: number) => dollars(v);
  const axisTitle = { fill: "#334155", fontSize: 12 };
  switch (chart.type) {
    case "pie":
    case "donut":
      return (
        <PieChart>
          <Pie
            data={slices}
            dataKey="value"
            nameKey="name"
            innerRadius={chart.type === "donut" ? "55%" : 0}
            outerRadius="90%"
            isAnimationActive={false}
          >
            {slices.map((slice) => (
              <Cell key={slice.name} fill={slice.color} name={slice.name} />
            ))}
          </Pie>
          {tooltip}
        </PieChart>
      );
    case "bar":
      return (
        <BarChart data={slices} margin={{ left: 8, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {/* Slanted, so long names fit side by side whole. */}
          <XAxis dataKey="name" interval={0} angle={-30} textAnchor="end" height={90} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={money} width={88} tick={{ fontSize: 11 }} label={{ value: "Value ($)", angle: -90, position: "insideLeft", ...axisTitle }} />
          {tooltip}
          <Bar dataKey="value" fill={BAR_HUE} isAnimationActive={false} />
        </BarChart>
      );
    case "horizontalBar":
      return (
        <BarChart data={slices} layout="vertical" margin={{ left: 8, right: 16, bottom: 24 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={money} tick={{ fontSize: 11 }} label={{ value: "Value ($)", position: "bottom", offset: 8, ...axisTitle }} />
          <YAxis type="category" dataKey="name" width={labelWidth(slices)} interval={0} tick={{ fontSize: 11 }} />
          {tooltip}
          <Bar dataKey="value" fill={BAR_HUE} isAnimationActive={false} />
        </BarChart>
      );
  }
}

// Offline, the charter prefixed every description with this; the results page now says it once.
const OFFLINE_PREFIX = /^Chosen without a language model\.\s*/;

/** The chart's description without what the page already said above it: the offline prefix and
 * the sentences in `said` (the charter appends the analysis's gaps to every chart). */
export function description(chart: Chart, said: string[] = []): string {
  return said.reduce((text, sentence) => text.replace(sentence, ""), chart.description.replace(OFFLINE_PREFIX, "")).trim();
}

export function ChartView({ id, chart, said }: { id: string; chart: Chart; said?: string[] }) {
  const titleId = `chart-${id}-title`;
  const descriptionId = `chart-${id}-description`;
  const bars = chart.type === "bar" || chart.type === "horizontalBar";
  // Whole dollars that add up to the chart's total, as its description states it.
  const whole = wholeDollars(chart.data.map((point) => point.value));
  const data = chart.data.map((point, i) => ({ ...point, value: whole[i]! }));
  const slices: Slice[] = bars ? data : groupSmallSlices(data);
  return (
    <figure
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      data-chart-type={chart.type}
      className="break-inside-avoid rounded-xl border border-slate-200 bg-white p-4"
    >
      <h3 id={titleId} className="font-semibold text-slate-900">
        {chart.title}
      </h3>
      <p id={descriptionId} className="mb-2 text-sm text-slate-600">
        {description(chart, said)}
      </p>
      <div
        role="img"
        aria-label={`${chart.title}: ${describe(chart.data)}`}
        className="w-full"
        // Horizontal bars get a row each, so every label stays readable.
        style={{ height: chart.type === "horizontalBar" ? Math.max(256, 24 * slices.length + 64) : 256 }}
      >
        <ResponsiveContainer width="100%" height="100%">
          <Drawing chart={chart} slices={slices} />
        </ResponsiveContainer>
      </div>
      <ul className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        {slices.map((slice) => (
          <li key={slice.name} className="flex items-start gap-2">
            {!bars && (
              <span aria-hidden className="mt-1 inline-block h-3 w-3 shrink-0 rounded-sm" style={{ background: slice.color }} />
            )}
            {/* The whole name, wrapped if it must be: never cut. */}
            <span className="min-w-0 break-words">
              {slice.name}
              {slice.parts && <span className="block text-xs text-slate-600">{slice.parts.join(", ")}</span>}
            </span>
            <span className="ml-auto shrink-0 whitespace-nowrap tabular-nums text-slate-700">{figures(slice)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function describe(data: ChartPoint[]): string {
  return data.map((point) => `${point.name} ${percent(point.percentage)}`).join(", ");
}
