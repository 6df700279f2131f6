import {
  Badge, Button, Caption1, Checkbox, Link, Select, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Title2, makeStyles, tokens,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { post, q, seg } from "../api";
import { Confirm } from "../components/Confirm";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { Problem } from "../components/Problem";
import { JobPanel } from "../components/JobPanel";
import { BulkActions } from "../components/BulkActions";
import { useApi } from "../components/useApi";
import { ApiError, describeError } from "../errors";
import { stateLabel, when } from "../format";
import { personLabel, shortId } from "../people";
import { duration } from "../duration";
import { hrefOf, runWindows, type RunWindow } from "../route";
import { toggleRuns, type Selection } from "../selection";
import type { Flow, RunPage } from "../types";

const useStyles = makeStyles({
  head: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
  name: { overflowWrap: "anywhere", wordBreak: "break-word", margin: 0 },
  error: { color: tokens.colorPaletteRedForeground1, overflowWrap: "anywhere" },
  wrap: { overflowX: "auto" },
});

const statuses = ["", "Failed", "Running", "Succeeded", "Cancelled"];
const windowLabels: Record<string, string> = { "": "Last 28 days", "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "28d": "Last 28 days" };

function FlowState(props: { flow: Flow; onChanged: (f: Flow) => void }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [adminUrl, setAdminUrl] = useState<string>();
  const on = props.flow.state === "Started";
  const toggle = async () => {
    setAsking(false);
    setBusy(true);
    setFailure(undefined);
    setAdminUrl(undefined);
    try {
      props.onChanged(await post<Flow>(`/flows/${seg(props.flow.environmentId)}/${seg(props.flow.id)}/state`, { on: !on }));
    } catch (e) {
      setFailure(describeError(e));
      setAdminUrl(e instanceof ApiError ? e.adminConsentUrl : undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Badge color={on ? "success" : props.flow.state === "Suspended" ? "danger" : "informative"}>{stateLabel(props.flow.state)}</Badge>
      <Button disabled={busy} onClick={() => setAsking(true)}>{on ? "Turn off" : "Turn on"}</Button>
      {failure && <span role="alert">{failure}</span>}
      {adminUrl && <Link href={adminUrl} target="_blank" rel="noopener noreferrer">Admin-consent link</Link>}
      <Confirm open={asking} title={on ? "Turn this flow off?" : "Turn this flow on?"} confirm={on ? "Turn off" : "Turn on"}
        onCancel={() => setAsking(false)} onConfirm={() => void toggle()}>
        {on ? "It stops running until someone turns it on again." : "It runs again on its trigger."}
      </Confirm>
    </>
  );
}

/** FlowPage: a flow's runs with a status filter and paging, bulk resubmit/cancel, on/off. */
export default function FlowPage(props: { env: string; flow: string; status: string; window: string; locale: string }) {
  const s = useStyles();
  const base = `/flows/${seg(props.env)}/${seg(props.flow)}`;
  const flow = useApi<Flow>(base);
  const [current, setCurrent] = useState<Flow>();
  const [cursors, setCursors] = useState<string[]>([""]);
  const cursor = cursors[cursors.length - 1] ?? "";
  const runsPath = base + "/runs" + q({ status: props.status, window: props.window, cursor, top: 25 });
  const runs = useApi<RunPage>(runsPath);
  // The selection is kept across pages of runs (one filter's pages).
  const [selection, setSelection] = useState<Selection>({});
  const [jobId, setJobId] = useState<string>();
  useEffect(() => { setCursors([""]); setSelection({}); }, [props.env, props.flow, props.status, props.window]);
  useEffect(() => setCurrent(flow.data), [flow.data]);

  if (flow.error) return <Problem error={flow.error} onRetry={flow.reload} />;
  if (!current) return <Spinner label="Loading the flow…" />;
  const pageIndex = cursors.length - 1;
  const page = runs.data?.runs ?? [];
  const allOn = page.length > 0 && page.every((r) => !!selection[r.id]);
  return (
    <>
      <p><Link href="#/flows">← All flows</Link></p>
      <div className={s.head}>
        <Title2 as="h1" className={s.name}>{current.displayName}</Title2>
        <FlowState flow={current} onChanged={setCurrent} />
      </div>
      <p>
        {current.trigger && <Caption1>Trigger: {current.trigger} · </Caption1>}
        <Caption1 title={shortId(current.ownerId)} data-testid="flow-page-owner">Owner: {personLabel(current.ownerName)}</Caption1>
        {current.link && <> · <Link href={current.link} target="_blank" rel="noreferrer">Open in Power Automate</Link></>}
      </p>
      <section aria-labelledby="runs-h" aria-busy={runs.loading} data-runs-for={runs.loadedFor === runsPath && !runs.loading ? runsPath : ""}>
        <h2 id="runs-h">Runs</h2>
        <div className={s.head}>
          <label htmlFor="status-filter">Status</label>
          <Select id="status-filter" value={props.status}
            onChange={(_, d) => (location.hash = hrefOf({ page: "flow", env: props.env, flow: props.flow, status: d.value, window: props.window ? (props.window as RunWindow) : undefined }))}>
            {statuses.map((x) => <option key={x} value={x}>{x || "All runs"}</option>)}
          </Select>
          <label htmlFor="window-filter">Started</label>
          <Select id="window-filter" value={props.window}
            onChange={(_, d) => (location.hash = hrefOf({ page: "flow", env: props.env, flow: props.flow, status: props.status, window: d.value ? (d.value as RunWindow) : undefined }))}>
            <option value="">{windowLabels[""]}</option>
            {runWindows.filter((w) => w !== "28d").map((w) => <option key={w} value={w}>{windowLabels[w]}</option>)}
          </Select>
        </div>
        <BulkActions env={props.env} flow={props.flow} selection={selection} onJob={setJobId} onStarted={() => setSelection({})} />
        <Freshness fetchedAt={runs.fetchedAt} loading={runs.loading} onRefresh={runs.reload} what="runs" />
        {runs.error ? <Problem error={runs.error} onRetry={runs.reload} /> : !runs.data ? <Spinner label="Loading runs…" /> : page.length === 0 ? (
          props.status || props.window ? (
            <EmptyState title={`No ${props.status ? props.status.toLowerCase() + " " : ""}runs${props.window ? " in the " + (windowLabels[props.window] ?? "").toLowerCase() : ""}`}
              why={cursors.length > 1 ? "None on this page of older runs." : "This flow has no such run in its run history."}
              actions={<Link href={hrefOf({ page: "flow", env: props.env, flow: props.flow, status: "" })}>Show every run</Link>} />
          ) : (
            <EmptyState title="This flow has not run yet"
              why={current.state === "Started" ? "It runs when its trigger fires; runs appear here." : "It is off, so its trigger does not fire. Turn it on to run it."} />
          )
        ) : (
          <div className={s.wrap}>
            <Table aria-label="Runs" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>
                    <Checkbox aria-label="Select every run on this page" checked={allOn}
                      onChange={(_, d) => setSelection((x) => toggleRuns(x, page, pageIndex, !!d.checked))} />
                  </TableHeaderCell>
                  <TableHeaderCell scope="col">Started</TableHeaderCell>
                  <TableHeaderCell scope="col">Status</TableHeaderCell>
                  <TableHeaderCell scope="col">Duration</TableHeaderCell>
                  <TableHeaderCell scope="col">Error</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.map((r) => (
                  <TableRow key={r.id} data-run={r.id}>
                    <TableCell>
                      <Checkbox aria-label={`Select the run started ${when(r.startTime, props.locale) || r.id}`} checked={!!selection[r.id]}
                        onChange={(_, d) => setSelection((x) => toggleRuns(x, [r], pageIndex, !!d.checked))} />
                    </TableCell>
                    <TableCell>
                      <Link href={hrefOf({ page: "run", env: props.env, flow: props.flow, run: r.id })}>
                        {when(r.startTime, props.locale) || r.id}
                      </Link>
                    </TableCell>
                    <TableCell><Badge appearance="outline" color={r.status === "Failed" ? "danger" : r.status === "Succeeded" ? "success" : "informative"}>{r.status}</Badge></TableCell>
                    <TableCell data-duration>{duration(r.startTime, r.endTime) || (r.status === "Running" ? "Running" : "")}</TableCell>
                    <TableCell className={s.error}>{r.errorMessage || r.errorCode || ""}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        <nav aria-label="Run pages" style={{ display: "flex", gap: 8 }}>
          <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>Newer</Button>
          <Button disabled={!runs.data?.next} onClick={() => runs.data?.next && setCursors((c) => [...c, runs.data!.next!])}>Older</Button>
        </nav>
        {/* Last on the page: a job found after a reload arrives late and moves nothing above it. */}
        {jobId && <JobPanel key={jobId} jobId={jobId} locale={props.locale} onDone={runs.reload} onJob={setJobId} />}
      </section>
    </>
  );
}
