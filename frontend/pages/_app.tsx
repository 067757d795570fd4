import "@/styles/globals.css";

import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import type { AppProps } from "next/app";

import { AuthProvider } from "@/lib/auth";

export default function App({ Component, pageProps }: AppProps) {
  return (
    <AuthProvider>
      <div className={`${GeistSans.variable} ${GeistMono.variable} min-h-screen bg-slate-50 font-sans`}>
        <Component {...pageProps} />
      </div>
    </AuthProvider>
  );
}
