/**
 * One chart of `charts_payload`, drawn by its `type` in the payload's colours. The figure is
 * labelled by its title and description, and a legend lists every point as text for everyone.
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
} from "recharts";

import { dollars, percent } from "@/lib/format";
import type { Chart, ChartPoint } from "@/lib/types";

function tooltipText(value: unknown, _name: unknown, item: { payload?: ChartPoint }) {
  const point = item.payload;
  return point ? `${dollars(point.value)} (${percent(point.percentage)})` : String(value);
}

function Drawing({ chart }: { chart: Chart }) {
  const cells = chart.data.map((point) => <Cell key={point.name} fill={point.color} name={point.name} />);
  switch (chart.type) {
    case "pie":
    case "donut":
      return (
        <PieChart>
          <Pie
            data={chart.data}
            dataKey="value"
            nameKey="name"
            innerRadius={chart.type === "donut" ? "55%" : 0}
            outerRadius="90%"
            isAnimationActive={false}
          >
            {cells}
          </Pie>
          <Tooltip formatter={tooltipText} />
        </PieChart>
      );
    case "bar":
      return (
        <BarChart data={chart.data} margin={{ left: 8, right: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" interval={0} tick={{ fontSize: 11 }} />
          <YAxis tickFormatter={(v: number) => dollars(v)} width={80} tick={{ fontSize: 11 }} />
          <Tooltip formatter={tooltipText} />
          <Bar dataKey="value" isAnimationActive={false}>
            {cells}
          </Bar>
        </BarChart>
      );
    case "horizontalBar":
      return (
        <BarChart data={chart.data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => dollars(v)} tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={110} interval={0} tick={{ fontSize: 11 }} />
          <Tooltip formatter={tooltipText} />
          <Bar dataKey="value" isAnimationActive={false}>
            {cells}
          </Bar>
        </BarChart>
      );
  }
}

export function ChartView({ id, chart }: { id: string; chart: Chart }) {
  const titleId = `chart-${id}-title`;
  const descriptionId = `chart-${id}-description`;
  return (
    <figure
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      data-chart-type={chart.type}
      className="rounded-xl border border-slate-200 bg-white p-4"
    >
      <h3 id={titleId} className="font-semibold text-slate-900">
        {chart.title}
      </h3>
      <p id={descriptionId} className="mb-2 text-sm text-slate-600">
        {chart.description}
      </p>
      <div
        role="img"
        aria-label={`${chart.title}: ${describe(chart.data)}`}
        className="w-full"
        // Horizontal bars get a row each, so every label stays readable.
        style={{ height: chart.type === "horizontalBar" ? Math.max(256, 24 * chart.data.length + 40) : 256 }}
      >
        <ResponsiveContainer width="100%" height="100%">
          <Drawing chart={chart} />
        </ResponsiveContainer>
      </div>
      <ul className="mt-3 grid gap-1 text-sm sm:grid-cols-2">
        {chart.data.map((point) => (
          <li key={point.name} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-3 w-3 shrink-0 rounded-sm" style={{ background: point.color }} />
            <span className="truncate">{point.name}</span>
            <span className="ml-auto shrink-0 whitespace-nowrap tabular-nums text-slate-600">
              {dollars(point.value)} · {percent(point.percentage)}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function describe(data: ChartPoint[]): string {
  return data.map((point) => `${point.name} ${percent(point.percentage)}`).join(", ");
}
