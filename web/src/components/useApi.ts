import { useCallback, useEffect, useState } from "react";
import { get } from "../api";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** loadedFor is the path data was loaded from. */
  loadedFor: string | undefined;
}

/** useApi GETs path (again whenever it changes) and exposes the outcome. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T>();
  const [loadedFor, setLoadedFor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(path !== null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    get<T>(path, ctl.signal)
      .then((d) => { setData(d); setLoadedFor(path); })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [path, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, loading, reload, loadedFor };
}
