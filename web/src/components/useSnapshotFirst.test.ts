import { describe, expect, it } from "vitest";
import { gatheredAt, showSnapshot, withFlag } from "./useSnapshotFirst";

describe("withFlag", () => {
  it("adds the flag to the query", () => {
    expect(withFlag("/flows?failing=true", "snapshot")).toBe("/flows?failing=true&snapshot=true");
    expect(withFlag("/flows?", "refresh")).toBe("/flows?&refresh=true");
    expect(withFlag("/flows", "refresh")).toBe("/flows?refresh=true");
  });
});

describe("gatheredAt", () => {
  it("is the answer's asOf, else now", () => {
    expect(gatheredAt({ asOf: "2026-01-01T00:00:00Z" }, 5)).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(gatheredAt({}, 5)).toBe(5);
    expect(gatheredAt({ asOf: "not a time" }, 5)).toBe(5);
  });
});

describe("showSnapshot", () => {
  it("shows a kept answer only while the live one is on its way", () => {
    expect(showSnapshot({ fromSnapshot: true }, "loading")).toBe(true);
    expect(showSnapshot({ fromSnapshot: true }, "done")).toBe(false);
    expect(showSnapshot({ fromSnapshot: false }, "loading")).toBe(false);
    expect(showSnapshot({}, "loading")).toBe(false);
  });
});
