import { Badge, Body1, Button, Caption1, Card, CardHeader, Field, Textarea, makeStyles } from "@fluentui/react-components";
import { useRef, useState } from "react";
import { seg } from "../api";
import { describeError } from "../errors";
import { personLabel } from "../people";
import type { Approval } from "../types";
import { splitKey } from "./approvalDrafts";
import { useApi } from "./useApi";

const useStyles = makeStyles({
  card: { padding: "12px" },
  text: { overflowWrap: "anywhere", whiteSpace: "pre-wrap" },
  buttons: { display: "flex", gap: "8px", flexWrap: "wrap", alignItems: "center" },
});

/** goneMessage says what became of an approval that left the pending list. */
export function goneMessage(a: Approval | undefined, meId: string | undefined, failed: boolean): string {
  if (!a) {
    return failed ? "No longer waiting for you here. FlowDeck could not read how it was answered."
      : "No longer waiting for you here. Checking how it was answered…";
  }
  const mine = meId ? (a.responses ?? []).find((r) => r.responder.id === meId) : undefined;
  const by = (a.responses ?? []).map((r) => `${personLabel(r.responder.name, r.responder.email)}: ${r.response}`).join("; ");
  if (a.status !== "Pending") {
    return `Answered elsewhere — ${a.result || a.status}${by ? ` (${by})` : ""}. Your comment was not sent.`;
  }
  if (mine) return `You answered ${mine.response} elsewhere. Your comment was not sent.`;
  return "No longer in your list (reassigned, or FlowDeck could not read its environment just now). Your comment is kept: Refresh to try again.";
}

/**
 * ApprovalGone stands where a pending approval was when the user had typed a
 * comment for it and a reload no longer lists it (answered from its Teams
 * card, by another approver, or elsewhere): what became of it, the comment
 * read-only with a way to copy it, and Discard.
 */
export function ApprovalGone(props: { draftKey: string; approval?: Approval; comments: string; meId?: string; onDiscard: () => void }) {
  const s = useStyles();
  const { environmentId, id } = props.approval ?? splitKey(props.draftKey);
  const detail = useApi<Approval>(`/approvals/${seg(environmentId)}/${seg(id)}`);
  const [copied, setCopied] = useState<string>();
  const box = useRef<HTMLTextAreaElement>(null);
  const a = detail.data;
  const known = a ?? props.approval;
  const title = known?.title ?? "An approval you were answering";
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.comments);
      setCopied("Comment copied.");
    } catch {
      // The clipboard may be refused inside Teams: select the text instead.
      box.current?.focus();
      box.current?.select();
      setCopied("Selected: press Ctrl+C (⌘C on a Mac) to copy it.");
    }
  };
  return (
    <Card className={s.card} data-approval={id} data-gone>
      <CardHeader header={<strong className={s.text}>{title}</strong>}
        description={known ? <Caption1>from {personLabel(known.requester.name, known.requester.email)}</Caption1> : undefined}
        action={<Badge color={a && a.status !== "Pending" ? "success" : "informative"}>{a ? (a.result || a.status) : "Not pending"}</Badge>} />
      <Body1 as="p" role="status" className={s.text} data-gone-message>
        {goneMessage(a, props.meId, !!detail.error && !a)}
        {detail.error && !a ? ` ${describeError(detail.error)}` : ""}
      </Body1>
      <Field label="Your comment (not sent)">
        <Textarea ref={box} readOnly value={props.comments} resize="vertical" />
      </Field>
      <div className={s.buttons}>
        <Button onClick={() => void copy()}>Copy comment</Button>
        <Button appearance="subtle" onClick={props.onDiscard}>Discard</Button>
        <Caption1 aria-live="polite">{copied ?? ""}</Caption1>
      </div>
    </Card>
  );
}
