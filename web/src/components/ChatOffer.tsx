import { Body1, Card, Link, makeStyles } from "@fluentui/react-components";
import type { ChatInvite } from "../types";
import { useApi } from "./useApi";

const useStyles = makeStyles({ card: { padding: "12px" } });

/**
 * ChatOffer: for a user who uses the tab but never opened the bot, a link
 * that opens FlowDeck's chat in Teams, where approvals and failure alerts
 * arrive with nothing to set up. When FlowDeck has just installed itself in
 * the user's chat (the admin granted it the Graph permission), it says so,
 * with the same link to open that chat. Nothing when the user already talks
 * with FlowDeck, or when the answer is not there (the dashboard does not
 * depend on it).
 */
export function ChatOffer() {
  const s = useStyles();
  const { data } = useApi<ChatInvite>("/chat");
  if (!data || data.inChat || !data.link) return null;
  if (data.installed) {
    return (
      <Card className={s.card} data-testid="chat-offer">
        <Body1>
          FlowDeck is now in your chat: the approvals assigned to you and an alert when a flow you own fails arrive there.{" "}
          <Link href={data.link} target="_blank" rel="noopener noreferrer">Open the chat</Link>
        </Body1>
      </Card>
    );
  }
  return (
    <Card className={s.card} data-testid="chat-offer">
      <Body1>
        Get the approvals assigned to you and an alert when a flow you own fails, right in Teams:{" "}
        <Link href={data.link} target="_blank" rel="noopener noreferrer">Get alerts in chat</Link>
      </Body1>
    </Card>
  );
}
