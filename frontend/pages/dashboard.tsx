/** The dashboard: portfolio value, allocation at a glance, the last analysis, and settings. */

import Link from "next/link";

import { AppPage } from "@/components/Layout";
import { SettingsForm } from "@/components/SettingsForm";
import { Card, Empty, ErrorNotice, Loading, StatusBadge } from "@/components/ui";
import { dateTime, dollars, humanize, percent } from "@/lib/format";
import { assetClassValues, loadPortfolio, totalValue, type Portfolio } from "@/lib/portfolio";
import { useApi } from "@/lib/useApi";
import { useLoad } from "@/lib/useLoad";

const CLASS_COLOURS: Record<string, string> = {
  equity: "#0072B2",
  fixed_income: "#E69F00",
  real_estate: "#009E73",
  commodities: "#D55E00",
  cash: "#56B4E9",
  alternatives: "#CC79A7",
  unclassified: "#999999",
};

function Allocation({ portfolio }: { portfolio: Portfolio }) {
  const values = Object.entries(assetClassValues(portfolio)).sort((a, b) => b[1] - a[1]);
  const total = values.reduce((sum, [, value]) => sum + value, 0);
  if (!total) return <Empty>Nothing to allocate yet.</Empty>;
  return (
    <div>
      <div className="flex h-4 overflow-hidden rounded-full" aria-hidden>
        {values.map(([key, value]) => (
          <div key={key} style={{ width: `${(100 * value) / total}%`, background: CLASS_COLOURS[key] }} />
        ))}
      </div>
      <ul className="mt-3 grid grid-cols-2 gap-1 text-sm" aria-label="Allocation by asset class">
        {values.map(([key, value]) => (
          <li key={key} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-3 w-3 rounded-sm" style={{ background: CLASS_COLOURS[key] }} />
            {humanize(key)}
            <span className="ml-auto tabular-nums text-slate-600">{percent((100 * value) / total)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PortfolioCards() {
  const api = useApi();
  const { data, error, loading, retry } = useLoad(() => loadPortfolio(api), [api]);
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
          <ul role="note" className="mt-2 list-disc pl-5 text-sm text-amber-900">
            {data.value.gaps.map((gap) => (
              <li key={gap}>{gap}</li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Allocation at a glance">
        <Allocation portfolio={data} />
      </Card>
    </div>
  );
}

function LastAnalysis() {
  const api = useApi();
  const { data, error, loading, retry } = useLoad(() => api.jobs(1), [api]);
  if (loading && !data) return <Loading what="your last analysis" />;
  if (error) return <ErrorNotice message={error} onRetry={retry} />;
  const job = data?.items[0];
  if (!job) {
    return (
      <Empty>
        No analysis yet. <Link href="/analysis/" className="text-sky-800 underline">Run your first analysis</Link>.
      </Empty>
    );
  }
  return (
    <div className="space-y-2">
      <p className="flex items-center gap-2 text-sm text-slate-600">
        {dateTime(job.created_at)} <StatusBadge status={job.status} />
      </p>
      {job.summary_payload?.text && <p className="text-slate-800">{job.summary_payload.text}</p>}
      <Link href={{ pathname: "/analysis/", query: { job: job.id } }} className="text-sm font-medium text-sky-800 underline">
        Open this analysis
      </Link>
    </div>
  );
}

function Settings() {
  const api = useApi();
  const { data, error, loading, retry } = useLoad(() => api.user(), [api]);
  if (loading && !data) return <Loading what="your settings" />;
  if (error) return <ErrorNotice message={error} onRetry={retry} />;
  if (!data) return null;
  return (
    <SettingsForm
      key={data.clerk_user_id}
      user={data}
      onSave={async (changes) => {
        await api.updateUser(changes);
      }}
    />
  );
}

export default function Dashboard() {
  return (
    <AppPage title="Dashboard">
      <PortfolioCards />
      <Card title="Last analysis">
        <LastAnalysis />
      </Card>
      <Card title="Settings and targets">
        <Settings />
      </Card>
    </AppPage>
  );
}
