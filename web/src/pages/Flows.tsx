import {
  Badge, Button, Checkbox, Field, Input, Link, Select, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Title2, makeStyles,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { q } from "../api";
import { Pager } from "../components/Pager";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { stateLabel } from "../format";
import { personLabel, shortId } from "../people";
import { filterParams, hrefOf, sortKeys, type FlowFilter, type SortKey } from "../route";
import type { Environment, FlowList } from "../types";

const useStyles = makeStyles({
  filters: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "end" },
  table: { tableLayout: "auto" },
  wrap: { overflowX: "auto" },

});

const sortLabels: Record<SortKey, string> = {
  name: "Name", environment: "Environment", state: "State", modified: "Modified", failures: "Failures",
};

function go(f: FlowFilter) {
  location.hash = hrefOf({ page: "flows", filter: f });
}

/** FlowsPage: every environment's flows in one grid; the filter lives in the URL. */
export default function FlowsPage(props: { filter: FlowFilter }) {
  const s = useStyles();
  const f = props.filter;
  const envs = useApi<{ environments: Environment[] }>("/environments");
  const list = useApi<FlowList>("/flows?" + filterParams(f).toString());
  const [text, setText] = useState(f.q);
  useEffect(() => setText(f.q), [f.q]);
  const set = (patch: Partial<FlowFilter>) => go({ ...f, offset: 0, ...patch });

  return (
    <>
      <Title2 as="h1">Flows</Title2>
      <form role="search" className={s.filters} onSubmit={(e) => { e.preventDefault(); set({ q: text }); }}>
        <Field label="Search">
          <Input type="search" value={text} onChange={(_, d) => setText(d.value)} placeholder="Flow name" />
        </Field>
        <Button type="submit">Search</Button>
        <Field label="Environment">
          <Select value={f.env} onChange={(_, d) => set({ env: d.value })}>
            <option value="">All environments</option>
            {(envs.data?.environments ?? []).map((e) => (
              <option key={e.id} value={e.id}>{e.displayName}</option>
            ))}
          </Select>
        </Field>
        <Field label="State">
          <Select value={f.state} onChange={(_, d) => set({ state: d.value })}>
            <option value="">Any state</option>
            <option value="Started">On</option>
            <option value="Stopped">Off</option>
            <option value="Suspended">Suspended</option>
            <option value="off">Off or suspended</option>
          </Select>
        </Field>
        <Field label="Owner (object id)">
          <Input value={f.owner} onChange={(_, d) => set({ owner: d.value.trim() })} />
        </Field>
        <Checkbox label="Failing in the last 24 h" checked={f.failing} onChange={(_, d) => set({ failing: !!d.checked })} />
        <Field label="Sort by">
          <Select value={f.sort} onChange={(_, d) => set({ sort: d.value as SortKey })}>
            {sortKeys.map((k) => <option key={k} value={k}>{sortLabels[k]}</option>)}
          </Select>
        </Field>
        <Checkbox label="Descending" checked={f.desc} onChange={(_, d) => set({ desc: !!d.checked })} />
      </form>
      {list.error ? <Problem error={list.error} onRetry={list.reload} /> : !list.data ? <Spinner label="Loading flows…" /> : (
        <>
          <PartialNotice partial={list.data.partial} />
          <div className={`fd-scroll-x ${s.wrap}`}>
            <Table className={s.table} aria-label="Flows" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell scope="col">Name</TableHeaderCell>
                  <TableHeaderCell scope="col">Environment</TableHeaderCell>
                  <TableHeaderCell scope="col">Owner</TableHeaderCell>
                  <TableHeaderCell scope="col">State</TableHeaderCell>
                  <TableHeaderCell scope="col">Failures</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.data.items.map((row) => (
                  <TableRow key={row.environmentId + "/" + row.id}>
                    <TableCell>
                      {/* Long names end in an ellipsis (the full name is the
                          link's title): fd-ellipsis in base.css. */}
                      <div className="fd-ellipsis">
                        <Link title={row.displayName} data-testid="flow-name"
                          href={hrefOf({ page: "flow", env: row.environmentId, flow: row.id, status: "" })}>{row.displayName}</Link>
                        {row.shared && <> <Badge appearance="tint" size="small" data-testid="flow-shared">Shared</Badge></>}
                      </div>
                    </TableCell>
                    <TableCell>{row.environmentName}</TableCell>
                    <TableCell data-testid="flow-owner"><span title={shortId(row.ownerId)}>{personLabel(row.ownerName)}</span></TableCell>
                    <TableCell><Badge appearance="outline" color={row.state === "Started" ? "success" : row.state === "Suspended" ? "danger" : "informative"}>{stateLabel(row.state)}</Badge></TableCell>
                    <TableCell>{row.failures ?? ""}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager offset={f.offset} limit={f.limit} total={list.data.total} onOffset={(o) => go({ ...f, offset: o })} />
        </>
      )}
      {list.loading && list.data && <Spinner size="tiny" label="Refreshing…" />}
      <p><Link href={"#/flows" + q({})}>Clear the filter</Link></p>
    </>
  );
}
