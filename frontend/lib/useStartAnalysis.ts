/** Starting an analysis from any page: POST /api/analyze, then follow it on the analysis page. */

import { useRouter } from "next/router";
import { useCallback, useState } from "react";

import { errorMessage } from "./api";
import { useApi } from "./useApi";

export function useStartAnalysis() {
  const api = useApi();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      // A second start while one runs returns the running job, so this is safe to click twice.
      const { job_id } = await api.analyze();
      await router.push({ pathname: "/analysis/", query: { job: job_id } });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }, [api, router]);

  return { start, busy, error };
}
