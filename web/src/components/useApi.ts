import { useCallback, useEffect, useState } from "react";
import { get } from "../api";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** fetchedAt is when the data shown arrived (Date.now()), for its age. */
  fetchedAt: number | undefined;
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
  const [fetchedAt, setFetchedAt] = useState<number>();
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    // A reload (Refresh, Try again) asks the server, not the browser's cache.
    get<T>(path, ctl.signal, n > 0)
      .then((d) => {
        setData(d);
        setLoadedFor(path);
        setFetchedAt(Date.now());
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [path, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, loading, fetchedAt, reload, loadedFor };
}
