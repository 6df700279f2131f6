import {
  Link, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { when } from "../format";
import type { App, Partial } from "../types";

const useStyles = makeStyles({ text: { overflowWrap: "anywhere" }, wrap: { overflowX: "auto" } });

/** AppsPage: the user's Power Apps. */
export default function AppsPage(props: { locale: string }) {
  const s = useStyles();
  const d = useApi<{ apps: App[]; partial?: Partial[] }>("/apps");
  if (d.error) return <Problem error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Spinner label="Loading apps…" />;
  return (
    <>
      <Title2 as="h1">Power Apps</Title2>
      <PartialNotice partial={d.data.partial} />
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
    </>
  );
}
