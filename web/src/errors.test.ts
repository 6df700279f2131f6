import { describe, expect, it } from "vitest";
import { adminRequest, ApiError, describeCode, describeError, needsConsent } from "./errors";

describe("error sentences", () => {
  it("uses the server's message", () => {
    expect(describeError(new ApiError(404, "not_found", "That flow is gone."))).toBe("That flow is gone.");
  });
  it("never shows an internal message", () => {
    expect(describeError(new ApiError(500, "internal", "nil pointer"))).toMatch(/went wrong in FlowDeck/);
  });
  it("explains network and Teams errors", () => {
    expect(describeError(new TypeError("Failed to fetch"))).toMatch(/cannot be reached/);
    expect(describeError(new Error("CancelledByUser"))).toMatch(/closed/);
    expect(describeError({ errorCode: "FailedToOpenWindow" })).toMatch(/pop-ups/);
  });
  it("knows what consent fixes", () => {
    const e = new ApiError(403, "consent_required", "", { consent_url: "http://x/auth/start?s=1" });
    expect(needsConsent(e)).toBe(true);
    expect(e.consentUrl).toBe("http://x/auth/start?s=1");
    expect(needsConsent(new ApiError(403, "forbidden", ""))).toBe(false);
  });
  it("carries the admin-consent link of a missing permission", () => {
    const e = new ApiError(403, "forbidden", "FlowDeck is missing the Flows.Manage.All permission for Power Automate.", {
      admin_consent_url: "https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=c",
    });
    expect(e.adminConsentUrl).toBe("https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=c");
    expect(describeError(e)).toMatch(/Flows\.Manage\.All/);
    expect(new ApiError(403, "forbidden", "").adminConsentUrl).toBeUndefined();
  });
  it("writes the sentence to forward to an administrator", () => {
    const e = new ApiError(403, "consent_required", "Your organization lets only an administrator give FlowDeck access to Power Automate.", {
      admin_required: "true",
      admin_consent_url: "https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=c",
      missing_scopes: "https://service.flow.microsoft.com//Flows.Read.All https://service.flow.microsoft.com//Flows.Manage.All",
      audience_name: "Power Automate",
    });
    expect(adminRequest(e)).toBe(
      "Please grant FlowDeck these permissions for our organization: Flows.Read.All, Flows.Manage.All (Power Automate). " +
        "Link: https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=c",
    );
    const one = new ApiError(403, "forbidden", "", { permission: "Flows.Manage.All", admin_consent_url: "https://l/a" });
    expect(adminRequest(one)).toBe("Please grant FlowDeck this permission for our organization: Flows.Manage.All. Link: https://l/a");
    expect(adminRequest(new ApiError(403, "consent_required", "", { consent_url: "http://x" }))).toBeUndefined();
  });
  it("describes bare codes", () => {
    expect(describeCode("throttled")).toMatch(/busy/);
    expect(describeCode(undefined, "Run is not running.")).toBe("Run is not running.");
  });
});
