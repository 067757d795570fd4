/** Clerk behind the app's auth interface; imported only when a publishable key is configured. */

import { ClerkProvider, Show, SignIn as ClerkSignIn, useAuth } from "@clerk/nextjs";
import { useMemo, type ReactNode } from "react";

import { AuthContext, type Auth } from "./auth";

function ClerkSignInPanel() {
  return (
    <>
      <Show when="signed-out">
        <ClerkSignIn routing="hash" fallbackRedirectUrl="/dashboard/" />
      </Show>
      <Show when="signed-in">
        <p>You are signed in.</p>
      </Show>
    </>
  );
}

function ClerkBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, getToken, signOut } = useAuth();
  const value = useMemo<Auth>(
    () => ({
      mode: "clerk",
      status: !isLoaded ? "loading" : isSignedIn ? "signed-in" : "signed-out",
      getToken: () => getToken(),
      signOut: () => signOut(),
      SignIn: ClerkSignInPanel,
    }),
    [isLoaded, isSignedIn, getToken, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export default function ClerkAuthProvider({
  publishableKey,
  children,
}: {
  publishableKey: string;
  children: ReactNode;
}) {
  return (
    <ClerkProvider publishableKey={publishableKey}>
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  );
}
