/** Accounts: list with values, create, edit in place, delete with confirmation. */

import Link from "next/link";
import { useState } from "react";

import { AccountForm } from "@/components/AccountForm";
import { ConfirmDelete } from "@/components/ConfirmDelete";
import { AppPage } from "@/components/Layout";
import { Button, Card, Empty, ErrorNotice, Loading } from "@/components/ui";
import { errorMessage } from "@/lib/api";
import { accountKind, dollars, percent } from "@/lib/format";
import { accountValue, loadPortfolio, type Portfolio } from "@/lib/portfolio";
import type { Account } from "@/lib/types";
import { useApi } from "@/lib/useApi";
import { useLoad } from "@/lib/useLoad";

function AccountRow({ account, portfolio, onChanged }: { account: Account; portfolio: Portfolio; onChanged: () => void }) {
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const positions = portfolio.positions[account.id] ?? [];
  const held = `${positions.length} ${positions.length === 1 ? "position" : "positions"}`;

  if (editing) {
    return (
      <li className="rounded-lg border border-sky-200 bg-sky-50/40 p-4">
        <AccountForm
          initial={account}
          submitLabel={`Save ${account.account_name}`}
          onCancel={() => setEditing(false)}
          onSubmit={async (fields) => {
            await api.updateAccount(account.id, fields);
            setEditing(false);
            onChanged();
          }}
        />
      </li>
    );
  }
  return (
    <li className="rounded-lg border border-slate-200 p-4">
      <div className="flex flex-col gap-1 sm:flex-row sm:items-start sm:justify-between sm:gap-3">
        <div>
          <Link
            href={{ pathname: "/account/", query: { id: account.id } }}
            className="text-lg font-semibold text-sky-800 underline"
          >
            {account.account_name}
          </Link>
          <p className="text-sm text-slate-600">{accountKind(account)}</p>
          <p className="text-sm text-slate-600">
            {held} · cash {dollars(account.cash_balance)}
            {account.cash_interest > 0 && ` earning ${percent(account.cash_interest * 100, 2)} a year`}
          </p>
        </div>
        <p className="text-xl font-semibold tabular-nums">{dollars(accountValue(portfolio, account))}</p>
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button tone="secondary" aria-label={`Edit ${account.account_name}`} onClick={() => setEditing(true)}>
          Edit
        </Button>
        <ConfirmDelete
          what={account.account_name}
          question={`Delete ${account.account_name} and its ${held}? This cannot be undone.`}
          onConfirm={async () => {
            setError(null);
            try {
              await api.deleteAccount(account.id);
              onChanged();
            } catch (failure) {
              setError(errorMessage(failure));
            }
          }}
        />
      </div>
      {error && (
        <div className="mt-2">
          <ErrorNotice message={error} />
        </div>
      )}
    </li>
  );
}

function Accounts() {
  const api = useApi();
  const { data, error, loading, reload, retry } = useLoad(() => loadPortfolio(api), [api]);
  const [creating, setCreating] = useState(false);

  return (
    <Card
        title="Your accounts"
        actions={!creating && <Button onClick={() => setCreating(true)}>New account</Button>}
      >
        {creating && (
          <div className="mb-6 rounded-lg border border-sky-200 p-4">
            <AccountForm
              submitLabel="Create account"
              onCancel={() => setCreating(false)}
              onSubmit={async (fields) => {
                await api.createAccount(fields);
                setCreating(false);
                reload();
              }}
            />
          </div>
        )}
        {loading && !data && <Loading what="your accounts" />}
        {error && <ErrorNotice message={error} onRetry={retry} />}
        {data && !data.accounts.length && !creating && (
          <Empty>No accounts yet: choose “New account” to add your 401(k), IRA or brokerage account.</Empty>
        )}
        {data && data.accounts.length > 0 && (
          <ul className="space-y-3">
            {data.accounts.map((account) => (
              <AccountRow key={account.id} account={account} portfolio={data} onChanged={reload} />
            ))}
          </ul>
        )}
      </Card>
  );
}

export default function AccountsPage() {
  return (
    <AppPage title="Accounts">
      <Accounts />
    </AppPage>
  );
}
