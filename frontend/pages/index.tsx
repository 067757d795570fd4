/** The landing page: what Alex does, and the way in. */

import Head from "next/head";
import Link from "next/link";

import { Header } from "@/components/Layout";
import { useAuth } from "@/lib/auth";

const FEATURES = [
  ["Your portfolio in one place", "Accounts and positions across your 401k, IRAs and brokerage."],
  [
    "An analysis in minutes",
    "A report, charts and a retirement projection; with a language model configured, AI agents also classify holdings Alex does not know yet.",
  ],
  ["Watch it work", "Each step of the workflow shows as it runs; a failed step can be retried on its own."],
];

export default function Landing() {
  const { status } = useAuth();
  const next = status === "signed-in" ? "/dashboard/" : "/sign-in/";
  return (
    <>
      <Head>
        <title>Alex · AI financial planner</title>
      </Head>
      <Header />
      <main className="mx-auto max-w-5xl px-4 py-12 sm:py-20">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
          Plan your retirement with Alex
        </h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          Alex reads your investment accounts, compares them with the targets you set, and tells you —
          with figures — how diversified you are and whether your savings will last.
        </p>
        <Link
          href={next}
          className="mt-8 inline-flex min-h-11 items-center rounded-lg bg-sky-700 px-6 font-medium text-white hover:bg-sky-800"
        >
          {status === "signed-in" ? "Go to your dashboard" : "Sign in to start"}
        </Link>
        <ul className="mt-14 grid gap-6 sm:grid-cols-3">
          {FEATURES.map(([title, text]) => (
            <li key={title} className="rounded-xl border border-slate-200 bg-white p-5">
              <h2 className="font-semibold text-slate-900">{title}</h2>
              <p className="mt-2 text-sm text-slate-600">{text}</p>
            </li>
          ))}
        </ul>
        <p className="mt-14 text-xs text-slate-500">
          Alex gives information, not financial advice. Past returns do not promise future ones.
        </p>
      </main>
    </>
  );
}
