import {
  Badge, Body1, Button, Caption1, Card, CardHeader, Field, Link, Spinner, Tab, TabList, Textarea, Title2, makeStyles,
} from "@fluentui/react-components";
import { useEffect, useRef, useState } from "react";
import { post, q, seg } from "../api";
import { ApprovalGone } from "../components/ApprovalGone";
import { draftKey, hasText, keepRows, useApprovalDrafts, type Row } from "../components/approvalDrafts";
import { EmptyState } from "../components/EmptyState";
import { Freshness } from "../components/Freshness";
import { PartialNotice } from "../components/PartialNotice";
import { Problem } from "../components/Problem";
import { useApi } from "../components/useApi";
import { ApiError, describeError } from "../errors";
import { when } from "../format";
import { personLabel } from "../people";
import { SafeMarkdown } from "../markdown";
import { hrefOf } from "../route";
import type { Approval, Me } from "../types";

const useStyles = makeStyles({
  list: { listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: "8px" },
  card: { padding: "12px" },
  text: { overflowWrap: "anywhere", whiteSpace: "pre-wrap" },
  buttons: { display: "flex", gap: "8px", flexWrap: "wrap" },
  tabs: { flexWrap: "wrap" },
});

/**
 * Respond is a pending approval's comment box and response buttons; the comment is the page's draft.
 * onAnswered is called when Power Automate says the approval was already completed elsewhere.
 */
function Respond(props: {
  approval: Approval; comments: string; onComments: (c: string) => void; onDone: (a: Approval) => void; onAnswered?: () => void;
}) {
  const s = useStyles();
  const comments = props.comments;
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
      // Completed elsewhere: read the list again, so the card says what
      // happened and keeps the comment, without waiting for a Refresh.
      if (e instanceof ApiError && e.status === 409) props.onAnswered?.();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Field label="Comments">
        <Textarea value={comments} onChange={(_, d) => props.onComments(d.value)} resize="vertical" />
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

const who = (p: { name?: string; email?: string; id: string }) => personLabel(p.name, p.email);

/** Answers lists every approver with their answer so far (sent approvals). */
function Answers(props: { approval: Approval; meId?: string }) {
  const s = useStyles();
  const a = props.approval;
  const responses = a.responses ?? [];
  const approvers = a.approvers ?? [];
  // Approvers in order, then anyone who answered without being listed (reassigned).
  const rows = [
    ...approvers.map((p) => ({ p, r: responses.find((r) => r.responder.id === p.id) })),
    ...responses.filter((r) => !approvers.some((p) => p.id === r.responder.id)).map((r) => ({ p: r.responder, r })),
  ];
  if (rows.length === 0) return null;
  return (
    <section aria-label={`Answers to ${a.title}`}>
      <Caption1>{a.awaitAll ? "Everyone must answer. Answers so far" : "Answers"}</Caption1>
      <ul>
        {rows.map(({ p, r }, i) => (
          <li key={p.id + i} className={s.text} data-approver-answer={r ? r.response : ""}>
            {who(p)}{p.id === props.meId ? " (you)" : ""}: {r ? <strong>{r.response}</strong> : "not answered yet"}
            {r?.comments ? ` — ${r.comments}` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** CardDraft is a received pending approval's draft comment, kept by the page across reloads. */
interface CardDraft {
  comments: string;
  set: (c: string) => void;
  /** sent forgets the draft once the answer went through. */
  sent: () => void;
}

function ApprovalCard(props: {
  approval: Approval; listedAt?: number; canRespond: boolean; meId?: string; locale: string; draft?: CardDraft;
  /** onAnswered reads the list again when the approval turns out to be completed elsewhere. */
  onAnswered?: () => void;
}) {
  const s = useStyles();
  // The card stays mounted across reloads of the list (so that a comment
  // being typed keeps its focus and caret): it shows the listed approval,
  // or the answer just sent (with everyone's responses) until the list and
  // the approval's answers are read again.
  const [sent, setSent] = useState<{ a: Approval; listedAt?: number; at: number }>();
  const approval = props.approval;
  const detailPath = !props.canRespond || (approval.awaitAll && approval.status === "Pending") ?
    `/approvals/${seg(approval.environmentId)}/${seg(approval.id)}` : null;
  const detail = useApi<Approval>(detailPath);
  const answeredHere = !!sent && (sent.listedAt === props.listedAt || (detail.fetchedAt ?? 0) <= sent.at);
  const a = answeredHere ? sent.a : approval;
  const responded = a.status !== "Pending";
  // The lists carry no responses: sent approvals, and "everyone must approve"
  // ones still pending, read theirs (who answered what so far).
  const needDetail = !props.canRespond || (a.awaitAll && !responded);
  // A reload of the list reads the answers again too.
  const seen = useRef(props.listedAt);
  const reloadDetail = detail.reload;
  useEffect(() => {
    if (seen.current === props.listedAt) return;
    seen.current = props.listedAt;
    if (detailPath !== null) reloadDetail();
  }, [props.listedAt, detailPath, reloadDetail]);
  // Names come from the list (its approvers carry them); answers from the detail.
  const full: Approval = detail.data && !answeredHere ? { ...a, responses: detail.data.responses, approvers: a.approvers?.length ? a.approvers : detail.data.approvers } : a;
  const mine = props.meId ? (full.responses ?? []).find((r) => r.responder.id === props.meId) : undefined;
  return (
    <Card className={s.card} data-approval={a.id}>
      <CardHeader header={<strong className={s.text}>{a.title}</strong>}
        description={<Caption1>from {personLabel(a.requester.name, a.requester.email)} · {when(a.createdAt, props.locale)}</Caption1>}
        action={<Badge color={responded ? "success" : "warning"}>{a.result || a.status}</Badge>} />
      {a.details && <SafeMarkdown className={s.text} text={a.details} />}
      {needDetail && !detail.data && !detail.error && !props.canRespond ? <Spinner size="tiny" label="Loading the answers…" /> :
        (full.responses ?? []).length > 0 || !props.canRespond ? <Answers approval={full} meId={props.meId} /> : null}
      {props.canRespond && !responded && (
        mine ? (
          <Body1 as="p" data-answered={mine.response}>
            You answered <strong>{mine.response}</strong>{a.awaitAll ? "; the approval waits for the other approvers." : "."}
          </Body1>
        ) : needDetail && !detail.error && (!detail.data || !props.meId) ? (
          <Spinner size="tiny" label="Checking who has answered…" />
        ) : (
          <Respond approval={a} comments={props.draft?.comments ?? ""} onComments={(c) => props.draft?.set(c)}
            onDone={(done) => { props.draft?.sent(); setSent({ a: done, listedAt: props.listedAt, at: Date.now() }); }}
            onAnswered={props.onAnswered} />
        )
      )}
    </Card>
  );
}

/** ApprovalList is GET /api/approvals' answer. */
type ApprovalList = { approvals: Approval[]; partial?: [] };

/** ApprovalsPage: received and sent approvals; respond with comments, kept as drafts until sent. */
export default function ApprovalsPage(props: { role: "received" | "sent"; active: boolean; locale: string }) {
  const s = useStyles();
  const list = useApi<ApprovalList>("/approvals" + q({ role: props.role, active: String(props.active) }));
  const me = useApi<Me>("/me");
  const drafts = useApprovalDrafts();
  // What the user typed outlives reloads: pending approvals that left the
  // list with a draft stay where they were, marked answered elsewhere.
  const keeping = props.role === "received" && props.active;
  const [shown, setShown] = useState<{ data?: ApprovalList; keeping: boolean; rows: Row[] }>({ keeping, rows: [] });
  if (list.data !== shown.data || keeping !== shown.keeping) {
    const approvals = list.data?.approvals ?? [];
    setShown({
      data: list.data, keeping,
      rows: keeping ? keepRows(shown.keeping ? shown.rows : [], approvals, drafts.drafts) : approvals.map((a) => ({ key: draftKey(a), approval: a, gone: false })),
    });
  }
  const rows = shown.rows.filter((r) => !r.gone || hasText(drafts.drafts[r.key]));
  const meId = me.data?.user.id;
  return (
    <>
      <Title2 as="h1">Approvals</Title2>
      <TabList className={s.tabs} selectedValue={props.role + (props.active ? "" : "-done")} size="small" aria-label="Which approvals"
        onTabSelect={(_, d) => {
          const v = String(d.value);
          location.hash = hrefOf({ page: "approvals", role: v.startsWith("sent") ? "sent" : "received", active: !v.endsWith("-done") });
        }}>
        <Tab value="received">Received</Tab>
        <Tab value="sent">Sent</Tab>
        <Tab value="received-done">Received, completed</Tab>
        <Tab value="sent-done">Sent, completed</Tab>
      </TabList>
      <Freshness fetchedAt={list.fetchedAt} loading={list.loading} onRefresh={list.reload} what="approvals" />
      {list.error ? <Problem error={list.error} onRetry={list.reload} /> : !list.data ? <Spinner label="Loading approvals…" /> : (
        <>
          <PartialNotice partial={list.data.partial} />
          {rows.length === 0 ? <ApprovalsEmpty role={props.role} active={props.active} /> : (
            <ul className={s.list}>
              {rows.map((r) => (
                // Keyed by the approval alone: a Refresh updates each card in place.
                <li key={r.key + (r.gone ? "#gone" : "")}>
                  {r.gone || !r.approval ? (
                    <ApprovalGone draftKey={r.key} approval={r.approval} comments={drafts.drafts[r.key]?.comments ?? ""} meId={meId}
                      onDiscard={() => drafts.drop(r.key)} />
                  ) : (
                    <ApprovalCard approval={r.approval} listedAt={list.fetchedAt} canRespond={props.role === "received"} meId={meId} locale={props.locale}
                      onAnswered={list.reload}
                      draft={props.role === "received" ? {
                        comments: drafts.drafts[r.key]?.comments ?? "",
                        set: (c) => drafts.set(r.key, c),
                        sent: () => drafts.drop(r.key),
                      } : undefined} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

/** ApprovalsEmpty says why a tab of approvals is empty and where to look instead. */
function ApprovalsEmpty(props: { role: "received" | "sent"; active: boolean }) {
  const other = (role: "received" | "sent", active: boolean, label: string) => (
    <Link href={hrefOf({ page: "approvals", role, active })}>{label}</Link>
  );
  if (props.role === "received" && props.active) {
    return (
      <EmptyState testId="empty-approvals" title="No approvals are waiting for you"
        why="Approvals that flows send to you appear here, and in your chat with FlowDeck, until you answer them."
        actions={other("received", false, "See the ones you answered")} />
    );
  }
  if (props.role === "received") {
    return (
      <EmptyState testId="empty-approvals" title="No completed approvals sent to you"
        why="Approvals sent to you appear here once they are answered or cancelled."
        actions={other("received", true, "See the ones waiting for you")} />
    );
  }
  if (props.active) {
    return (
      <EmptyState testId="empty-approvals" title="None of your approvals is waiting for an answer"
        why="Approvals that your flows send to others appear here until everyone who must answer has."
        actions={other("sent", false, "See your completed approvals")} />
    );
  }
  return (
    <EmptyState testId="empty-approvals" title="None of your approvals is completed yet"
      why="Approvals that your flows sent appear here once they are answered or cancelled."
      actions={other("sent", true, "See the ones still waiting")} />
  );
}
