// FlowDeck's tab API: every call carries the Teams SSO token.
import { ApiError } from "./errors";
import { token } from "./teams";
import type { ApiErrorBody } from "./types";

/** call sends one request to /api and decodes the JSON answer. */
export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, cache?: RequestCache): Promise<T> {
  const bearer = await token();
  const headers: Record<string, string> = { Authorization: `Bearer ${bearer}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch("api" + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    cache,
    credentials: "same-origin",
  });
  const text = await resp.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!resp.ok) {
    const e = (data ?? {}) as Partial<ApiErrorBody>;
    throw new ApiError(resp.status, e.code ?? "internal", e.message ?? "", e.detail ?? {});
  }
  return data as T;
}

/** get reads path; fresh skips the browser's cache (a Refresh asks the server again). */
export const get = <T>(path: string, signal?: AbortSignal, fresh = false) =>
  call<T>("GET", path, undefined, signal, fresh ? "no-cache" : undefined);
export const post = <T>(path: string, body: unknown = {}) => call<T>("POST", path, body);
export const put = <T>(path: string, body: unknown) => call<T>("PUT", path, body);
export const del = <T>(path: string) => call<T>("DELETE", path);

/** q builds a query string from the set values. */
export function q(params: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== "" && v !== false) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? "?" + s : "";
}

/** seg escapes one path segment. */
export const seg = encodeURIComponent;
