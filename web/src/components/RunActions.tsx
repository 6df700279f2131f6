import { Button, Caption1, MessageBar, MessageBarBody, ProgressBar } from "@fluentui/react-components";
import { useState } from "react";
import { post, seg } from "../api";
import { describeCode, describeError } from "../errors";
import { plural } from "../format";
import type { RunResult } from "../types";
import { Confirm } from "./Confirm";

type Verb = "resubmit" | "cancel";

/** RunActions resubmits or cancels the selected runs: confirm, progress, a result per run. */
export function RunActions(props: { env: string; flow: string; selected: string[]; onDone: () => void }) {
  const [asking, setAsking] = useState<Verb>();
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<{ verb: Verb; results: RunResult[] }>();
  const [failure, setFailure] = useState<string>();
  const n = props.selected.length;

  const run = async (verb: Verb) => {
    setAsking(undefined);
    setBusy(true);
    setFailure(undefined);
    setResults(undefined);
    try {
      const r = await post<{ results: RunResult[] }>(
        `/flows/${seg(props.env)}/${seg(props.flow)}/runs/${verb}`, { runIds: props.selected });
      setResults({ verb, results: r.results });
      props.onDone();
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const ok = results?.results.filter((r) => r.ok).length ?? 0;
  return (
    <section aria-label="Selected runs">
      <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
        <Caption1 aria-live="polite" data-testid="selected-count">{plural(n, "run")} selected</Caption1>
        <Button disabled={n === 0 || busy} onClick={() => setAsking("resubmit")}>Resubmit</Button>
        <Button disabled={n === 0 || busy} onClick={() => setAsking("cancel")}>Cancel runs</Button>
      </div>
      {busy && <ProgressBar aria-label="Working on the selected runs" />}
      {failure && <MessageBar intent="error"><MessageBarBody>{failure}</MessageBarBody></MessageBar>}
      {results && (
        <MessageBar intent={ok === results.results.length ? "success" : "warning"} layout="multiline">
          <MessageBarBody>
            <div role="status" data-testid="bulk-results">
              {results.verb === "resubmit" ? "Resubmitted" : "Cancelled"} {ok} of {plural(results.results.length, "run")}.
              <ul>
                {results.results.map((r) => (
                  <li key={r.runId}>{r.runId}: {r.ok ? "done" : describeCode(r.code, r.message)}</li>
                ))}
              </ul>
            </div>
          </MessageBarBody>
        </MessageBar>
      )}
      <Confirm open={asking !== undefined}
        title={asking === "cancel" ? `Cancel ${plural(n, "run")}?` : `Resubmit ${plural(n, "run")}?`}
        confirm={asking === "cancel" ? "Cancel runs" : "Resubmit"}
        onCancel={() => setAsking(undefined)} onConfirm={() => asking && void run(asking)}>
        {asking === "cancel"
          ? "Running runs stop where they are. This cannot be undone."
          : "Each run starts again with its original trigger input."}
      </Confirm>
    </section>
  );
}
