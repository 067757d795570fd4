/** Past analyses, most recent first, with their status; each opens on the analysis page. */

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";

import { Outcome } from "@/components/Headline";
import { AppPage } from "@/components/Layout";
import { Button, Card, Empty, ErrorNotice, Loading, StatusBadge } from "@/components/ui";
import { errorMessage, retryable } from "@/lib/api";
import { dateTime } from "@/lib/format";
import type { Job } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { failedAt } from "@/lib/workflow";

const PAGE = 20;

function PastAnalyses() {
  const api = useApi();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [canRetry, setCanRetry] = useState(false);

  const fetchPage = useCallback(
    (cursor: string | null) =>
      api
        .jobs(PAGE, cursor)
        .then(
          (page) => {
            setJobs((earlier) => (cursor ? [...earlier, ...page.items] : page.items));
            setNext(page.next_cursor);
            setError(null);
          },
          (failure: unknown) => {
            setError(errorMessage(failure));
            setCanRetry(retryable(failure));
          },
        )
        .finally(() => setLoading(false)),
    [api],
  );

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  function showMore() {
    setLoading(true);
    void fetchPage(next);
  }

  return (
    <Card title="Past analyses">
        {!loading && !error && !jobs.length && (
          <Empty>
            No analyses yet. <Link href="/analysis/" className="text-sky-800 underline">Run your first analysis</Link>.
          </Empty>
        )}
        {jobs.length > 0 && (
          <ul aria-label="Past analyses" className="divide-y divide-slate-200">
            {jobs.map((job) => (
              <li key={job.id} className="flex flex-wrap items-center gap-3 py-3">
                <StatusBadge status={job.status} />
                <Link href={{ pathname: "/analysis/", query: { job: job.id } }} className="font-medium text-sky-800 underline">
                  {dateTime(job.created_at)}
                </Link>
                <div className="w-full text-sm">
                  {job.summary_payload ? (
                    <Outcome summary={job.summary_payload} value />
                  ) : (
                    <p className="text-slate-700">{job.status === "failed" ? failedAt(job) : "In progress"}</p>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        {loading && <Loading what="your analyses" />}
        {error && <ErrorNotice message={error} onRetry={canRetry ? showMore : undefined} />}
        {next !== null && !loading && jobs.length > 0 && (
          <Button tone="secondary" className="mt-3" onClick={showMore}>
            Show older analyses
          </Button>
        )}
      </Card>
  );
}

export default function HistoryPage() {
  return (
    <AppPage title="History">
      <PastAnalyses />
    </AppPage>
  );
}
