/**
 * The app's one auth interface. Clerk when a publishable key was set at build time (its code is
 * loaded only then); otherwise the local sign-in, which gets a token from the dev issuer.
 */

import {
  createContext,
  lazy,
  Suspense,
  useCallback,
  useContext,
  useMemo,
  useSyncExternalStore,
  type ComponentType,
  type ReactNode,
} from "react";

import LocalSignIn from "@/components/LocalSignIn";

import { devToken } from "./api";
import { CLERK_PUBLISHABLE_KEY } from "./config";

export interface Auth {
  mode: "clerk" | "local";
  status: "loading" | "signed-in" | "signed-out";
  getToken: () => Promise<string | null>;
  signOut: () => Promise<void>;
  /** The sign-in form for this mode, shown by the sign-in page. */
  SignIn: ComponentType;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth needs an <AuthProvider> above it");
  return auth;
}

// Without a key, next.config.ts also stands a stub in for `@clerk/nextjs`: no Clerk code is built.
const ClerkAuthProvider = CLERK_PUBLISHABLE_KEY ? lazy(() => import("./clerkAuth")) : null;

export function AuthProvider({ children }: { children: ReactNode }) {
  if (ClerkAuthProvider) {
    return (
      <Suspense fallback={null}>
        <ClerkAuthProvider publishableKey={CLERK_PUBLISHABLE_KEY}>{children}</ClerkAuthProvider>
      </Suspense>
    );
  }
  return <LocalAuthProvider>{children}</LocalAuthProvider>;
}

// --- Local mode --------------------------------------------------------------------------------

const TOKEN_KEY = "alex.token";

// The local session lives in sessionStorage (it ends with the tab); pages subscribe to it.
const listeners = new Set<() => void>();
const localSession = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  token: () => sessionStorage.getItem(TOKEN_KEY),
  /** Pre-rendered pages know no session yet. */
  unknown: () => undefined,
  save(token: string | null) {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
    listeners.forEach((listener) => listener());
  },
};

/** Signs in with the dev issuer, for the local stack. */
export function LocalAuthProvider({ children }: { children: ReactNode }) {
  const token = useSyncExternalStore(localSession.subscribe, localSession.token, localSession.unknown);

  const signIn = useCallback(async (userId: string, displayName: string) => {
    localSession.save(await devToken(userId, displayName));
  }, []);

  const SignIn = useMemo(
    () =>
      function LocalSignInForm() {
        return <LocalSignIn signIn={signIn} />;
      },
    [signIn],
  );

  const value = useMemo<Auth>(
    () => ({
      mode: "local",
      status: token === undefined ? "loading" : token ? "signed-in" : "signed-out",
      getToken: async () => token ?? null,
      signOut: async () => localSession.save(null),
      SignIn,
    }),
    [token, SignIn],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
