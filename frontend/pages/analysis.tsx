/** The analysis (`/analysis/?job=...`): start one, watch its workflow run, read its results. */

import Link from "next/link";
import { useRouter } from "next/router";
import { useState } from "react";

import { JobView } from "@/components/JobView";
import { AppPage } from "@/components/Layout";
import { Button, Card, ErrorNotice, Loading } from "@/components/ui";
import { errorMessage } from "@/lib/api";
import { useApi } from "@/lib/useApi";
import { useJob } from "@/lib/useJob";

function StartAnalysis() {
  const api = useApi();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      // A second start while one runs returns the running job, so this is safe to click twice.
      const { job_id } = await api.analyze();
      await router.push({ pathname: "/analysis/", query: { job: job_id } });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <Card title="Run an analysis">
      <p className="mb-4 text-slate-700">
        Alex classifies any holdings it does not know yet, then writes a report, draws charts and projects your
        retirement in parallel. It takes a few minutes; you can watch every step here.
      </p>
      <Button onClick={start} disabled={busy}>
        {busy ? "Starting…" : "Start analysis"}
      </Button>
      {error && (
        <div className="mt-3">
          <ErrorNotice message={error} />
        </div>
      )}
    </Card>
  );
}

function FollowJob({ jobId }: { jobId: string }) {
  const { job, error, follow } = useJob(jobId);
  if (!job) return error ? <ErrorNotice message={error} /> : <Loading what="the analysis" />;
  return (
    <>
      {error && <ErrorNotice message={`Could not refresh the progress (still trying): ${error}`} />}
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
