/** Load data for a component: the data or the error, and a reload; late answers are ignored. */

import { useCallback, useEffect, useState } from "react";

import { errorMessage, retryable } from "./api";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  /** True until the first answer (a reload keeps showing the data it replaces). */
  loading: boolean;
  reload: () => void;
  /** `reload` when loading again can succeed, so a page offers "Try again" only then. */
  retry?: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [canRetry, setCanRetry] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(errorMessage(failure));
        setCanRetry(retryable(failure));
      },
    );
    return () => {
      live = false;
    };
    // `load` is a new closure every render: the caller's deps say when it loads something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const reload = useCallback(() => {
    setError(null);
    setGeneration((n) => n + 1);
  }, []);
  return { data, error, loading: data === null && error === null, reload, retry: error && canRetry ? reload : undefined };
}
