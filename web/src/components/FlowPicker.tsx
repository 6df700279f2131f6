import { Button, Caption1, Field, Input, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { q } from "../api";
import { EmptyState } from "./EmptyState";
import { Pager } from "./Pager";
import { Problem } from "./Problem";
import { useApi } from "./useApi";
import type { FlowList, FlowRow } from "../types";

const useStyles = makeStyles({
  search: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "end" },
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "4px" },
  row: {
    display: "flex", gap: "8px", alignItems: "center", justifyContent: "space-between",
    padding: "4px 0", borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { overflowWrap: "anywhere", minWidth: 0 },
});

/** pickerPage is how many flows the picker shows at once. */
const pickerPage = 10;

/**
 * FlowPicker finds a flow in every environment (search by name, paged) and
 * offers it to onPick; watched says which flows are picked already.
 */
export function FlowPicker(props: { watched: (f: FlowRow) => boolean; onPick: (f: FlowRow) => void; busy: boolean }) {
  const s = useStyles();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [search]);
  const list = useApi<FlowList>("/flows" + q({ q: search, offset, limit: pickerPage }));
  return (
    <div>
      <form role="search" aria-label="Find a flow to watch" className={s.search}
        onSubmit={(e) => { e.preventDefault(); setSearch(text.trim()); }}>
        <Field label="Find a flow to watch" hint="Searches every environment by name.">
          <Input type="search" value={text} onChange={(_, d) => setText(d.value)} placeholder="Flow name" data-testid="picker-search" />
        </Field>
        <Button type="submit">Search</Button>
      </form>
      {list.error ? <Problem error={list.error} onRetry={list.reload} /> : !list.data ? <Spinner size="small" label="Loading flows…" /> : list.data.total === 0 ? (
        <EmptyState title={search ? `No flows match “${search}”` : "You have no flows yet"}
          why={search ? "Check the spelling; the search looks at flow names in every environment." : "Flows you own or that are shared with you appear here."}
          actions={search ? <Button onClick={() => { setText(""); setSearch(""); }}>Clear the search</Button> : undefined} />
      ) : (
        <>
          <ul className={s.list} aria-label="Flows to watch" data-testid="picker-results">
            {list.data.items.map((f) => {
              const on = props.watched(f);
              return (
                <li key={f.environmentId + "/" + f.id} className={s.row}>
                  <span className={s.name}>{f.displayName} <Caption1>· {f.environmentName}</Caption1></span>
                  <Button size="small" disabled={on || props.busy} aria-label={on ? `Watching ${f.displayName}` : `Watch ${f.displayName}`}
                    onClick={() => props.onPick(f)}>{on ? "Watching" : "Watch"}</Button>
                </li>
              );
            })}
          </ul>
          <Pager offset={offset} limit={pickerPage} total={list.data.total} onOffset={setOffset} />
        </>
      )}
    </div>
  );
}
