// What the user reads when something fails: one sentence, never a stack.

/** ApiError is a non-2xx answer of FlowDeck's API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** consentUrl is where the user can grant what is missing, if anywhere. */
  get consentUrl(): string | undefined {
    return this.detail["consent_url"] || this.detail["signin_url"] || undefined;
  }

  /** adminConsentUrl is the tenant's admin-consent link, when a permission FlowDeck lacks refused the action. */
  get adminConsentUrl(): string | undefined {
    return this.detail["admin_consent_url"] || undefined;
  }
}

/**
 * adminRequest is the sentence a user forwards to their administrator when
 * only an administrator can grant what an error says is missing (the cards'
 * cards.AdminRequest, word for word), or undefined when the error carries no
 * admin-consent link.
 */
export function adminRequest(err: unknown): string | undefined {
  if (!(err instanceof ApiError) || !err.adminConsentUrl) return undefined;
  const perms = err.detail["permission"]
    ? [err.detail["permission"]]
    : (err.detail["missing_scopes"] ?? "")
        .split(" ")
        .filter(Boolean)
        .map((s) => s.slice(s.lastIndexOf("/") + 1));
  const what = perms.length === 1 ? "this permission" : "these permissions";
  let list = perms.join(", ") || "the permissions it asks for";
  if (err.detail["audience_name"]) list += ` (${err.detail["audience_name"]})`;
  return `Please grant FlowDeck ${what} for our organization: ${list}. Link: ${err.adminConsentUrl}`;
}

/** needsConsent reports whether an error is fixed by the Grant access flow. */
export function needsConsent(err: unknown): boolean {
  return err instanceof ApiError && (err.code === "consent_required" || err.code === "interaction_required");
}

const sentences: Record<string, string> = {
  consent_required: "FlowDeck needs your permission to reach this service.",
  interaction_required: "Microsoft needs you to sign in again (for example for multi-factor authentication).",
  unauthenticated: "Your Teams sign-in did not reach FlowDeck. Reload the tab.",
  forbidden: "You do not have access to this.",
  not_found: "This no longer exists, or you cannot see it.",
  conflict: "Someone changed this at the same time. Reload and try again.",
  invalid: "FlowDeck could not accept this request.",
  throttled: "Power Platform is busy. Try again in a minute.",
  unavailable: "Power Platform is not answering. Try again in a minute.",
  timeout: "This took too long. Try again.",
  network: "FlowDeck cannot be reached. Check your connection and try again.",
  internal: "Something went wrong in FlowDeck. Try again; if it keeps happening, tell your administrator.",
};

/** describeError turns anything thrown into a sentence for the user. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.message && err.code !== "internal") return err.message;
    return sentences[err.code] ?? sentences["internal"]!;
  }
  if (err instanceof TypeError) return sentences["network"]!;
  // teams-js rejects with Error(code) or SdkError {errorCode, message}.
  const code = (err as { errorCode?: unknown })?.errorCode ?? (err as Error)?.message;
  switch (code) {
    case "CancelledByUser":
      return "The sign-in window was closed before it finished.";
    case "FailedToOpenWindow":
      return "The sign-in window could not open. Allow pop-ups for Teams and try again.";
    case "resourceRequiresConsent":
      return sentences["consent_required"]!;
    case "resourceRequiresMfa":
      return sentences["interaction_required"]!;
    case "tokenRevoked":
      return "Your sign-in was revoked. Sign in to Teams again.";
  }
  return sentences["internal"]!;
}

/** describeCode is the sentence for a bare error code (bulk results, partial answers). */
export function describeCode(code: string | undefined, message?: string): string {
  if (message) return message;
  return (code && sentences[code]) || sentences["internal"]!;
}
