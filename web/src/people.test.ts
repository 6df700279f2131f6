import { describe, expect, it } from "vitest";
import { personLabel, shortId, someone } from "./people";

describe("people", () => {
  it("prefers the display name, then the address", () => {
    expect(personLabel("Megan Bowen", "megan@contoso.com")).toBe("Megan Bowen");
    expect(personLabel("", "megan@contoso.com")).toBe("megan@contoso.com");
  });
  it("never shows an empty name", () => {
    expect(personLabel(undefined, undefined)).toBe(someone);
    expect(personLabel("  ", "")).toBe(someone);
  });
  it("shortens object ids", () => {
    expect(shortId("a1b2c3d4-0001-4a5b-8c9d-000000000001")).toBe("a1b2c3d4…");
    expect(shortId(undefined)).toBe("");
  });
});
