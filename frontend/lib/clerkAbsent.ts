/**
 * Stands in for `@clerk/nextjs` in builds without a publishable key (see next.config.ts), so no
 * Clerk code is emitted at all. Nothing here is ever called: auth.tsx loads Clerk only with a key.
 */

function absent(): never {
  throw new Error("Clerk is not part of this build: set NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and rebuild");
}

export const ClerkProvider = absent;
export const Show = absent;
export const SignIn = absent;
export const useAuth = absent;
