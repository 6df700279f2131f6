import {
  Badge, Body1, Button, Caption1, Card, CardHeader, Field, Link, Spinner, Tab, TabList, Textarea, Title2, makeStyles,
} from "@fluentui/react-components";
import { useState } from "react";
import { post, q, seg } from "../api";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { describeError } from "../errors";
import { when } from "../format";
import { personLabel } from "../people";
import { hrefOf } from "../route";
import type { Approval } from "../types";

const useStyles = makeStyles({
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  card: { padding: "12px" },
  text: { overflowWrap: "anywhere", whiteSpace: "pre-wrap" },
  buttons: { display: "flex", gap: "8px", flexWrap: "wrap" },
});

function Respond(props: { approval: Approval; onDone: (a: Approval) => void }) {
  const s = useStyles();
  const [comments, setComments] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const a = props.approval;
  if (a.options.length === 0) {
    // FlowDeck could not find this approval's own responses: no button that could fail.
    return (
      <Body1 as="p" data-no-options>
        Power Automate did not tell FlowDeck this approval's responses.{" "}
        {a.link ? <Link href={a.link} target="_blank" rel="noreferrer">Respond in Power Automate</Link> : "Respond in Power Automate."}
      </Body1>
    );
  }
  const send = async (response: string) => {
    setBusy(true);
    setFailure(undefined);
    try {
      props.onDone(await post<Approval>(`/approvals/${seg(a.environmentId)}/${seg(a.id)}/respond`, { response, comments }));
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Field label="Comments">
        <Textarea value={comments} onChange={(_, d) => setComments(d.value)} resize="vertical" />
      </Field>
      <div className={s.buttons}>
        {a.options.map((o) => (
          <Button key={o} disabled={busy} appearance={o === "Approve" ? "primary" : "secondary"} onClick={() => void send(o)}>{o}</Button>
        ))}
      </div>
      {failure && <span role="alert">{failure}</span>}
    </>
  );
}

function ApprovalCard(props: { approval: Approval; canRespond: boolean; locale: string }) {
  const s = useStyles();
  const [a, setA] = useState(props.approval);
  const responded = a.status !== "Pending";
  return (
    <Card className={s.card} data-approval={a.id}>
      <CardHeader header={<strong className={s.text}>{a.title}</strong>}
        description={<Caption1>from {personLabel(a.requester.name, a.requester.email)} · {when(a.createdAt, props.locale)}</Caption1>}
        action={<Badge color={responded ? "success" : "warning"}>{a.result || a.status}</Badge>} />
      {a.details && <Body1 className={s.text}>{a.details}</Body1>}
      {(a.responses ?? []).length > 0 && (
        <section aria-label="Answers">
          <Caption1>Answers</Caption1>
          <ul>
            {a.responses!.map((r, i) => (
              <li key={i} className={s.text}>
                {personLabel(r.responder.name, r.responder.email)}: <strong>{r.response}</strong>{r.comments ? ` — ${r.comments}` : ""}
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.canRespond && !responded && <Respond approval={a} onDone={setA} />}
    </Card>
  );
}

/** ApprovalsPage: received and sent approvals; respond with comments. */
export default function ApprovalsPage(props: { role: "received" | "sent"; active: boolean; locale: string }) {
  const s = useStyles();
  const list = useApi<{ approvals: Approval[]; partial?: [] }>("/approvals" + q({ role: props.role, active: String(props.active) }));
  return (
    <>
      <Title2 as="h1">Approvals</Title2>
      <TabList selectedValue={props.role + (props.active ? "" : "-done")} size="small" aria-label="Which approvals"
        onTabSelect={(_, d) => {
          const v = String(d.value);
          location.hash = hrefOf({ page: "approvals", role: v.startsWith("sent") ? "sent" : "received", active: !v.endsWith("-done") });
        }}>
        <Tab value="received">Received</Tab>
        <Tab value="sent">Sent</Tab>
        <Tab value="received-done">Received, completed</Tab>
        <Tab value="sent-done">Sent, completed</Tab>
      </TabList>
      {list.error ? <Problem error={list.error} onRetry={list.reload} /> : !list.data ? <Spinner label="Loading approvals…" /> : (
        <>
          <PartialNotice partial={list.data.partial} />
          {list.data.approvals.length === 0 ? <Body1 as="p">No approvals here.</Body1> : (
            <ul className={s.list}>
              {list.data.approvals.map((a) => (
                <li key={a.environmentId + "/" + a.id}>
                  <ApprovalCard approval={a} canRespond={props.role === "received"} locale={props.locale} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
