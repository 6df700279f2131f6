import { Body1, Title2 } from "@fluentui/react-components";

/** NotInTeams is what a plain browser shows: how to open FlowDeck in Teams. */
export function NotInTeams() {
  return (
    <section aria-labelledby="not-in-teams">
      <Title2 as="h1" id="not-in-teams">Open FlowDeck in Microsoft Teams</Title2>
      <Body1 as="p">
        This page is FlowDeck's tab. It works inside Teams, which signs you in for it.
      </Body1>
      <ol>
        <li>Open Microsoft Teams (desktop, web or mobile).</li>
        <li>Select <strong>Apps</strong>, search for <strong>FlowDeck</strong> and open it.</li>
        <li>If FlowDeck is not listed, ask your administrator to upload the FlowDeck app package.</li>
      </ol>
    </section>
  );
}
