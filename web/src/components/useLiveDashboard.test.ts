import { describe, expect, it } from "vitest";
import type { Dashboard, FailingFlow } from "../types";
import { merge } from "./useLiveDashboard";

const flow = (env: string, id: string, start: string, count: number): FailingFlow =>
  ({ flow: { environmentId: env, id, displayName: id, state: "Started" }, environmentName: env, count, more: false,
    latest: { id: "r", flowId: id, environmentId: env, status: "Failed", startTime: start }, trend: [] }) as unknown as FailingFlow;

const base: Dashboard = { window: "24h", since: "", failing: [], off: null, brokenConnections: null, pendingApprovals: null, asOf: "", fromSnapshot: true };

describe("merge", () => {
  it("adds a streamed flow, newest failure first", () => {
    const d = merge(merge(base, flow("e", "a", "2026-01-01T01:00:00Z", 1)), flow("e", "b", "2026-01-01T02:00:00Z", 2));
    expect(d.failing.map((f) => f.flow.id)).toEqual(["b", "a"]);
  });
  it("replaces the snapshot's row of the same flow", () => {
    const d = merge({ ...base, failing: [flow("e", "a", "2026-01-01T01:00:00Z", 1)] }, flow("e", "a", "2026-01-01T03:00:00Z", 5));
    expect(d.failing).toHaveLength(1);
    expect(d.failing[0]?.count).toBe(5);
  });
});
