/** A finished analysis: summary, the markdown report, every chart, and the retirement projection. */

import type { Job } from "@/lib/types";

import { ChartView, chartsIn } from "./ChartView";
import { Markdown, withoutNotice } from "./Markdown";
import { RetirementChart } from "./RetirementChart";
import { Card, Empty, OfflineNotice } from "./ui";

export default function JobResults({ job }: { job: Job }) {
  const charts = chartsIn(job.charts_payload);
  const report = job.report_payload;
  const retirement = job.retirement_payload;
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
            <OfflineNotice notice={report.notice} />
            <Markdown text={withoutNotice(report.markdown, report.notice)} />
          </>
        ) : (
          <Empty>No report was stored for this analysis.</Empty>
        )}
      </Card>
      <Card title="Charts">
        <OfflineNotice notice={job.charts_payload?.generated_by === "none" ? undefined : job.charts_payload?.notice} />
        {charts.length ? (
          <div className="grid gap-4 lg:grid-cols-2">
            {charts.map(([key, chart]) => (
              <ChartView key={key} id={key} chart={chart} />
            ))}
          </div>
        ) : (
          <Empty>{job.charts_payload?.notice ?? "No charts were stored for this analysis."}</Empty>
        )}
      </Card>
      {retirement ? (
        <RetirementChart payload={retirement} />
      ) : (
        <Empty>No retirement projection was stored for this analysis.</Empty>
      )}
    </div>
  );
}
