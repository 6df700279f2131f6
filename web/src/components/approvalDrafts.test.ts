import { describe, expect, it } from "vitest";
import type { Approval } from "../types";
import { draftKey, keepRows, parseDrafts, splitKey, withDraft, withoutDraft, type Drafts } from "./approvalDrafts";
import { goneMessage } from "./ApprovalGone";

const approval = (id: string, over: Partial<Approval> = {}): Approval => ({
  environmentId: "env-1", id, title: "Approval " + id, status: "Pending", requester: { id: "r" }, options: ["Approve", "Reject"], awaitAll: false, ...over,
});

const keys = (rows: { key: string; gone: boolean }[]) => rows.map((r) => r.key + (r.gone ? " (gone)" : ""));

describe("withDraft", () => {
  it("keeps typed text, drops an emptied draft, leaves the input alone", () => {
    const d0: Drafts = {};
    const d1 = withDraft(d0, "env-1/a", "Looks good");
    expect(d1).toEqual({ "env-1/a": { comments: "Looks good" } });
    expect(d0).toEqual({});
    expect(withDraft(d1, "env-1/a", "")).toEqual({});
    expect(withDraft(d1, "env-1/a", "   ")).toEqual({ "env-1/a": { comments: "   " } });
    expect(withoutDraft(d1, "env-1/a")).toEqual({});
    expect(withoutDraft(d1, "env-1/b")).toBe(d1);
  });

  it("keeps at most 50 drafts, the latest typed", () => {
    let d: Drafts = {};
    for (let i = 0; i < 60; i++) d = withDraft(d, `env/${i}`, "x");
    d = withDraft(d, "env/10", "typed again");
    expect(Object.keys(d)).toHaveLength(50);
    expect(d["env/10"]).toEqual({ comments: "typed again" });
    expect(d["env/9"]).toBeUndefined();
    expect(d["env/59"]).toEqual({ comments: "x" });
    // The next new draft pushes out the oldest typed, not the one typed again.
    d = withDraft(d, "env/60", "x");
    expect(d["env/11"]).toBeUndefined();
    expect(d["env/10"]).toEqual({ comments: "typed again" });
  });
});

describe("parseDrafts", () => {
  it("reads only well-formed drafts", () => {
    expect(parseDrafts(null)).toEqual({});
    expect(parseDrafts("not json")).toEqual({});
    expect(parseDrafts("[1]")).toEqual({});
    expect(parseDrafts(JSON.stringify({
      "env-1/a": { comments: "kept" },
      "env-1/b": { comments: 3 },
      "no-slash": { comments: "x" },
      "env-1/c": null,
      "env-1/d": { comments: "" },
      "env-1/e": { comments: "only the text", token: "secret" },
    }))).toEqual({ "env-1/a": { comments: "kept" }, "env-1/e": { comments: "only the text" } });
  });

  it("round-trips the keys", () => {
    expect(splitKey(draftKey({ environmentId: "Default-1", id: "abc" }))).toEqual({ environmentId: "Default-1", id: "abc" });
  });
});

describe("keepRows", () => {
  const a = approval("a"), b = approval("b"), c = approval("c"), d = approval("d");

  it("shows the list as it is when nothing was typed", () => {
    const first = keepRows([], [a, b, c], {});
    expect(keys(first)).toEqual(["env-1/a", "env-1/b", "env-1/c"]);
    expect(keys(keepRows(first, [a, c], {}))).toEqual(["env-1/a", "env-1/c"]);
  });

  it("keeps an approval with a draft that left the list at its place, marked gone", () => {
    const drafts = { "env-1/b": { comments: "half-typed" } };
    const first = keepRows([], [a, b, c], drafts);
    const next = keepRows(first, [a, c, d], drafts);
    expect(keys(next)).toEqual(["env-1/a", "env-1/b (gone)", "env-1/c", "env-1/d"]);
    expect(next[1]!.approval).toBe(b);
    // Still gone on the next reload, and back as pending if listed again.
    expect(keys(keepRows(next, [a, c, d], drafts))).toEqual(["env-1/a", "env-1/b (gone)", "env-1/c", "env-1/d"]);
    expect(keys(keepRows(next, [a, b, c], drafts))).toEqual(["env-1/a", "env-1/b", "env-1/c"]);
  });

  it("keeps the draft's approval listed in its new place", () => {
    const drafts = { "env-1/c": { comments: "mine" } };
    expect(keys(keepRows(keepRows([], [a, b, c], drafts), [c, a], drafts))).toEqual(["env-1/c", "env-1/a"]);
  });

  it("drops gone approvals whose draft is empty or blank", () => {
    const first = keepRows([], [a, b], {});
    expect(keys(keepRows(first, [a], { "env-1/b": { comments: "  \n" } }))).toEqual(["env-1/a"]);
  });

  it("shows drafts kept from an earlier visit that the list no longer has, last", () => {
    const drafts = { "env-2/z": { comments: "from before the reload" }, "env-1/a": { comments: "listed" } };
    const rows = keepRows([], [a, b], drafts);
    expect(keys(rows)).toEqual(["env-1/a", "env-1/b", "env-2/z (gone)"]);
    expect(rows[2]!.approval).toBeUndefined();
  });

  it("keeps a gone row at the end when the list shrank below its place", () => {
    const drafts = { "env-1/c": { comments: "x" } };
    expect(keys(keepRows(keepRows([], [a, b, c], drafts), [a], drafts))).toEqual(["env-1/a", "env-1/c (gone)"]);
  });
});

describe("goneMessage", () => {
  const me = "me-1";
  it("says how the approval was answered, if known", () => {
    expect(goneMessage(undefined, me, false)).toMatch(/Checking how it was answered/);
    expect(goneMessage(undefined, me, true)).toMatch(/could not read how it was answered/);
    expect(goneMessage(approval("a", {
      status: "Completed", result: "Approve",
      responses: [{ responder: { id: "o", name: "Megan Bowen" }, response: "Approve" }],
    }), me, false)).toBe("Answered elsewhere — Approve (Megan Bowen: Approve). Your comment was not sent.");
    expect(goneMessage(approval("a", { status: "Completed" }), me, false)).toBe("Answered elsewhere — Completed. Your comment was not sent.");
    expect(goneMessage(approval("a", { responses: [{ responder: { id: me }, response: "Reject" }] }), me, false))
      .toBe("You answered Reject elsewhere. Your comment was not sent.");
    expect(goneMessage(approval("a"), me, false)).toMatch(/^No longer in your list/);
  });
});
