import {
  Badge, Link, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { seg } from "../api";
import { Problem } from "../components/Problem";
import { RunActions } from "../components/RunActions";
import { useApi } from "../components/useApi";
import { when } from "../format";
import { hrefOf } from "../route";
import type { RunDetail } from "../types";

const useStyles = makeStyles({ text: { overflowWrap: "anywhere" }, wrap: { overflowX: "auto" } });

/** RunPage: one run, its actions and the action it failed at. */
export default function RunPage(props: { env: string; flow: string; run: string; locale: string }) {
  const s = useStyles();
  const d = useApi<RunDetail>(`/flows/${seg(props.env)}/${seg(props.flow)}/runs/${seg(props.run)}`);
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Spinner label="Loading the run…" />;
  const { run, actions, failedAction } = d.data;
  return (
    <>
      <p><Link href={hrefOf({ page: "flow", env: props.env, flow: props.flow, status: "" })}>← The flow's runs</Link></p>
      <Title2 as="h1" className={s.text}>Run {run.id}</Title2>
      <p><Badge>{run.status}</Badge> started {when(run.startTime, props.locale)}</p>
      {run.link && <p><Link href={run.link} target="_blank" rel="noreferrer">Open in Power Automate</Link></p>}
      {failedAction && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody className={s.text}>
            <MessageBarTitle>Failed at {failedAction.name}</MessageBarTitle>
            {failedAction.errorMessage || failedAction.errorCode || run.errorMessage}
          </MessageBarBody>
        </MessageBar>
      )}
      <RunActions env={props.env} flow={props.flow} selected={[run.id]} onDone={d.reload} />
      <div className={s.wrap}>
        <Table aria-label="Actions" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">Action</TableHeaderCell>
              <TableHeaderCell scope="col">Status</TableHeaderCell>
              <TableHeaderCell scope="col">Error</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {actions.map((a) => (
              <TableRow key={a.name}>
                <TableCell className={s.text}>{a.name}</TableCell>
                <TableCell>{a.status}</TableCell>
                <TableCell className={s.text}>{a.errorMessage || a.errorCode || ""}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </>
  );
}
