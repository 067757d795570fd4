/** Build-time settings, inlined by Next.js: read here once, used everywhere else. */

/** Where the API lives; "" means the same origin (the local stack serves the SPA beside it). */
export const API_URL = (process.env.NEXT_PUBLIC_API_URL ?? "").replace(/\/+$/, "");

/** Clerk is used only when a publishable key is set at build time; otherwise the local sign-in. */
export const CLERK_PUBLISHABLE_KEY = process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY ?? "";

/** The seeded demo user that the local sign-in suggests. */
export const DEMO_USER_ID = "test_user_001";
