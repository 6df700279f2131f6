import { Button, Caption1, MessageBar, MessageBarBody, ProgressBar } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { get, post, seg } from "../api";
import { describeCode, describeError } from "../errors";
import { plural, when } from "../format";
import { newKey } from "../selection";
import type { BulkItem, BulkJob, JobView } from "../types";
import { Confirm } from "./Confirm";

/** pollEvery is how often the panel asks for a running job's progress; pausedPollEvery for a paused one's. */
const pollEvery = 1000;
const pausedPollEvery = 10000;

/** doneVerb is what a kind did to a run, for the summary line. */
const doneVerb = (kind: string) => (kind === "cancel" ? "Cancelled" : "Resubmitted");

/** itemLine says what happened to one run, by its start time and status: never its raw id. */
function itemLine(it: BulkItem, kind: string, locale: string): string {
  const run = `Run started ${when(it.start, locale) || "at an unknown time"} (was ${it.status})`;
  switch (it.state) {
    case "ok": return `${run}: ${kind === "cancel" ? "cancelled" : "resubmitted"}.`;
    case "failed": return `${run}: not done. ${describeCode(it.code, it.message)}`;
    case "unknown": return `${run}: unknown. FlowDeck stopped while working on it; check the run history before trying it again.`;
    default: return `${run}: waiting.`;
  }
}

/** JobPanel follows one bulk job: progress N of M while it runs, then each run's result and "Retry the N that failed". */
export function JobPanel(props: { jobId: string; locale: string; onDone: () => void; onJob: (id: string) => void }) {
  const [view, setView] = useState<JobView>();
  const [failure, setFailure] = useState<string>();
  const [asking, setAsking] = useState<string>(); // the retry confirmation's key
  const [busy, setBusy] = useState(false);
  const [round, setRound] = useState(0); // a resume starts polling again at once

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctl = new AbortController();
    const load = async () => {
      let wait = pollEvery;
      try {
        const v = await get<JobView>(`/jobs/${seg(props.jobId)}`, ctl.signal, true);
        if (stop) return;
        setView(v);
        setFailure(undefined);
        if (v.job.state === "done") {
          props.onDone();
          return;
        }
        // Nothing moves while the job waits for its user; still read now and then (it may end).
        if (v.job.state === "paused") wait = pausedPollEvery;
      } catch (e) {
        if (stop) return;
        setFailure(describeError(e));
      }
      timer = setTimeout(() => void load(), wait);
    };
    void load();
    return () => { stop = true; ctl.abort(); if (timer) clearTimeout(timer); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.jobId, round]);

  const retry = async (key: string) => {
    setAsking(undefined);
    setBusy(true);
    try {
      const j = await post<BulkJob>(`/jobs/${seg(props.jobId)}/retry`, { key });
      props.onJob(j.id);
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const resume = async () => {
    setBusy(true);
    try {
      await post<BulkJob>(`/jobs/${seg(props.jobId)}/resume`);
      setFailure(undefined);
      setRound((r) => r + 1);
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const job = view?.job;
  const problems = view?.items.filter((i) => i.state === "failed" || i.state === "unknown") ?? [];
  const shown = view && view.items.length <= 50 ? view.items : problems;
  return (
    <section aria-label="Bulk job" data-testid="job-panel" data-job={props.jobId} data-state={job?.state ?? "loading"}>
      <h3 style={{ margin: "8px 0" }}>{job ? `${job.kind === "cancel" ? "Cancel" : "Resubmit"} ${job.scope === "failed" ? "failed runs" : "selected runs"} of ${job.flowName}` : "Bulk job"}</h3>
      {/* Progress: one line and one bar of fixed height, whatever the state. */}
      <div style={{ minHeight: 44 }}>
        <Caption1 role="status" aria-live="polite" data-testid="job-progress">
          {!job ? "Reading the job…"
            : job.state === "resolving" ? "Finding the failed runs…"
            : job.state === "running" ? `${job.done} of ${plural(job.total, "run")} done`
            : job.state === "paused" ? `Paused: ${job.done} of ${plural(job.total, "run")} done`
            : job.message ? job.message
            : `Done: ${job.done} of ${plural(job.total, "run")}.`}
        </Caption1>
        <ProgressBar aria-label="Progress of the bulk job" thickness="large"
          value={job && job.total > 0 ? job.done / job.total : job?.state === "done" ? 1 : undefined}
          max={1} />
      </div>
      {failure && <MessageBar intent="error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      {job?.state === "paused" && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <div data-testid="job-paused">
              {job.message || "FlowDeck needs you to sign in again to finish this job. Sign in, then press Resume."}
            </div>
          </MessageBarBody>
        </MessageBar>
      )}
      {job?.state === "paused" && (
        <Button appearance="primary" disabled={busy} onClick={() => void resume()}>Resume</Button>
      )}
      {job?.state === "done" && view && (
        <MessageBar intent={job.ok === job.total && !job.message ? "success" : "warning"} layout="multiline">
          <MessageBarBody>
            <div data-testid="bulk-results">
              {doneVerb(job.kind)} {job.ok} of {plural(job.total, "run")}.
              {job.capped && " More runs failed in the window than one job takes (1,000): the oldest were left out; start another job for them."}
              {shown.length > 0 && (
                <ul data-testid="job-items">
                  {shown.map((it) => <li key={it.runId} data-state={it.state}>{itemLine(it, job.kind, props.locale)}</li>)}
                </ul>
              )}
            </div>
          </MessageBarBody>
        </MessageBar>
      )}
      {job?.state === "done" && job.failed > 0 && (
        <Button disabled={busy} onClick={() => setAsking(newKey())}>{`Retry the ${job.failed} that failed`}</Button>
      )}
      <Confirm open={asking !== undefined} title={`Try ${plural(job?.failed ?? 0, "run")} again?`}
        confirm={job?.kind === "cancel" ? "Cancel them again" : "Resubmit them again"}
        onCancel={() => setAsking(undefined)} onConfirm={() => asking && void retry(asking)}>
        A new job takes the runs that failed, once each. Runs whose result is unknown are left out: check them in the run history first.
      </Confirm>
    </section>
  );
}
