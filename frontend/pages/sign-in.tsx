/** Sign in with whichever sign-in this build has (Clerk or local), then go where the user was headed. */

import Head from "next/head";
import { useRouter } from "next/router";
import { useEffect } from "react";

import { Header } from "@/components/Layout";
import { Loading } from "@/components/ui";
import { useAuth } from "@/lib/auth";

/** Only paths of this app: a `next` that names another host is ignored. */
function destination(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard/";
}

export default function SignInPage() {
  const { status, SignIn } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (status === "signed-in" && router.isReady) void router.replace(destination(router.query.next));
  }, [status, router]);

  return (
    <>
      <Head>
        <title>Sign in · Alex</title>
      </Head>
      <Header />
      <main className="mx-auto max-w-md px-4 py-10">
        <h1 className="mb-6 text-2xl font-bold text-slate-900">Sign in</h1>
        {status === "signed-out" ? <SignIn /> : <Loading what="your session" />}
      </main>
    </>
  );
}
