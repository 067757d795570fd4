import Head from "next/head";
import Link from "next/link";

import { Header } from "@/components/Layout";

export default function NotFound() {
  return (
    <>
      <Head>
        <title>Page not found · Alex</title>
      </Head>
      <Header />
      <main className="mx-auto max-w-md px-4 py-16 text-center">
        <h1 className="text-2xl font-bold text-slate-900">Page not found</h1>
        <p className="mt-3 text-slate-600">
          This address is not part of Alex. <Link href="/" className="text-sky-800 underline">Go to the start page</Link>.
        </p>
      </main>
    </>
  );
}
