import { useCallback, useEffect, useState } from "react";
import { get } from "../api";
import type { Loaded } from "./useApi";

/**
 * Phase is where a snapshot-first load is: "loading" while the live answer
 * is on its way and no snapshot of it is shown (what is on screen, if
 * anything, is the previous answer), "snapshot" while the user's kept
 * answer is shown and the live one is on its way, "done" once the live
 * answer (or its error) is in.
 */
export type Phase = "loading" | "snapshot" | "done";

export interface SnapshotLoaded<T> extends Loaded<T> {
  phase: Phase;
}

/** Kept is an answer that may come from the user's snapshot. */
interface Kept {
  asOf?: string;
  fromSnapshot?: boolean;
}

/** withFlag adds name=true to path's query. */
export function withFlag(path: string, name: string): string {
  return path + (path.includes("?") ? "&" : "?") + name + "=true";
}

/** gatheredAt is when an answer's data was gathered: its asOf, else now (Date.now() milliseconds). */
export function gatheredAt(d: Kept, now: number): number {
  const t = d.asOf ? Date.parse(d.asOf) : NaN;
  return Number.isNaN(t) ? now : t;
}

/** showSnapshot reports whether a snapshot answer goes on screen: it was kept, and the live answer is not in yet. */
export function showSnapshot(d: Kept, phase: Phase): boolean {
  return d.fromSnapshot === true && phase === "loading";
}

/**
 * useSnapshotFirst GETs path (again whenever it changes) like useApi; with
 * snapshotFirst it also asks path&snapshot=true, which the server answers
 * at once from what it kept, and shows that until the live answer replaces
 * it (fetchedAt is the answer's asOf, so its age shows). Whatever is on
 * screen stays there while the next answer loads. A reload asks live with
 * refresh=true (the server bounds how often it goes upstream) and no snapshot.
 */
export function useSnapshotFirst<T extends Kept>(path: string, snapshotFirst: boolean): SnapshotLoaded<T> {
  const [data, setData] = useState<T>();
  const [loadedFor, setLoadedFor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [phase, setPhase] = useState<Phase>("loading");
  const [fetchedAt, setFetchedAt] = useState<number>();
  // A reload refreshes the path it was pressed on; another path loads as usual.
  const [reloaded, setReloaded] = useState<{ path: string; n: number }>();
  const refresh = reloaded?.path === path;
  useEffect(() => {
    const ctl = new AbortController();
    let now: Phase = "loading";
    const show = (d: T, p: Phase) => {
      now = p;
      setData(d);
      setLoadedFor(path);
      setFetchedAt(gatheredAt(d, Date.now()));
      setPhase(p);
    };
    setLoading(true);
    setError(undefined);
    setPhase(now);
    if (snapshotFirst && !refresh) {
      get<T>(withFlag(path, "snapshot"), ctl.signal)
        .then((d) => {
          if (!ctl.signal.aborted && showSnapshot(d, now)) show(d, "snapshot");
        })
        // The live answer says what went wrong, if anything did.
        .catch(() => undefined);
    }
    get<T>(snapshotFirst && refresh ? withFlag(path, "refresh") : path, ctl.signal, refresh)
      .then((d) => {
        if (!ctl.signal.aborted) show(d, "done");
      })
      .catch((e: unknown) => {
        if (ctl.signal.aborted) return;
        now = "done";
        setError(e);
        setPhase("done");
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
    // reloaded starts the effect again on each press; refresh follows from it and path.
  }, [path, snapshotFirst, reloaded]);
  const reload = useCallback(() => setReloaded((r) => ({ path, n: (r?.path === path ? r.n : 0) + 1 })), [path]);
  return { data, error, loading, fetchedAt, reload, loadedFor, phase };
}
