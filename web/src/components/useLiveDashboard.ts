import { useCallback, useEffect, useState } from "react";
import { q } from "../api";
import { ApiError } from "../errors";
import { token } from "../teams";
import type { Dashboard, DashboardEvent, FailingFlow } from "../types";
import type { Loaded } from "./useApi";

/** merge puts f into the dashboard's failures (replacing the same flow's), newest failure first. */
export function merge(d: Dashboard, f: FailingFlow): Dashboard {
  const key = (x: FailingFlow) => `${x.flow.environmentId}/${x.flow.id}`;
  const failing = d.failing.filter((x) => key(x) !== key(f));
  failing.push(f);
  failing.sort((a, b) => (b.latest.startTime ?? "").localeCompare(a.latest.startTime ?? ""));
  return { ...d, failing };
}

/** lines reads an NDJSON body, one parsed value per line. */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<DashboardEvent> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buf += dec.decode(value, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as DashboardEvent;
    }
    if (done) return;
  }
}

/**
 * useLiveDashboard shows the window's dashboard from the user's snapshot at
 * once (fetchedAt is its age), then merges the failing flows of the live
 * refresh as they arrive, then the complete answer. loading is true while the
 * live answer is on its way. A reload asks for a refresh (the server bounds how often).
 */
export function useLiveDashboard(window: "24h" | "7d"): Loaded<Dashboard> {
  const [data, setData] = useState<Dashboard>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [fetchedAt, setFetchedAt] = useState<number>();
  const [n, setN] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    setData((d) => (d && d.window === window ? d : undefined));
    (async () => {
      const bearer = await token();
      const resp = await fetch("api/dashboard/live" + q({ window, refresh: n > 0 ? true : undefined }), {
        headers: { Authorization: `Bearer ${bearer}`, Accept: "application/x-ndjson" },
        signal: ctl.signal, cache: "no-store", credentials: "same-origin",
      });
      if (!resp.ok || !resp.body) {
        const e = (await resp.json().catch(() => ({}))) as { code?: string; message?: string; detail?: Record<string, string> };
        throw new ApiError(resp.status, e.code ?? "internal", e.message ?? "", e.detail ?? {});
      }
      let live: Dashboard | undefined;
      for await (const ev of lines(resp.body)) {
        if (ctl.signal.aborted) return;
        if ((ev.kind === "snapshot" || ev.kind === "done") && ev.dashboard) {
          live = ev.dashboard;
          setData(ev.dashboard);
          setFetchedAt(Date.parse(ev.dashboard.asOf));
        } else if (ev.kind === "failing" && ev.failing) {
          const f = ev.failing;
          live = merge(live ?? { window, since: "", failing: [], off: null, brokenConnections: null, pendingApprovals: null, asOf: "", fromSnapshot: false }, f);
          setData(live);
        } else if (ev.kind === "error" && ev.error) {
          throw new ApiError(500, ev.error.code, ev.error.message, ev.error.detail ?? {});
        }
      }
    })()
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [window, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, loading, fetchedAt, reload, loadedFor: data ? `/dashboard?window=${window}` : undefined };
}
