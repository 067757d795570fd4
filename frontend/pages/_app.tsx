import "@/styles/globals.css";

import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import type { AppProps } from "next/app";

import { AuthProvider } from "@/lib/auth";
import { UserProvider } from "@/lib/user";

export default function App({ Component, pageProps }: AppProps) {
  return (
    <AuthProvider>
      <UserProvider>
        <div className={`${GeistSans.variable} ${GeistMono.variable} min-h-screen bg-slate-50 font-sans`}>
          <Component {...pageProps} />
        </div>
      </UserProvider>
    </AuthProvider>
  );
}
