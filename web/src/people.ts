// How the tab names people. Power Automate names them by object id; the
// server adds display names it could read from Microsoft Graph
// (User.ReadBasic.All). Without a name the tab says "someone in your
// organisation" and keeps a shortened id for a tooltip, never a bare GUID.

export const someone = "someone in your organisation";

/** The name to show for a person: their name, else their address, else `someone`. */
export function personLabel(name?: string, email?: string): string {
  return name?.trim() || email?.trim() || someone;
}

/** A shortened object id for a tooltip: "1a2b3c4d…". */
export function shortId(id?: string): string {
  if (!id) return "";
  return id.length > 9 ? id.slice(0, 8) + "…" : id;
}
