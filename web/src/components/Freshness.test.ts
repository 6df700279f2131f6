import { describe, expect, it } from "vitest";
import { age } from "./Freshness";

describe("age", () => {
  it("counts seconds, then minutes, then hours", () => {
    expect(age(0)).toBe("0 s ago");
    expect(age(-5)).toBe("0 s ago");
    expect(age(59_999)).toBe("59 s ago");
    expect(age(60_000)).toBe("1 min ago");
    expect(age(3_599_000)).toBe("59 min ago");
    expect(age(7_200_000)).toBe("2 h ago");
  });
});
