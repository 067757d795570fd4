/**
 * The signed-in user's row (GET /api/user), loaded once for the whole app: the header's name and the
 * settings read the same copy, so a saved change shows everywhere at once. The name is the user's
 * `display_name`, never the sign-in's (a token's name only names a user on their first visit).
 */

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { errorMessage, retryable } from "./api";
import { useAuth } from "./auth";
import type { User, UserUpdate } from "./types";
import { useApi } from "./useApi";

export interface CurrentUser {
  user: User | null;
  error: string | null;
  /** Set when loading again can succeed. */
  retry?: () => void;
  save: (changes: UserUpdate) => Promise<void>;
}

const UserContext = createContext<CurrentUser | null>(null);

/** Null outside a `UserProvider` (a component rendered on its own, in a test). */
export function useCurrentUser(): CurrentUser | null {
  return useContext(UserContext);
}

export function UserProvider({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const api = useApi();
  const [user, setUser] = useState<User | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const signedIn = status === "signed-in";

  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    api.user().then(
      (loaded) => {
        if (!live) return;
        setUser(loaded);
        setFailure(null);
      },
      (error: unknown) => live && setFailure(error),
    );
    return () => {
      live = false;
      // A new session (another token, or none) may be another user: forget this one's row.
      setUser(null);
    };
  }, [api, signedIn, generation]);

  const reload = useCallback(() => {
    setFailure(null);
    setGeneration((n) => n + 1);
  }, []);
  const save = useCallback(
    async (changes: UserUpdate) => {
      setUser(await api.updateUser(changes));
    },
    [api],
  );

  const value = useMemo<CurrentUser>(
    () => ({
      user: signedIn ? user : null,
      error: signedIn && failure ? errorMessage(failure) : null,
      retry: signedIn && failure && retryable(failure) ? reload : undefined,
      save,
    }),
    [signedIn, user, failure, reload, save],
  );
  return <UserContext.Provider value={value}>{children}</UserContext.Provider>;
}
