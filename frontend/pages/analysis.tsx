/** The analysis (`/analysis/?job=...`): start one, watch its workflow run, read its results. */

import Link from "next/link";
import { useRouter } from "next/router";
import { useEffect } from "react";

import { SinceThen } from "@/components/Headline";
import { JobView, preloadResults } from "@/components/JobView";
import { AppPage } from "@/components/Layout";
import { Button, Card, ErrorNotice, Loading } from "@/components/ui";
import { useApi } from "@/lib/useApi";
import { useJob } from "@/lib/useJob";
import { useLoad } from "@/lib/useLoad";
import { useStartAnalysis } from "@/lib/useStartAnalysis";

function StartAnalysis() {
  const api = useApi();
  const { start, busy, error } = useStartAnalysis();
  // Whether there is anything to analyse, and what the analysis will not see.
  const portfolio = useLoad(() => api.portfolio(), [api]);
  const reason = portfolio.data && !portfolio.data.analyzable ? portfolio.data.reason : null;

  return (
    <Card title="Run an analysis">
      <p className="mb-4 text-slate-700">
        {portfolio.data?.classifies
          ? "Alex classifies any holdings it does not know yet, then writes a report, draws charts and projects your retirement in parallel."
          : "Alex writes a report, draws charts and projects your retirement in parallel."}{" "}
        {portfolio.data?.classifies === false &&
          "Holdings it does not know yet stay unclassified: classifying them needs a language model, and none is configured. "}
        You can watch every step here, with its time, as it runs.
        {portfolio.data && !portfolio.data.classifies && " Without a language model it takes a few seconds."}
      </p>
      {portfolio.error && <ErrorNotice message={portfolio.error} onRetry={portfolio.reload} />}
      {portfolio.data && portfolio.data.gaps.length > 0 && portfolio.data.analyzable && (
        <div role="note" className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-semibold">What this analysis will not see:</p>
          <ul className="mt-1 list-disc pl-5">
            {portfolio.data.gaps.map((gap) => (
              <li key={gap}>{gap}</li>
            ))}
          </ul>
        </div>
      )}
      <Button
        onClick={start}
        disabled={busy || !portfolio.data || !portfolio.data.analyzable}
        aria-describedby={reason ? "start-blocked" : undefined}
      >
        {busy ? "Starting…" : "Start analysis"}
      </Button>
      {reason && (
        <p id="start-blocked" role="status" className="mt-3 text-sm text-slate-700">
          {reason}{" "}
          <Link href="/accounts/" className="text-sky-800 underline">
            Go to your accounts
          </Link>
        </p>
      )}
      {error && (
        <div className="mt-3">
          <ErrorNotice message={error} />
        </div>
      )}
    </Card>
  );
}

function FollowJob({ jobId }: { jobId: string }) {
  const api = useApi();
  const { job, error, follow } = useJob(jobId);
  // The portfolio's value now: a finished analysis says when it no longer describes it.
  const portfolio = useLoad(() => api.portfolio(), [api]);
  useEffect(preloadResults, []);
  if (!job) return error ? <ErrorNotice message={error} /> : <Loading what="the analysis" />;
  return (
    <>
      {error && <ErrorNotice message={`Could not refresh the progress (still trying): ${error}`} />}
      {job.summary_payload && (
        <SinceThen summary={job.summary_payload} when={job.created_at} total={portfolio.data?.valuation.total ?? null} />
      )}
      <JobView job={job} onRedriven={follow} />
    </>
  );
}

export default function AnalysisPage() {
  const router = useRouter();
  const jobId = typeof router.query.job === "string" ? router.query.job : null;
  return (
    <AppPage title="Analysis">
      {!router.isReady ? null : jobId ? (
        <>
          <Link href="/analysis/" className="text-sm text-sky-800 underline">
            Start another analysis
          </Link>
          <FollowJob key={jobId} jobId={jobId} />
        </>
      ) : (
        <StartAnalysis />
      )}
    </AppPage>
  );
}
