import { describe, expect, it } from "vitest";
import { MAX_JOB_RUNS, newKey, selectionText, toggleRuns, type Selection } from "./selection";
import type { Run } from "./types";

const run = (i: number): Run => ({ environmentId: "e", flowId: "f", id: `RUN${String(i).padStart(10, "0")}`, status: "Failed" });

describe("selection across pages", () => {
  it("counts runs and the pages they were picked on", () => {
    let s: Selection = {};
    s = toggleRuns(s, [run(1), run(2)], 0, true);
    expect(selectionText(s)).toBe("2 runs selected");
    s = toggleRuns(s, [run(3)], 1, true);
    s = toggleRuns(s, [run(4)], 2, true);
    expect(selectionText(s)).toBe("4 runs selected across 3 pages");
    s = toggleRuns(s, [run(3), run(4)], 1, false);
    expect(selectionText(s)).toBe("2 runs selected");
    expect(selectionText(toggleRuns({}, [run(9)], 0, true))).toBe("1 run selected");
  });
  it("stops at the job's limit", () => {
    const many = Array.from({ length: MAX_JOB_RUNS + 5 }, (_, i) => run(i));
    const full = toggleRuns({}, many, 0, true);
    expect(Object.keys(full)).toHaveLength(MAX_JOB_RUNS);
    expect(selectionText(full)).toBe("1,000 runs selected: the most one job takes");
  });
  it("makes a guid per confirmation", () => {
    const a = newKey(), b = newKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
