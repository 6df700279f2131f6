import { describe, expect, it } from "vitest";
import { duration, size } from "./duration";

describe("duration", () => {
  it("names spans as the run history does", () => {
    const t = "2026-12-05T03:00:00Z";
    expect(duration(t, "2026-12-05T03:00:00.850Z")).toBe("850 ms");
    expect(duration(t, "2026-12-05T03:00:12Z")).toBe("12 s");
    expect(duration(t, "2026-12-05T03:03:04Z")).toBe("3 min 4 s");
    expect(duration(t, "2026-12-05T05:05:00Z")).toBe("2 h 5 min");
  });
  it("is empty when unknown or backwards", () => {
    expect(duration("2026-12-05T03:00:00Z", undefined)).toBe("");
    expect(duration("2026-12-05T03:00:00Z", "2026-12-05T02:00:00Z")).toBe("");
    expect(duration("nonsense", "2026-12-05T02:00:00Z")).toBe("");
  });
  it("sizes bytes", () => {
    expect(size(950)).toBe("950 bytes");
    expect(size(65536)).toBe("64 KB");
    expect(size(1572864)).toBe("1.5 MB");
  });
});
