import path from "node:path";

import type { NextConfig } from "next";

// Without a Clerk key the local sign-in is used, and a stub stands in for Clerk's package so none
// of its code is built (lib/auth.tsx loads Clerk only with a key).
const withoutClerk = !process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY;

// Static export: every page becomes `out/<page>/index.html`, served by CloudFront or by `alex dev`.
// Built with webpack (`--webpack` in package.json): Turbopack's export adds an inline script,
// which the FrontendStack's Content-Security-Policy (`script-src 'self'`) would block.
const config: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  // The repository root has a lockfile of its own: this directory is the app's root.
  outputFileTracingRoot: path.resolve(__dirname),
  webpack(webpackConfig: { resolve: { alias: Record<string, string> } }) {
    if (withoutClerk) {
      webpackConfig.resolve.alias["@clerk/nextjs"] = path.resolve(__dirname, "lib/clerkAbsent.ts");
    }
    return webpackConfig;
  },
};

export default config;
