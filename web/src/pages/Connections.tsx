import {
  Badge, Link, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import type { ConnectionList } from "../types";

const useStyles = makeStyles({ text: { overflowWrap: "anywhere" }, wrap: { overflowX: "auto" } });

/** ConnectionsPage: the user's connections, broken ones first, with their error. */
export default function ConnectionsPage() {
  const s = useStyles();
  const d = useApi<ConnectionList>("/connections");
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Spinner label="Loading connections…" />;
  return (
    <>
      <Title2 as="h1">Connections</Title2>
      <Freshness fetchedAt={d.fetchedAt} loading={d.loading} onRefresh={d.reload} what="connections" />
      <PartialNotice partial={d.data.partial} />
      {d.data.connections.length === 0 ? <ConnectionsEmpty partial={(d.data.partial ?? []).length > 0} /> : (
      <div className={s.wrap}>
        <Table aria-label="Connections" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">Connection</TableHeaderCell>
              <TableHeaderCell scope="col">Connector</TableHeaderCell>
              <TableHeaderCell scope="col">Status</TableHeaderCell>
              <TableHeaderCell scope="col">Error</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {d.data.connections.map((c) => (
              <TableRow key={c.environmentId + "/" + c.id}>
                <TableCell className={s.text}>{c.displayName}</TableCell>
                <TableCell>{c.api.replace(/^shared_/, "")}</TableCell>
                <TableCell><Badge color={c.status === "Connected" ? "success" : "danger"}>{c.status}</Badge></TableCell>
                <TableCell className={s.text}>{c.errorMessage || c.errorCode || ""}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      )}
    </>
  );
}

/** ConnectionsEmpty says why there are no connections and where to make one. */
function ConnectionsEmpty(props: { partial: boolean }) {
  return (
    <EmptyState title="You have no connections"
      why={props.partial
        ? "None in the environments that answered; the notice above names those that did not."
        : "A connection is made when you sign in to a service (Outlook, SharePoint, …) in a flow or app."}
      actions={<Link href="https://make.powerautomate.com/connections" target="_blank" rel="noreferrer">Add a connection in Power Automate</Link>} />
  );
}
