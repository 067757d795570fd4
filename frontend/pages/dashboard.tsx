/** The dashboard: the last analysis and a new one, portfolio value, allocation at a glance, and settings. */

import Link from "next/link";

import { Outcome, SinceThen } from "@/components/Headline";
import { AppPage } from "@/components/Layout";
import { SettingsForm } from "@/components/SettingsForm";
import { Button, Card, Empty, ErrorNotice, Loading, StatusBadge } from "@/components/ui";
import { colorFor } from "@/lib/colors";
import { dateTime, dollars, humanize, percent } from "@/lib/format";
import { assetClassValues, loadPortfolio, totalValue, type Portfolio } from "@/lib/portfolio";
import { useApi } from "@/lib/useApi";
import { useCurrentUser } from "@/lib/user";
import { useLoad, type Loaded } from "@/lib/useLoad";
import { useStartAnalysis } from "@/lib/useStartAnalysis";
import { failedAt } from "@/lib/workflow";

function Allocation({ portfolio }: { portfolio: Portfolio }) {
  const values = Object.entries(assetClassValues(portfolio)).sort((a, b) => b[1] - a[1]);
  const total = values.reduce((sum, [, value]) => sum + value, 0);
  if (!total) return <Empty>Nothing to allocate yet.</Empty>;
  return (
    <div>
      <div className="flex h-4 overflow-hidden rounded-full" aria-hidden>
        {values.map(([key, value]) => (
          <div key={key} style={{ width: `${(100 * value) / total}%`, background: colorFor("asset_class", key) }} />
        ))}
      </div>
      <p className="mt-2 text-sm text-slate-600">
        Shares of the whole portfolio ({dollars(total)}), cash
        {values.some(([key]) => key === "unclassified") && " and holdings not yet classified"} included; an analysis
        compares them with your targets.
      </p>
      <ul className="mt-3 grid grid-cols-2 gap-1 text-sm" aria-label="Allocation by asset class">
        {values.map(([key, value]) => (
          <li key={key} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-3 w-3 shrink-0 rounded-sm" style={{ background: colorFor("asset_class", key) }} />
            {humanize(key)}
            <span className="ml-auto tabular-nums text-slate-600">{percent((100 * value) / total)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PortfolioCards({ portfolio }: { portfolio: Loaded<Portfolio> }) {
  const { data, error, loading, retry } = portfolio;
  if (loading && !data) return <Loading what="your portfolio" />;
  if (error) return <ErrorNotice message={error} onRetry={retry} />;
  if (!data) return null;
  if (!data.accounts.length) {
    return (
      <Empty>
        No accounts yet. <Link href="/accounts/" className="text-sky-800 underline">Add your first account</Link> to see
        its value here.
      </Empty>
    );
  }
  const positions = Object.values(data.positions).flat().length;
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <Card title="Portfolio value">
        <p className="text-3xl font-bold tabular-nums text-slate-900">{dollars(totalValue(data))}</p>
        <p className="mt-1 text-sm text-slate-600">
          {data.accounts.length} accounts, {positions} positions, at the latest prices Alex has: each position shows its
          price&apos;s source and date on its account&apos;s page.
        </p>
        {data.value.gaps.length > 0 && (
          <div role="note" aria-label="What the value leaves out">
            <ul className="mt-2 list-disc pl-5 text-sm text-amber-900">
              {data.value.gaps.map((gap) => (
                <li key={gap}>{gap}</li>
              ))}
            </ul>
          </div>
        )}
      </Card>
      <Card title="Allocation at a glance">
        <Allocation portfolio={data} />
      </Card>
    </div>
  );
}

/** The primary action: start an analysis of the portfolio as it is now, as the analysis page does. */
function StartButton({ portfolio }: { portfolio: Portfolio | null }) {
  const { start, busy, error } = useStartAnalysis();
  const reason = portfolio && !portfolio.value.analyzable ? portfolio.value.reason : null;
  return (
    <div className="flex flex-col items-start gap-2 sm:items-end">
      <Button onClick={start} disabled={busy || !portfolio?.value.analyzable} aria-describedby={reason ? "start-blocked" : undefined}>
        {busy ? "Starting…" : "Start a new analysis"}
      </Button>
      {reason && (
        <p id="start-blocked" className="max-w-sm text-sm text-slate-700">
          {reason}
        </p>
      )}
      {error && <ErrorNotice message={error} />}
    </div>
  );
}

/** `total`: the portfolio's value now, to say when the last analysis no longer describes it. */
function LastAnalysis({ total }: { total: number | null }) {
  const api = useApi();
  const { data, error, loading, retry } = useLoad(() => api.jobs(1), [api]);
  if (loading && !data) return <Loading what="your last analysis" />;
  if (error) return <ErrorNotice message={error} onRetry={retry} />;
  const job = data?.items[0];
  if (!job) return <p className="text-slate-700">No analysis yet: start one to see whether your savings will last.</p>;
  return (
    <div className="space-y-2">
      <p className="flex items-center gap-2 text-sm text-slate-600">
        {dateTime(job.created_at)} <StatusBadge status={job.status} />
      </p>
      {job.summary_payload && <Outcome summary={job.summary_payload} />}
      {job.summary_payload && <SinceThen summary={job.summary_payload} when={job.created_at} total={total} />}
      {job.status === "failed" && <p className="text-slate-800">{failedAt(job)}</p>}
      <Link href={{ pathname: "/analysis/", query: { job: job.id } }} className="text-sm font-medium text-sky-800 underline">
        Open this analysis
      </Link>
    </div>
  );
}

function Settings() {
  const current = useCurrentUser();
  if (!current) throw new Error("Settings needs a <UserProvider> above it");
  const { user, error, retry, save } = current;
  if (error) return <ErrorNotice message={error} onRetry={retry} />;
  if (!user) return <Loading what="your settings" />;
  // Saved through the one copy of the user, so the header's name changes with it.
  return <SettingsForm key={user.clerk_user_id} user={user} onSave={save} />;
}

function Cards() {
  const api = useApi();
  // One load serves the start button (is there anything to analyse?) and the portfolio cards.
  const portfolio = useLoad(() => loadPortfolio(api), [api]);
  return (
    <>
      <Card title="Your analysis" actions={<StartButton portfolio={portfolio.data} />}>
        <LastAnalysis total={portfolio.data ? totalValue(portfolio.data) : null} />
      </Card>
      <PortfolioCards portfolio={portfolio} />
      <Card title="Settings and targets">
        <Settings />
      </Card>
    </>
  );
}

export default function Dashboard() {
  return (
    <AppPage title="Dashboard">
      <Cards />
    </AppPage>
  );
}
