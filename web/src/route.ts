// Routing in the URL hash (#/flows?env=…): deep-linkable inside the Teams
// iframe, and the server only ever serves index.html at /.

export type Route =
  | { page: "dashboard"; window: "24h" | "7d" }
  | { page: "flows"; filter: FlowFilter }
  | { page: "flow"; env: string; flow: string; status: string; window?: RunWindow }
  | { page: "run"; env: string; flow: string; run: string }
  | { page: "approvals"; role: "received" | "sent"; active: boolean }
  | { page: "connections" }
  | { page: "apps" }
  | { page: "settings" };

/** RunWindow narrows a flow's run history to runs started in the last hour, day, week or 28 days. */
export type RunWindow = "1h" | "24h" | "7d" | "28d";
export const runWindows: readonly RunWindow[] = ["1h", "24h", "7d", "28d"];

export type SortKey = "name" | "environment" | "state" | "modified" | "failures";
export const sortKeys: readonly SortKey[] = ["name", "environment", "state", "modified", "failures"];
export const states = ["", "Started", "Stopped", "Suspended", "off"] as const;

/** Whose keeps every flow (""), the user's own ("mine") or those shared with them ("shared"). */
export type Whose = "" | "mine" | "shared";
export const whoses: readonly Whose[] = ["", "mine", "shared"];

/** FlowFilter is the flows grid's state; it lives in the URL. */
export interface FlowFilter {
  env: string;
  q: string;
  state: string;
  /** whose: the user's own flows, or those shared with them (someone else created them). */
  whose: Whose;
  /** person searches the owners' display names. */
  person: string;
  failing: boolean;
  /** window is how far back "failing" and the failures column look. */
  window: "24h" | "7d";
  sort: SortKey;
  desc: boolean;
  offset: number;
  limit: number;
}

export const defaultFilter: FlowFilter = {
  env: "", q: "", state: "", whose: "", person: "", failing: false, window: "24h", sort: "name", desc: false, offset: 0, limit: 50,
};

/** failuresOf is the flows grid of the flows that failed within window, most failures first. */
export function failuresOf(window: "24h" | "7d"): Route {
  return { page: "flows", filter: { ...defaultFilter, failing: true, window, sort: "failures", desc: true } };
}

/** windowLabel names a window in words: "24 hours", "7 days". */
export function windowLabel(window: "24h" | "7d"): string {
  return window === "7d" ? "7 days" : "24 hours";
}

function int(v: string | null, def: number, min: number, max: number): number {
  if (v === null || !/^\d+$/.test(v)) return def;
  return Math.min(max, Math.max(min, Number(v)));
}

/** parseFilter reads a FlowFilter from query parameters, ignoring bad values. */
export function parseFilter(p: URLSearchParams): FlowFilter {
  const sort = p.get("sort") ?? "";
  const state = p.get("state") ?? "";
  const whose = p.get("whose") ?? "";
  return {
    env: p.get("env") ?? "",
    q: p.get("q") ?? "",
    state: (states as readonly string[]).includes(state) ? state : "",
    whose: (whoses as readonly string[]).includes(whose) ? (whose as Whose) : "",
    person: [...(p.get("person") ?? "").replace(/\p{Cc}/gu, "")].slice(0, 100).join(""),
    failing: p.get("failing") === "true",
    window: p.get("window") === "7d" ? "7d" : "24h",
    sort: (sortKeys as readonly string[]).includes(sort) ? (sort as SortKey) : "name",
    desc: p.get("desc") === "true",
    offset: int(p.get("offset"), 0, 0, 100000),
    limit: int(p.get("limit"), 50, 1, 200),
  };
}

/** filterParams writes the non-default fields of a FlowFilter. */
export function filterParams(f: FlowFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.env) p.set("env", f.env);
  if (f.q) p.set("q", f.q);
  if (f.state) p.set("state", f.state);
  if (f.whose) p.set("whose", f.whose);
  if (f.person) p.set("person", f.person);
  if (f.failing) p.set("failing", "true");
  if (f.window === "7d") p.set("window", "7d");
  if (f.sort !== "name") p.set("sort", f.sort);
  if (f.desc) p.set("desc", "true");
  if (f.offset) p.set("offset", String(f.offset));
  if (f.limit !== 50) p.set("limit", String(f.limit));
  return p;
}

const seg = encodeURIComponent;

/** parseHash turns location.hash into a Route; anything unknown is the dashboard. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  const p = new URLSearchParams(query);
  let parts: string[];
  try {
    parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return { page: "dashboard", window: "24h" };
  }
  const [a, b, c, d, e] = parts;
  switch (a) {
    case "flows":
      if (b && c && d === "runs" && e) return { page: "run", env: b, flow: c, run: e };
      if (b && c) {
        const w = p.get("window") ?? "";
        const r: Route = { page: "flow", env: b, flow: c, status: p.get("status") ?? "" };
        return (runWindows as readonly string[]).includes(w) ? { ...r, window: w as RunWindow } : r;
      }
      return { page: "flows", filter: parseFilter(p) };
    case "approvals":
      return { page: "approvals", role: p.get("role") === "sent" ? "sent" : "received", active: p.get("active") !== "false" };
    case "connections":
    case "apps":
    case "settings":
      return { page: a };
    default:
      return { page: "dashboard", window: p.get("window") === "7d" ? "7d" : "24h" };
  }
}

/** hrefOf is the hash of a Route. */
export function hrefOf(r: Route): string {
  const q = (p: URLSearchParams) => (p.toString() ? "?" + p.toString() : "");
  switch (r.page) {
    case "dashboard":
      return r.window === "7d" ? "#/?window=7d" : "#/";
    case "flows":
      return "#/flows" + q(filterParams(r.filter));
    case "flow": {
      const p = new URLSearchParams();
      if (r.status) p.set("status", r.status);
      if (r.window) p.set("window", r.window);
      return `#/flows/${seg(r.env)}/${seg(r.flow)}` + q(p);
    }
    case "run":
      return `#/flows/${seg(r.env)}/${seg(r.flow)}/runs/${seg(r.run)}`;
    case "approvals": {
      const p = new URLSearchParams();
      if (r.role === "sent") p.set("role", "sent");
      if (!r.active) p.set("active", "false");
      return "#/approvals" + q(p);
    }
    default:
      return "#/" + r.page;
  }
}

/**
 * routeOfSubEntity maps a Teams deep link's subEntityId to a Route:
 * flow:<env>:<flow>, run:<env>:<flow>:<run>, approvals. Environment ids
 * hold no colon (Default-<guid> or a GUID).
 */
export function routeOfSubEntity(sub: string | undefined): Route | null {
  if (!sub) return null;
  const parts = sub.split(":");
  if (parts[0] === "approvals") return { page: "approvals", role: "received", active: true };
  if (parts[0] === "flow" && parts.length === 3 && parts[1] && parts[2]) {
    return { page: "flow", env: parts[1], flow: parts[2], status: "" };
  }
  if (parts[0] === "run" && parts.length === 4 && parts[1] && parts[2] && parts[3]) {
    return { page: "run", env: parts[1], flow: parts[2], run: parts[3] };
  }
  return null;
}
