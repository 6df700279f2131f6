import {
  Link, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { when } from "../format";
import type { AppList } from "../types";

const useStyles = makeStyles({ text: { overflowWrap: "anywhere" }, wrap: { overflowX: "auto" } });

/** AppsPage: the user's Power Apps. */
export default function AppsPage(props: { locale: string }) {
  const s = useStyles();
  const d = useApi<AppList>("/apps");
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Spinner label="Loading apps…" />;
  return (
    <>
      <Title2 as="h1">Power Apps</Title2>
      <Freshness fetchedAt={d.fetchedAt} loading={d.loading} onRefresh={d.reload} what="apps" />
      <PartialNotice partial={d.data.partial} />
      {d.data.apps.length === 0 ? <AppsEmpty partial={(d.data.partial ?? []).length > 0} /> : (
      <div className={s.wrap}>
        <Table aria-label="Power Apps" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell scope="col">App</TableHeaderCell>
              <TableHeaderCell scope="col">Owner</TableHeaderCell>
              <TableHeaderCell scope="col">Modified</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {d.data.apps.map((a) => (
              <TableRow key={a.environmentId + "/" + a.id}>
                <TableCell className={s.text}>
                  {a.link ? <Link href={a.link} target="_blank" rel="noreferrer">{a.displayName}</Link> : a.displayName}
                </TableCell>
                <TableCell>{a.owner.name || a.owner.email}</TableCell>
                <TableCell>{when(a.modifiedAt, props.locale)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      )}
    </>
  );
}

/** AppsEmpty says why there are no apps and where to make one. */
function AppsEmpty(props: { partial: boolean }) {
  return (
    <EmptyState title="You have no Power Apps"
      why={props.partial
        ? "None in the environments that answered; the notice above names those that did not."
        : "FlowDeck lists the canvas and model-driven apps you own or that are shared with you."}
      actions={<Link href="https://make.powerapps.com/" target="_blank" rel="noreferrer">Create an app in Power Apps</Link>} />
  );
}
