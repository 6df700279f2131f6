import { Button, Caption1, MessageBar, MessageBarBody } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { get, post, q, seg } from "../api";
import { describeError } from "../errors";
import { plural } from "../format";
import { MAX_JOB_RUNS, newKey, selectionText, type Selection } from "../selection";
import type { BulkJob, JobList, RunPage } from "../types";
import { Confirm } from "./Confirm";
import { useApi } from "./useApi";

type Ask =
  | { what: "selection"; kind: "resubmit" | "cancel"; key: string }
  | { what: "failed"; key: string };

/** pendingKey is where a confirmed request waits in sessionStorage until its answer, so a reload sends it again with the same key. */
const pendingKey = (env: string, flow: string) => `flowdeck.job.${env}.${flow}`;

/** recentDone is how long after it ended a job is shown again on the flow's page. */
const recentDone = 10 * 60 * 1000;

/** FAILED_WINDOW is the window of "Resubmit all failed". */
const FAILED_WINDOW = "24h";

/**
 * BulkActions resubmits or cancels runs as a server-side bulk job: the runs
 * selected across pages, or every failed run of the last 24 hours. One key
 * per confirmation makes the job exactly once; the job's panel follows it.
 */
export function BulkActions(props: { env: string; flow: string; selection: Selection; onJob: (id: string | undefined) => void; onStarted: () => void }) {
  const [asking, setAsking] = useState<Ask>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const failed = useApi<RunPage>(`/flows/${seg(props.env)}/${seg(props.flow)}/runs` + q({ status: "Failed", window: FAILED_WINDOW, top: 50 }));
  const n = Object.keys(props.selection).length;
  const store = pendingKey(props.env, props.flow);

  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setFailure(undefined);
    sessionStorage.setItem(store, JSON.stringify(body));
    try {
      const j = await post<BulkJob>("/jobs", body);
      sessionStorage.removeItem(store);
      props.onJob(j.id);
      props.onStarted();
    } catch (e) {
      sessionStorage.removeItem(store);
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  // After a reload: a confirmed request without its answer is sent again
  // (same key, same job); else the flow's newest unfinished job is shown.
  useEffect(() => {
    props.onJob(undefined);
    const pending = sessionStorage.getItem(store);
    if (pending) {
      void send(JSON.parse(pending) as Record<string, unknown>);
      return;
    }
    const ctl = new AbortController();
    get<JobList>("/jobs", ctl.signal, true)
      .then((l) => {
        // The flow's newest job, while it runs or for a while after, so its results survive a reload.
        const j = l.jobs.find((x) => x.environmentId.toLowerCase() === props.env.toLowerCase() && x.flowId.toLowerCase() === props.flow.toLowerCase());
        if (j && j.state === "done" && Date.now() - Date.parse(j.updatedAt) > recentDone) return;
        if (j) props.onJob(j.id);
      })
      .catch(() => undefined);
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.env, props.flow]);

  const confirm = (a: Ask) => {
    setAsking(undefined);
    const base = { key: a.key, environmentId: props.env, flowId: props.flow };
    if (a.what === "failed") {
      void send({ ...base, kind: "resubmit", window: FAILED_WINDOW });
      return;
    }
    const runs = Object.values(props.selection).map(({ run }) => ({ id: run.id, start: run.startTime, status: run.status }));
    void send({ ...base, kind: a.kind, runs });
  };

  const page = failed.data?.runs.length ?? 0;
  const more = !!failed.data?.next;
  // The label's text changes when the count arrives; the button sits last in its row.
  const allLabel = !failed.data ? "Resubmit all failed in the last 24 h"
    : more ? `Resubmit all failed in the last 24 h (${page}+)` : `Resubmit all ${page} failed in the last 24 h`;
  const title = !asking ? "" : asking.what === "failed"
    ? (more ? "Resubmit every failed run of the last 24 hours?" : `Resubmit ${plural(page, "failed run")} of the last 24 hours?`)
    : `${asking.kind === "cancel" ? "Cancel" : "Resubmit"} ${plural(n, "run")}?`;
  return (
    <section aria-label="Selected runs">
      <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
        <Caption1 aria-live="polite" data-testid="selected-count">{selectionText(props.selection)}</Caption1>
        <Button disabled={n === 0 || busy} onClick={() => setAsking({ what: "selection", kind: "resubmit", key: newKey() })}>Resubmit</Button>
        <Button disabled={n === 0 || busy} onClick={() => setAsking({ what: "selection", kind: "cancel", key: newKey() })}>Cancel runs</Button>
      </div>
      {/* Its own row: the label's count arrives late and must move nothing. */}
      <div style={{ display: "flex", minHeight: 40, alignItems: "center", marginTop: 4 }}>
        <Button data-testid="resubmit-all-failed" disabled={busy || (!!failed.data && page === 0)}
          onClick={() => setAsking({ what: "failed", key: newKey() })}>{allLabel}</Button>
      </div>
      {failure && <MessageBar intent="error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      <Confirm open={asking !== undefined} title={title}
        confirm={asking?.what === "selection" && asking.kind === "cancel" ? "Cancel runs" : "Resubmit"}
        onCancel={() => setAsking(undefined)} onConfirm={() => asking && confirm(asking)}>
        <span data-testid="job-limits">
          {asking?.what === "selection" && asking.kind === "cancel"
            ? "Running runs stop where they are. This cannot be undone. "
            : "Each run starts again with its original trigger input. "}
          {asking?.what === "failed"
            ? `FlowDeck finds the failed runs itself, the newest ${MAX_JOB_RUNS.toLocaleString("en")} at most; runs that fail after you confirm are not included. `
            : `One job takes at most ${MAX_JOB_RUNS.toLocaleString("en")} runs. `}
          FlowDeck works on them in the background, as you, 4 at a time, each run once: you may close this page and come back to see the results.
        </span>
      </Confirm>
    </section>
  );
}
