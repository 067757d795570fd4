/** The frame of every signed-in page: navigation, who is signed in, and the sign-in guard. */

import Head from "next/head";
import Link from "next/link";
import { useRouter } from "next/router";
import { useEffect, type ReactNode } from "react";

import { useAuth } from "@/lib/auth";
import { useCurrentUser } from "@/lib/user";

import { Loading } from "./ui";

const NAV = [
  { href: "/dashboard/", label: "Dashboard" },
  { href: "/accounts/", label: "Accounts" },
  { href: "/analysis/", label: "Analysis" },
  { href: "/history/", label: "History" },
];

export function Header() {
  const auth = useAuth();
  const name = useCurrentUser()?.user?.display_name;
  const router = useRouter();
  const signedIn = auth.status === "signed-in";
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href={signedIn ? "/dashboard/" : "/"} className="text-xl font-bold text-sky-800">
          Alex
        </Link>
        {signedIn && (
          <nav aria-label="Main" className="order-3 w-full overflow-x-auto sm:order-none sm:w-auto">
            <ul className="flex gap-4 text-sm">
              {NAV.map((item) => {
                const current = router.pathname === item.href.replace(/\/$/, "");
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={current ? "page" : undefined}
                      className={current ? "font-semibold text-sky-800" : "text-slate-700 hover:text-sky-800"}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
        <div className="ml-auto flex items-center gap-3 text-sm">
          {signedIn ? (
            <>
              {name && <span className="hidden text-slate-600 sm:inline">{name}</span>}
              <button
                type="button"
                className="text-slate-700 underline"
                onClick={async () => {
                  await auth.signOut();
                  await router.push("/");
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            auth.status === "signed-out" && (
              <Link href="/sign-in/" className="font-medium text-sky-800 underline">
                Sign in
              </Link>
            )
          )}
        </div>
      </div>
    </header>
  );
}

/** A page for signed-in users: others are sent to the sign-in page. */
export function AppPage({ title, children }: { title: string; children: ReactNode }) {
  const { status } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (status === "signed-out") {
      void router.replace({ pathname: "/sign-in/", query: { next: router.asPath } });
    }
  }, [status, router]);

  return (
    <>
      <Head>
        <title>{`${title} · Alex`}</title>
      </Head>
      <Header />
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-6">
        <h1 className="text-2xl font-bold text-slate-900">{title}</h1>
        {status === "signed-in" ? children : <Loading what="your session" />}
      </main>
    </>
  );
}
