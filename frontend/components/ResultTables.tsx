/**
 * The tables of a finished analysis, where people compare numbers: allocation against target, the
 * rebalancing trades and the retirement balance in weak, typical and strong markets. Every figure
 * comes from the payloads' data (never from the report's prose), right-aligned in tabular figures
 * and never wrapped; a table wider than a phone scrolls inside its card.
 */

import type { ReactNode } from "react";

import { baseWords, dollars, integer, percent, points } from "@/lib/format";
import type { AllocationRow, ReportAnalysis, Trade, YearBand } from "@/lib/types";

// Figures never wrap; headers wrap only between words; narrow padding keeps a phone's table whole.
const FIGURE = "whitespace-nowrap px-2 py-2 text-right tabular-nums sm:px-3";
const HEAD = "px-2 py-2 text-right align-bottom font-semibold sm:px-3";
const NAME = "px-2 py-2 text-left sm:px-3";

/** `wide`: how wide the table may grow on a large screen, so figures stay near their names. */
function Table({ caption, head, children, wide = "" }: { caption: ReactNode; head: ReactNode; children: ReactNode; wide?: string }) {
  return (
    // Focusable, so a keyboard can scroll a table wider than the screen.
    <div className={`overflow-x-auto rounded-lg border border-slate-200 ${wide}`} tabIndex={0}>
      <table className="w-full text-sm">
        <caption className="px-3 py-2 text-left text-sm text-slate-700">{caption}</caption>
        <thead className="border-y border-slate-200 bg-slate-50 text-slate-700">
          <tr>{head}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

const DIMENSIONS: Record<AllocationRow["dimension"], string> = {
  asset_class: "By asset class",
  region: "By region",
  sector: "By sector",
};

/** The drift in points, and a marker: over or under only beyond the band, where trades correct it. */
function Drift({ row }: { row: AllocationRow }) {
  const drift = row.drift_pct;
  if (drift === null) return <span className="text-slate-500">No target</span>;
  const rounded = Math.round(drift * 10) / 10;
  const [word, style, mark] =
    rounded === 0
      ? ["On target", "bg-emerald-100 text-emerald-900", "="]
      : row.outside_band === false
        ? ["Within band", "bg-slate-100 text-slate-800", "≈"]
        : rounded > 0
          ? ["Over", "bg-amber-100 text-amber-900", "▲"]
          : ["Under", "bg-sky-100 text-sky-900", "▼"];
  return (
    <>
      {rounded !== 0 && <span className="sm:mr-2">{points(drift)}</span>}{" "}
      <span className={`mt-1 block w-fit rounded px-1.5 py-0.5 text-xs font-medium max-sm:ml-auto sm:mt-0 sm:inline-block ${style}`}>
        <span aria-hidden>{mark} </span>
        {word}
      </span>
    </>
  );
}

/** Allocation against the user's targets, one table per dimension that has a target. */
/** `gaps`: what the analysis could not see, which the shares leave out. */
export function AllocationTables({ analysis, gaps = [] }: { analysis: ReportAnalysis; gaps?: string[] }) {
  const { bases } = analysis;
  const unclassified = bases.unclassified > 0;
  // A dimension without any target (sectors) has nothing to compare: its chart shows it.
  const dimensions = (Object.keys(DIMENSIONS) as AllocationRow["dimension"][]).filter((dimension) =>
    analysis.allocation.some((row) => row.dimension === dimension && row.target_pct !== null),
  );
  if (!dimensions.length) return <p className="text-sm text-slate-600">You have set no allocation targets.</p>;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        {`Your ${unclassified ? "classified " : ""}holdings are worth ${dollars(bases.invested)} and your cash`}
        {` ${dollars(bases.cash)}: ${dollars(bases.total)} together. Each table says which its shares are of.`}
        {analysis.band !== undefined &&
          ` A share within ${integer(analysis.band)} points of its target is within the band; only those over or under need trades.`}
      </p>
      {gaps.map((gap) => (
        <p key={gap} className="text-sm text-slate-700">
          {gap}
        </p>
      ))}
      <div className="grid items-start gap-4 lg:grid-cols-2">
        {dimensions.map((dimension) => {
          const rows = analysis.allocation.filter((row) => row.dimension === dimension);
          const base = rows[0]?.base ?? "invested";
          return (
            <Table
              key={dimension}
              caption={
                <>
                  <span className="font-semibold text-slate-900">{DIMENSIONS[dimension]}</span>, as a share{" "}
                  {baseWords(base, unclassified)} ({dollars(base === "invested" ? bases.invested : bases.total)})
                </>
              }
              head={
                <>
                  <th scope="col" className={`${NAME} font-semibold`}>
                    {dimension === "region" ? "Region" : "Class"}
                  </th>
                  <th scope="col" className={HEAD}>
                    Now
                  </th>
                  <th scope="col" className={HEAD}>
                    Target
                  </th>
                  <th scope="col" className={HEAD}>
                    Drift <span className="font-normal">(points)</span>
                  </th>
                </>
              }
            >
              {rows.map((row) => (
                <tr key={row.key} data-key={row.key}>
                  <th scope="row" className={`${NAME} font-normal`}>
                    {row.label}
                    {!!row.covers?.length && (
                      <>
                        {" "}
                        <span className="block text-xs text-slate-600">Outside North America: {row.covers.join(", ")}</span>
                      </>
                    )}
                  </th>
                  <td className={FIGURE}>{percent(row.actual_pct)}</td>
                  <td className={FIGURE}>{row.target_pct === null ? "—" : percent(row.target_pct)}</td>
                  <td className={FIGURE}>
                    <Drift row={row} />
                  </td>
                </tr>
              ))}
            </Table>
          );
        })}
      </div>
    </div>
  );
}

/** The trades that bring the allocation back toward its targets, in whole dollars. */
export function TradesTable({ trades }: { trades: Trade[] }) {
  if (!trades.length) return <p className="text-sm text-slate-600">No trades needed: the allocation is within its targets.</p>;
  const accounts = trades.some((trade) => trade.account_name !== null);
  return (
    <Table
      wide="max-w-2xl"
      caption="Trades that bring the shares marked Over or Under back toward their targets; a trade may move a share within the band on the way. Check taxes and costs before acting."
      head={
        <>
          {accounts && (
            <th scope="col" className={`${NAME} font-semibold`}>
              Account
            </th>
          )}
          <th scope="col" className={`${NAME} font-semibold`}>
            Trade
          </th>
          <th scope="col" className={HEAD}>
            Amount
          </th>
        </>
      }
    >
      {trades.map((trade, index) => (
        <tr key={`${trade.account_name}-${trade.symbol}-${trade.action}-${index}`}>
          {accounts && <td className={NAME}>{trade.account_name ?? "—"}</td>}
          <td className={`${NAME} whitespace-nowrap`}>
            <span className={trade.action === "sell" ? "font-medium text-red-800" : "font-medium text-emerald-800"}>
              {trade.action === "sell" ? "Sell" : "Buy"}
            </span>{" "}
            {trade.symbol}
          </td>
          <td className={FIGURE}>{dollars(trade.amount)}</td>
        </tr>
      ))}
    </Table>
  );
}

/** The bands worth a row: the start, every fifth year, the year retirement starts, and the last;
 * once even strong markets have run out, one row stands for every later year, all $0. */
export function bandRows(bands: YearBand[]): YearBand[] {
  const retiring = bands.find((band) => band.phase === "retirement");
  const emptied = bands.find((band) => band.p90 <= 0);
  const rows = bands.filter(
    (band, index) =>
      (index === 0 || index === bands.length - 1 || band === retiring || band.year % 5 === 0) &&
      (emptied === undefined || band.year < emptied.year),
  );
  return emptied === undefined ? rows : [...rows, emptied];
}

/** The projected balance by age in weak (10th percentile), typical (median) and strong (90th) markets. */
export function BandsTable({ bands }: { bands: YearBand[] }) {
  const byAge = bands.every((band) => band.age !== null);
  const retiring = bands.find((band) => band.phase === "retirement");
  const last = bands[bands.length - 1];
  return (
    <Table
      wide="max-w-3xl"
      caption="Projected balance in today's dollars. Weak markets: 1 in 10 simulated markets did worse; typical: the middle one; strong: 1 in 10 did better."
      head={
        <>
          <th scope="col" className={HEAD}>
            {byAge ? "Age" : "Year"}
          </th>
          <th scope="col" className={HEAD}>
            Weak markets
          </th>
          <th scope="col" className={HEAD}>
            Typical markets
          </th>
          <th scope="col" className={HEAD}>
            Strong markets
          </th>
        </>
      }
    >
      {bandRows(bands).map((band) => (
        <tr key={band.year} className={band === retiring ? "bg-amber-50" : undefined}>
          <th scope="row" className={`${FIGURE} font-normal`}>
            {band === retiring && <span className="text-xs text-amber-900">retire</span>}{" "}
            {integer(byAge ? band.age! : band.year)}
            {band !== last && band.p90 <= 0 && " and later"}
          </th>
          <td className={FIGURE}>{dollars(band.p10)}</td>
          <td className={`${FIGURE} font-medium`}>{dollars(band.p50)}</td>
          <td className={FIGURE}>{dollars(band.p90)}</td>
        </tr>
      ))}
    </Table>
  );
}
