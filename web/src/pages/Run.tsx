import {
  Badge, Link, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { seg } from "../api";
import { Freshness } from "../components/Freshness";
import { Problem } from "../components/Problem";
import { RunActions } from "../components/RunActions";
import { ShowContent } from "../components/RunContent";
import { useApi } from "../components/useApi";
import { duration } from "../duration";
import { when } from "../format";
import { hrefOf } from "../route";
import type { RunDetail } from "../types";

const useStyles = makeStyles({ text: { overflowWrap: "anywhere" }, wrap: { overflowX: "auto" } });

const statusColor = (st: string) => (st === "Failed" || st === "TimedOut" ? "danger" : st === "Succeeded" ? "success" : "informative");

/** RunPage: one run as the portal shows it: its trigger and actions in order with status and duration, the action it failed at with its error, inputs and outputs on demand. */
export default function RunPage(props: { env: string; flow: string; run: string; locale: string }) {
  const s = useStyles();
  const d = useApi<RunDetail>(`/flows/${seg(props.env)}/${seg(props.flow)}/runs/${seg(props.run)}`);
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Spinner label="Loading the run…" />;
  const { run, actions, failedAction, portalUrl } = d.data;
  const took = duration(run.startTime, run.endTime);
  const content = (action: string, label: string, hasOutputs: boolean) => (
    <>
      <ShowContent env={props.env} flow={props.flow} run={run.id} action={action} part="inputs" label={label} portalUrl={portalUrl} />
      {hasOutputs && <ShowContent env={props.env} flow={props.flow} run={run.id} action={action} part="outputs" label={label} portalUrl={portalUrl} />}
    </>
  );
  return (
    <>
      <p><Link href={hrefOf({ page: "flow", env: props.env, flow: props.flow, status: "" })}>← The flow's runs</Link></p>
      <Title2 as="h1" className={s.text}>Run {run.id}</Title2>
      <Freshness fetchedAt={d.fetchedAt} loading={d.loading} onRefresh={d.reload} what="the run" />
      <p>
        <Badge color={statusColor(run.status)}>{run.status}</Badge> started {when(run.startTime, props.locale)}
        {took && <> · took <span data-run-duration>{took}</span></>}
        {" · "}<Link href={portalUrl} target="_blank" rel="noopener noreferrer">Open in Power Automate</Link>
      </p>
      {failedAction && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody className={s.text} data-failed-action={failedAction.name}>
            <MessageBarTitle>Failed at {failedAction.name}</MessageBarTitle>
            {failedAction.errorMessage || failedAction.errorCode || run.errorMessage}
          </MessageBarBody>
        </MessageBar>
      )}
      <RunActions env={props.env} flow={props.flow} selected={[run.id]} onDone={d.reload} />
      <div className={s.wrap}>
        <Table aria-label="Trigger and actions, in run order" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">Step</TableHeaderCell>
              <TableHeaderCell scope="col">Status</TableHeaderCell>
              <TableHeaderCell scope="col">Duration</TableHeaderCell>
              <TableHeaderCell scope="col">Error</TableHeaderCell>
              <TableHeaderCell scope="col">Inputs and outputs</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            <TableRow data-step="trigger">
              <TableCell className={s.text}>Trigger{run.triggerName ? `: ${run.triggerName}` : ""}</TableCell>
              <TableCell>Succeeded</TableCell>
              <TableCell />
              <TableCell />
              <TableCell>{content("", "the trigger", true)}</TableCell>
            </TableRow>
            {actions.map((a) => (
              <TableRow key={a.name} data-step={a.name}>
                <TableCell className={s.text}>{a.name}</TableCell>
                <TableCell><Badge appearance="outline" color={statusColor(a.status)}>{a.status}</Badge></TableCell>
                <TableCell data-duration>{duration(a.startTime, a.endTime)}</TableCell>
                <TableCell className={s.text}>{a.errorMessage || a.errorCode || ""}</TableCell>
                <TableCell>{a.status === "Skipped" ? "" : content(a.name, a.name, !!a.endTime)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </>
  );
}
