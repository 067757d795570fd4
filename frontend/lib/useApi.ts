/** The API client for the signed-in user: a rejected session signs the user out. */

import { useMemo } from "react";

import { ApiError, createApi, type Api } from "./api";
import { useAuth } from "./auth";

export function useApi(): Api {
  const { getToken, signOut } = useAuth();
  return useMemo(() => {
    const api = createApi(getToken);
    // Wrap every method once: a 401 means the token expired or was refused.
    return Object.fromEntries(
      Object.entries(api).map(([name, method]) => [
        name,
        async (...args: unknown[]) => {
          try {
            return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch (error) {
            if (error instanceof ApiError && error.status === 401) await signOut();
            throw error;
          }
        },
      ]),
    ) as Api;
  }, [getToken, signOut]);
}
