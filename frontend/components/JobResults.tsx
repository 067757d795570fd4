/**
 * A finished analysis: summary, the markdown report, every chart, and the retirement projection.
 * What wrote each result, and its notice, come from the result's step (`job.steps`).
 */

import type { Job } from "@/lib/types";

import { ChartView } from "./ChartView";
import { Markdown, withoutNotice } from "./Markdown";
import { RetirementChart } from "./RetirementChart";
import { Card, Empty, OfflineNotice, offlineNotice } from "./ui";

export default function JobResults({ job }: { job: Job }) {
  const charts = Object.entries(job.charts_payload ?? {});
  const report = job.report_payload;
  const reportNotice = offlineNotice(job.steps.report);
  const retirement = job.retirement_payload;
  const chartsStep = job.steps.charts;
  return (
    <div className="space-y-6">
      {job.summary_payload?.text && (
        <Card title="Summary">
          <p className="text-slate-800">{job.summary_payload.text}</p>
        </Card>
      )}
      <Card title="Report">
        {report ? (
          <>
            <OfflineNotice notice={reportNotice} />
            <Markdown text={withoutNotice(report.markdown, reportNotice)} />
          </>
        ) : (
          <Empty>No report was stored for this analysis.</Empty>
        )}
      </Card>
      <Card title="Charts">
        <OfflineNotice notice={offlineNotice(chartsStep)} />
        {charts.length ? (
          <div className="grid gap-4 lg:grid-cols-2">
            {charts.map(([key, chart]) => (
              <ChartView key={key} id={key} chart={chart} />
            ))}
          </div>
        ) : (
          <Empty>
            {(chartsStep?.generated_by === "none" && chartsStep.notice) || "No charts were stored for this analysis."}
          </Empty>
        )}
      </Card>
      {retirement ? (
        <RetirementChart payload={retirement} notice={offlineNotice(job.steps.retirement)} />
      ) : (
        <Empty>No retirement projection was stored for this analysis.</Empty>
      )}
    </div>
  );
}
