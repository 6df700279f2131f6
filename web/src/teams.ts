// The tab's only contact with Teams: initialize, context, SSO token, consent
// popup, theme changes. Everything goes through @microsoft/teams-js v2.
import { app, authentication } from "@microsoft/teams-js";

export type ThemeName = "default" | "dark" | "contrast";

export interface TeamsInfo {
  theme: ThemeName;
  locale: string;
  subEntityId?: string;
  userName?: string;
}

/** themeOf normalises a Teams theme name. */
export function themeOf(t: string | undefined): ThemeName {
  return t === "dark" || t === "contrast" ? t : "default";
}

/**
 * connect initializes teams-js and reads the context. It resolves null when
 * the page is not inside a Teams host (no parent, or no answer in time).
 */
export async function connect(timeoutMs = 5000): Promise<TeamsInfo | null> {
  if (window.parent === window && !window.opener) return null;
  let timer = 0;
  const timeout = new Promise<null>((resolve) => {
    timer = window.setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const ctx = await Promise.race([
      app.initialize().then(() => app.getContext()),
      timeout,
    ]);
    if (!ctx) return null;
    return {
      theme: themeOf(ctx.app.theme),
      locale: ctx.app.locale,
      subEntityId: ctx.page.subPageId,
      userName: ctx.user?.displayName ?? ctx.user?.userPrincipalName,
    };
  } catch {
    return null;
  } finally {
    window.clearTimeout(timer);
  }
}

/** ready tells the host the tab has loaded (hides Teams' loading indicator). */
export function ready(): void {
  try {
    app.notifySuccess();
  } catch {
    // Hosts without appInitialization support ignore it.
  }
}

/** onThemeChange follows the host's theme. */
export function onThemeChange(fn: (t: ThemeName) => void): void {
  app.registerOnThemeChangeHandler((t) => fn(themeOf(t)));
}

/** token returns a fresh SSO token; Teams caches it, so never cache it here. */
export function token(): Promise<string> {
  return authentication.getAuthToken();
}

/**
 * grantAccess opens FlowDeck's consent page in Teams' popup. It must run in a
 * click handler, or the popup is blocked.
 */
export function grantAccess(url: string): Promise<string> {
  return authentication.authenticate({ url, width: 600, height: 535 });
}
