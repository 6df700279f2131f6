// The runs selected on a flow's page, kept across its pages of runs.
import type { Run } from "./types";

/** MAX_JOB_RUNS is the most runs one bulk job takes (ops.MaxJobRuns). */
export const MAX_JOB_RUNS = 1000;

/** Selection is the selected runs by id, each with the page it was picked on. */
export type Selection = Record<string, { run: Run; page: number }>;

/** toggleRuns adds (on) or removes runs picked on page; adding stops at MAX_JOB_RUNS. */
export function toggleRuns(sel: Selection, runs: Run[], page: number, on: boolean): Selection {
  const next = { ...sel };
  for (const r of runs) {
    if (!on) delete next[r.id];
    else if (!next[r.id] && Object.keys(next).length < MAX_JOB_RUNS) next[r.id] = { run: r, page };
  }
  return next;
}

/** selectionText is the visible count: "12 runs selected across 3 pages". */
export function selectionText(sel: Selection): string {
  const items = Object.values(sel);
  const n = items.length;
  const pages = new Set(items.map((x) => x.page)).size;
  const runs = `${n.toLocaleString("en")} ${n === 1 ? "run" : "runs"} selected`;
  const text = pages > 1 ? `${runs} across ${pages} pages` : runs;
  return n >= MAX_JOB_RUNS ? `${text}: the most one job takes` : text;
}

/** newKey is a fresh idempotency key (a guid) for one confirmation. */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
