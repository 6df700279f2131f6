// Dates and small labels.

/** when formats an ISO time for people, or "" when absent. */
export function when(iso: string | undefined, locale?: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** stateLabel names a flow state. */
export function stateLabel(state: string): string {
  switch (state) {
    case "Started":
      return "On";
    case "Stopped":
      return "Off";
    case "Suspended":
      return "Suspended";
    default:
      return state;
  }
}

/** plural is "1 run" / "2 runs". */
export function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
