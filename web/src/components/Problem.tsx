import { Button, Link, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { useState } from "react";
import { get } from "../api";
import { adminRequest, ApiError, describeError, needsConsent } from "../errors";
import { grantAccess } from "../teams";
import type { Me } from "../types";

/** consentUrlFor finds where to grant what an error says is missing. */
async function consentUrlFor(err: unknown): Promise<string | undefined> {
  if (err instanceof ApiError && err.consentUrl) return err.consentUrl;
  const me = await get<Me>("/me");
  return me.access.find((a) => !a.granted && a.consentUrl)?.consentUrl;
}

/** GrantAccess is the consent button: popup, then onGranted (a retry). */
export function GrantAccess(props: { url?: string; error?: unknown; label?: string; onGranted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const click = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const url = props.url ?? (await consentUrlFor(props.error));
      if (!url) throw new ApiError(403, "forbidden", "Your administrator must grant FlowDeck access for your organization.");
      await grantAccess(url);
      props.onGranted();
    } catch (e) {
      setFailure(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button appearance="primary" disabled={busy} onClick={() => void click()}>
        {props.label ?? "Grant access"}
      </Button>
      {failure && <span role="alert"> {failure}</span>}
    </>
  );
}

/**
 * Problem shows a failed load: a sentence, and Grant access or Try again.
 * When only an administrator can grant what is missing, it also shows the
 * tenant's admin-consent link and the sentence to forward with it, as the
 * cards do.
 */
export function Problem(props: { error: unknown; onRetry: () => void }) {
  const consent = needsConsent(props.error);
  const forward = adminRequest(props.error);
  return (
    <MessageBar intent={consent || forward ? "warning" : "error"} layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{consent || forward ? "Permission needed" : "Could not load"}</MessageBarTitle>
        {describeError(props.error)}
        {forward && props.error instanceof ApiError && (
          <div className="admin-request">
            <p>
              Send this to your Microsoft 365 administrator, or{" "}
              <Link href={props.error.adminConsentUrl} target="_blank" rel="noreferrer">
                open the admin-consent page
              </Link>{" "}
              if you are one:
            </p>
            <pre className="forward">{forward}</pre>
          </div>
        )}
      </MessageBarBody>
      <MessageBarActions>
        {consent && !forward ? (
          <GrantAccess error={props.error} onGranted={props.onRetry} />
        ) : (
          <Button onClick={props.onRetry}>Try again</Button>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}
