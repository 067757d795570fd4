/**
 * A finished analysis, whole or up to where it failed: one notice of how it was produced, the
 * headline (verdict, what would help, main findings), then its sections, each one tap away from
 * the contents: allocation, trades, retirement, charts and the written report. A section whose
 * step did not finish says so in plain words; the others are shown.
 */

import type { ReactNode } from "react";

import { dollars } from "@/lib/format";
import type { Job, StepName } from "@/lib/types";
import { whyMissing } from "@/lib/workflow";

import { ChartView } from "./ChartView";
import { Headline } from "./Headline";
import { Markdown, withoutNotice } from "./Markdown";
import { AllocationTables, BandsTable, TradesTable } from "./ResultTables";
import { RetirementChart } from "./RetirementChart";
import { Empty, offlineNotice } from "./ui";

/** How the result was produced, said once: who wrote it, and where the prices come from. */
function ResultNotice({ job }: { job: Job }) {
  const produced =
    job.summary_payload?.produced_by?.message ??
    offlineNotice(job.steps.report) ??
    offlineNotice(job.steps.charts) ??
    offlineNotice(job.steps.retirement);
  const lines = [produced, job.steps.start?.notice].filter((line): line is string => !!line);
  if (!lines.length) return null;
  return (
    <div role="note" aria-label="How this result was produced" className="space-y-1 rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-800">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}

interface Part {
  id: string;
  title: string;
  step: StepName;
  body: ReactNode | null;
  /** Said when the step succeeded but stored nothing. */
  none: string;
}

function Section({ job, part }: { job: Job; part: Part }) {
  const missing = whyMissing(job, part.step);
  return (
    <section id={part.id} aria-labelledby={`${part.id}-heading`} className="scroll-mt-14 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <h2 id={`${part.id}-heading`} className="mb-4 text-lg font-semibold text-slate-900">
        {part.title}
      </h2>
      {part.body ?? <Empty>{missing ?? part.none}</Empty>}
    </section>
  );
}

/** Prose one click away: the tables and the headline carry its figures. */
function Written({ summary, text }: { summary: string; text: string }) {
  return (
    <details>
      <summary className="cursor-pointer font-medium text-sky-800">{summary}</summary>
      <div className="mt-4">
        <Markdown text={text} />
      </div>
    </details>
  );
}

/** The contents: every section one tap away, kept at the top of the screen while scrolling. */
function Contents({ parts }: { parts: Part[] }) {
  return (
    <nav aria-label="Sections" className="sticky top-0 z-10 -mx-4 border-b border-slate-200 bg-white/95 px-4 py-2 backdrop-blur sm:mx-0 sm:rounded-lg sm:border">
      <ul className="flex gap-1 overflow-x-auto whitespace-nowrap text-sm">
        {parts.map((part) => (
          <li key={part.id}>
            <a href={`#${part.id}`} className="inline-block rounded-md px-2 py-1.5 font-medium text-sky-800 hover:bg-sky-50 sm:px-3">
              {part.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export default function JobResults({ job }: { job: Job }) {
  const report = job.report_payload;
  const analysis = report?.analysis;
  const retirement = job.retirement_payload;
  const charts = Object.entries(job.charts_payload ?? {});
  const chartsStep = job.steps.charts;
  // The notice is said once, above; the texts that repeat it drop their line.
  const reportText = report && withoutNotice(report.markdown, offlineNotice(job.steps.report));
  const sections = report?.sections?.length ?? 0;
  const gaps = job.summary_payload?.gaps ?? [];
  // The tables' bases leave out cash (regions) and unclassified holdings: the charts say why
  // their shares differ.
  const whole = analysis ? ` (${dollars(analysis.bases.total + analysis.bases.unclassified)})` : "";
  const unclassified = analysis?.bases.unclassified ? " and holdings not yet classified" : "";
  const chartsBase =
    `The charts' shares are of the whole portfolio${whole}, cash${unclassified} included, so a share` +
    " can read smaller than in the allocation tables. Each chart's shares are rounded to add up to 100%, so" +
    " the same share may read 0.1 point apart in two charts.";
  const parts: Part[] = [
    {
      id: "allocation",
      title: "Allocation",
      step: "report",
      body: analysis ? <AllocationTables analysis={analysis} gaps={gaps} /> : null,
      none: "No allocation was stored for this analysis.",
    },
    {
      id: "trades",
      title: "Trades",
      step: "report",
      body: analysis ? <TradesTable trades={analysis.trades} /> : null,
      none: "No trades were stored for this analysis.",
    },
    {
      id: "retirement",
      title: "Retirement",
      step: "retirement",
      body: retirement ? (
        <div className="space-y-4">
          {/* The headline shows the verdict and improvements, the table the bands: the written
              projection, which says them again, waits behind a click, as the planner's what-ifs. */}
          <RetirementChart payload={{ ...retirement, narrative: "", variations: [] }} />
          <BandsTable bands={retirement.projection.bands} />
          <Written summary="Read the written projection" text={withoutNotice(retirement.narrative, offlineNotice(job.steps.retirement))} />
        </div>
      ) : null,
      none: "No retirement projection was stored for this analysis.",
    },
    {
      id: "charts",
      title: "Charts",
      step: "charts",
      body: charts.length ? (
        <div className="space-y-4">
          <p className="text-sm text-slate-700">{chartsBase}</p>
          {/* Every chart's description ends with the gaps: said once here instead. */}
          {gaps.map((gap) => (
            <p key={gap} className="text-sm text-slate-700">
              {gap}
            </p>
          ))}
          {/* Columns, not a grid: a short pie does not leave half a row empty beside tall bars. */}
          <div className="gap-4 space-y-4 lg:columns-2">
            {charts.map(([key, chart]) => (
              <ChartView key={key} id={key} chart={chart} said={gaps} />
            ))}
          </div>
        </div>
      ) : null,
      none: (chartsStep?.generated_by === "none" && chartsStep.notice) || "No charts were stored for this analysis.",
    },
    {
      id: "report",
      title: "Report",
      step: "report",
      body: reportText ? (
        <Written
          summary={`Read the written report${sections ? ` (${sections} ${sections === 1 ? "section" : "sections"})` : ""}`}
          text={reportText}
        />
      ) : null,
      none: "No report was stored for this analysis.",
    },
  ];
  return (
    <div className="space-y-4">
      <ResultNotice job={job} />
      {(retirement || analysis) && <Headline retirement={retirement} findings={analysis?.findings ?? []} />}
      <Contents parts={parts} />
      {parts.map((part) => (
        <Section key={part.id} job={job} part={part} />
      ))}
    </div>
  );
}
