import {
  Badge, Button, Checkbox, Field, Input, Link, Select, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Title2, ToggleButton, makeStyles,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { Pager } from "../components/Pager";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { useSnapshotFirst } from "../components/useSnapshotFirst";
import { stateLabel } from "../format";
import { personLabel, shortId } from "../people";
import { defaultFilter, filterParams, hrefOf, sortKeys, windowLabel, type FlowFilter, type SortKey, type Whose } from "../route";
import type { EnvironmentList, FlowList } from "../types";

const useStyles = makeStyles({
  filters: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "end" },
  whose: { display: "flex", flexWrap: "wrap", gap: "8px", marginBottom: "8px" },
  table: { tableLayout: "auto" },
  wrap: { overflowX: "auto" },

});

const whoseLabels: Record<Whose, string> = { "": "All flows", mine: "My flows", shared: "Shared with me" };

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
  const envs = useApi<EnvironmentList>("/environments");
  // The failures list shows the user's snapshot (with its age) while the live list loads.
  const path = "/flows?" + filterParams(f).toString();
  const list = useSnapshotFirst<FlowList>(path, f.failing);
  const current = list.loadedFor === path;
  const [text, setText] = useState(f.q);
  const [person, setPerson] = useState(f.person);
  useEffect(() => setText(f.q), [f.q]);
  useEffect(() => setPerson(f.person), [f.person]);
  const set = (patch: Partial<FlowFilter>) => go({ ...f, offset: 0, ...patch });

  return (
    <>
      <Title2 as="h1">Flows</Title2>
      {/* Quick filters: whose flows. Static, above everything loaded later. */}
      <div role="group" aria-label="Whose flows" className={s.whose}>
        {(Object.keys(whoseLabels) as Whose[]).map((w) => (
          <ToggleButton key={w || "all"} checked={f.whose === w} data-testid={`whose-${w || "all"}`}
            appearance={f.whose === w ? "primary" : "secondary"} onClick={() => set({ whose: w })}>{whoseLabels[w]}</ToggleButton>
        ))}
      </div>
      <form role="search" className={s.filters}
        onSubmit={(e) => { e.preventDefault(); set({ q: text.trim(), person: person.trim() }); }}>
        <Field label="Search">
          <Input type="search" value={text} onChange={(_, d) => setText(d.value)} placeholder="Flow name" />
        </Field>
        <Field label="Owner">
          <Input type="search" value={person} maxLength={100} data-testid="person-search"
            onChange={(_, d) => setPerson(d.value)} placeholder="Person's name" />
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
        <Field label="Failures">
          <Select value={f.failing ? f.window : ""} onChange={(_, d) => set(d.value === "" ? { failing: false, window: "24h" } : { failing: true, window: d.value === "7d" ? "7d" : "24h" })}>
            <option value="">Any flow</option>
            <option value="24h">Failed in the last 24 hours</option>
            <option value="7d">Failed in the last 7 days</option>
          </Select>
        </Field>
        <Field label="Sort by">
          <Select value={f.sort} onChange={(_, d) => set({ sort: d.value as SortKey })}>
            {sortKeys.map((k) => <option key={k} value={k}>{sortLabels[k]}</option>)}
          </Select>
        </Field>
        <Checkbox label="Descending" checked={f.desc} onChange={(_, d) => set({ desc: !!d.checked })} />
      </form>
      <Freshness fetchedAt={list.fetchedAt} loading={list.loading} onRefresh={list.reload} what="flows" />
      {/* data-live: "snapshot" while kept rows are shown and the live ones load, "loading", then "done". */}
      <div data-testid="flows-list" data-live={list.phase} data-snapshot={current && list.data?.fromSnapshot ? "true" : "false"}>
        {list.error !== undefined && <Problem error={list.error} onRetry={list.reload} />}
        {list.error !== undefined && !current ? null : !list.data ? <Spinner label="Loading flows…" /> : list.data.total === 0 ? (
          <>
            <PartialNotice partial={list.data.partial} />
            <FlowsEmpty filter={f} />
          </>
        ) : (
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
      </div>
      {!isDefault(f) && <p><Link href="#/flows">Clear the filter</Link></p>}
    </>
  );
}

/** isDefault reports whether the filter keeps every flow. */
function isDefault(f: FlowFilter): boolean {
  return filterParams({ ...f, sort: "name", desc: false, offset: 0, limit: 50 }).toString() === "";
}

/** FlowsEmpty says why the grid is empty and what to do about it. */
function FlowsEmpty(props: { filter: FlowFilter }) {
  const f = props.filter;
  const clear = <Button appearance="primary" onClick={() => go(defaultFilter)}>Clear the filter</Button>;
  if (f.q) {
    return <EmptyState title={`No flows match “${f.q}”`} why="Check the spelling, or search in every environment and state." actions={clear} />;
  }
  if (f.person) {
    return (
      <EmptyState title={`No flows owned by anyone named “${f.person}”`}
        why="The owner search matches people's display names; owners FlowDeck cannot name match no search. Check the spelling, or try part of the name."
        actions={clear} />
    );
  }
  const onlyWhose = isDefault({ ...f, whose: "" });
  if (f.whose === "mine" && onlyWhose) {
    return (
      <EmptyState title="You have not created any flows"
        why="My flows lists the flows you created. Flows others created and shared with you are under Shared with me."
        actions={<>
          <Button appearance="primary" onClick={() => go({ ...defaultFilter, whose: "shared" })}>Show flows shared with me</Button>
          <Link href="https://make.powerautomate.com/" target="_blank" rel="noreferrer">Create a flow in Power Automate</Link>
        </>} />
    );
  }
  if (f.whose === "shared" && onlyWhose) {
    return (
      <EmptyState title="No flows are shared with you"
        why="Shared with me lists flows someone else created and made you a co-owner or run-only user of. Ask a flow's owner to share it with you."
        actions={<Button appearance="primary" onClick={() => go(defaultFilter)}>Show every flow</Button>} />
    );
  }
  if (f.failing && !f.env && !f.state && !f.whose) {
    return (
      <EmptyState title={`No flow failed in the last ${windowLabel(f.window)}`}
        why="Every run of your flows in that time succeeded, is still running, or was cancelled."
        actions={f.window === "24h"
          ? <Link href={hrefOf({ page: "flows", filter: { ...f, window: "7d", offset: 0 } })}>Look at the last 7 days</Link>
          : <Link href="#/flows">Show every flow</Link>} />
    );
  }
  if (!isDefault(f)) {
    return <EmptyState title="No flows match this filter" why="Each filter keeps fewer flows; try fewer of them." actions={clear} />;
  }
  return (
    <EmptyState title="You have no flows yet"
      why="FlowDeck lists the flows you own or that are shared with you, in every environment you can reach."
      actions={<Link href="https://make.powerautomate.com/" target="_blank" rel="noreferrer">Create a flow in Power Automate</Link>} />
  );
}
