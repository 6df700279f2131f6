import { describe, expect, it } from "vitest";
import { defaultFilter, failuresOf, filterParams, hrefOf, parseFilter, parseHash, routeOfSubEntity } from "./route";

describe("flow filter in the URL", () => {
  it("round-trips every field", () => {
    const f = { env: "Default-1", q: "a b&c", state: "off", whose: "shared" as const, person: "Megan B", failing: true, window: "7d" as const, sort: "failures" as const, desc: true, offset: 100, limit: 25 };
    expect(parseFilter(filterParams(f))).toEqual(f);
    expect(parseHash(hrefOf({ page: "flows", filter: f }))).toEqual({ page: "flows", filter: f });
  });
  it("writes nothing for the default filter", () => {
    expect(filterParams(defaultFilter).toString()).toBe("");
    expect(hrefOf({ page: "flows", filter: defaultFilter })).toBe("#/flows");
  });
  it("ignores bad values", () => {
    const f = parseFilter(new URLSearchParams("sort=evil&state=<x>&offset=-3&limit=99999&failing=yes&whose=everyone"));
    expect(f).toEqual({ ...defaultFilter, limit: 200 });
    expect(parseFilter(new URLSearchParams("person=%00Me%0Agan" + "x".repeat(200))).person).toBe("Megan" + "x".repeat(95));
  });
});

describe("failure lists", () => {
  it("keep the dashboard's window", () => {
    expect(hrefOf(failuresOf("7d"))).toBe("#/flows?failing=true&window=7d&sort=failures&desc=true");
    expect(hrefOf(failuresOf("24h"))).toBe("#/flows?failing=true&sort=failures&desc=true");
    expect(parseHash(hrefOf(failuresOf("7d")))).toEqual(failuresOf("7d"));
  });
});

describe("routes", () => {
  it("decodes path segments", () => {
    expect(parseHash("#/flows/Default-1/f%2F1/runs/r1")).toEqual({ page: "run", env: "Default-1", flow: "f/1", run: "r1" });
    expect(parseHash("#/flows/e/f?status=Failed")).toEqual({ page: "flow", env: "e", flow: "f", status: "Failed" });
    expect(parseHash("#/flows/e/f?status=Failed&window=7d")).toEqual({ page: "flow", env: "e", flow: "f", status: "Failed", window: "7d" });
    expect(parseHash("#/flows/e/f?window=2d")).toEqual({ page: "flow", env: "e", flow: "f", status: "" });
    expect(hrefOf({ page: "flow", env: "e", flow: "f", status: "Failed", window: "24h" })).toBe("#/flows/e/f?status=Failed&window=24h");
  });
  it("falls back to the dashboard", () => {
    expect(parseHash("")).toEqual({ page: "dashboard", window: "24h" });
    expect(parseHash("#/nope/%E0")).toEqual({ page: "dashboard", window: "24h" });
    expect(parseHash("#/?window=7d")).toEqual({ page: "dashboard", window: "7d" });
  });
  it("maps Teams deep links", () => {
    expect(routeOfSubEntity("flow:Default-1:f1")).toEqual({ page: "flow", env: "Default-1", flow: "f1", status: "" });
    expect(routeOfSubEntity("run:e:f:r")).toEqual({ page: "run", env: "e", flow: "f", run: "r" });
    expect(routeOfSubEntity("approvals")).toEqual({ page: "approvals", role: "received", active: true });
    expect(routeOfSubEntity("flow:only")).toBeNull();
    expect(routeOfSubEntity(undefined)).toBeNull();
  });
});
