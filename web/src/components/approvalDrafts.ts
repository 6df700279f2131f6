import { useCallback, useState } from "react";
import type { Approval } from "../types";

// Drafts of answers to pending approvals: the comment an approver is typing
// survives Refresh, any reload of the list, and (through sessionStorage) a
// reload of the tab. Only the text is kept, keyed by environment and
// approval id: no token, no other data.

/** Draft is what the approver has typed for one approval so far. */
export interface Draft {
  comments: string;
}

/** Drafts maps draftKey(approval) to its draft. */
export type Drafts = Record<string, Draft>;

/** Row is one card of the received approvals list. */
export interface Row {
  key: string;
  /** The approval as last listed; absent for a draft kept from an earlier visit. */
  approval?: Approval;
  /** gone: the approval has a draft but is no longer in the pending list. */
  gone: boolean;
}

/** storeKey is the sessionStorage item holding the drafts. */
export const storeKey = "flowdeck.approvalDrafts";

/** maxDrafts bounds how many drafts are kept (the oldest go first). */
const maxDrafts = 50;

/** maxCommentChars bounds a kept comment (well above what the server accepts). */
const maxCommentChars = 10_000;

/** draftKey keys an approval's draft by its environment and id. */
export const draftKey = (a: { environmentId: string; id: string }) => a.environmentId + "/" + a.id;

/** hasText: the draft holds something worth keeping. */
export const hasText = (d: Draft | undefined): d is Draft => !!d && d.comments.trim() !== "";

/** withDraft returns drafts with key's draft set to comments, or removed when empty. */
export function withDraft(drafts: Drafts, key: string, comments: string): Drafts {
  const next: Drafts = { ...drafts };
  delete next[key];
  if (comments !== "") next[key] = { comments: comments.slice(0, maxCommentChars) };
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - maxDrafts))) delete next[k];
  return next;
}

/** withoutDraft returns drafts without key's draft. */
export function withoutDraft(drafts: Drafts, key: string): Drafts {
  if (!(key in drafts)) return drafts;
  const next: Drafts = { ...drafts };
  delete next[key];
  return next;
}

/** parseDrafts reads stored drafts, keeping only well-formed ones. */
export function parseDrafts(raw: string | null): Drafts {
  if (!raw) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  let out: Drafts = {};
  for (const [k, d] of Object.entries(v as Record<string, unknown>)) {
    const c = (d as { comments?: unknown } | null)?.comments;
    if (/^[^/]+\/[^/]+$/.test(k) && typeof c === "string" && c !== "") out = withDraft(out, k, c);
  }
  return out;
}

/**
 * keepRows is the list to show after the pending approvals were (re)listed as
 * next, given the rows shown before: next's approvals in its order, and every
 * approval of prev that left the list while holding a draft kept at its place
 * (marked gone), so that nothing typed disappears and the rows around it do
 * not move. Drafts of approvals neither listed nor shown before (kept from an
 * earlier visit) come last.
 */
export function keepRows(prev: Row[], next: Approval[], drafts: Drafts): Row[] {
  const rows: Row[] = next.map((a) => ({ key: draftKey(a), approval: a, gone: false }));
  const listed = new Set(rows.map((r) => r.key));
  prev.forEach((r, i) => {
    if (listed.has(r.key) || !hasText(drafts[r.key])) return;
    rows.splice(Math.min(i, rows.length), 0, { key: r.key, approval: r.approval, gone: true });
    listed.add(r.key);
  });
  for (const k of Object.keys(drafts)) {
    if (!listed.has(k) && hasText(drafts[k])) rows.push({ key: k, gone: true });
  }
  return rows;
}

/** splitKey returns the environment and approval id of a draft key. */
export function splitKey(key: string): { environmentId: string; id: string } {
  const i = key.indexOf("/");
  return { environmentId: key.slice(0, i), id: key.slice(i + 1) };
}

function load(): Drafts {
  try {
    return parseDrafts(sessionStorage.getItem(storeKey));
  } catch {
    return {};
  }
}

function save(d: Drafts) {
  try {
    if (Object.keys(d).length === 0) sessionStorage.removeItem(storeKey);
    else sessionStorage.setItem(storeKey, JSON.stringify(d));
  } catch {
    // Storage full or refused: the drafts stay in memory.
  }
}

/** ApprovalDrafts is useApprovalDrafts' answer. */
export interface ApprovalDrafts {
  drafts: Drafts;
  /** set keeps key's comment (an empty one removes the draft). */
  set: (key: string, comments: string) => void;
  /** drop forgets key's draft (sent, or discarded). */
  drop: (key: string) => void;
}

/** useApprovalDrafts keeps the drafts in state, mirrored to sessionStorage. */
export function useApprovalDrafts(): ApprovalDrafts {
  const [drafts, setDrafts] = useState<Drafts>(load);
  const set = useCallback((key: string, comments: string) => {
    setDrafts((d) => {
      const next = withDraft(d, key, comments);
      save(next);
      return next;
    });
  }, []);
  const drop = useCallback((key: string) => {
    setDrafts((d) => {
      const next = withoutDraft(d, key);
      save(next);
      return next;
    });
  }, []);
  return { drafts, set, drop };
}
