// Package actions answers the Universal Actions (Action.Execute) of FlowDeck's
// approval and failure-alert cards: the adaptiveCard/action invokes with the
// approval.* and alert.* verbs that the bot routes here.
//
// Every action runs as the invoking user (from.aadObjectId and the tenant of
// the activity) with that user's own delegated token; a user without a usable
// token gets a 401 loginRequest (Teams signs in inside the card) or, from a
// client that cannot do that (the Agents Playground sends no "trigger"), a
// sign-in card. The answer is always HTTP 200 with the status in the body.
//
// The cards tell the truth: input is validated against the card as it was
// posted (its CardState) before anything goes upstream; an approval response
// is sent exactly once per approval and user, even across double clicks, two
// clients or two replicas (the NotificationLog is the idempotency store); the
// invoker gets the card as it is now, and the card is updated in place in
// every conversation where it lives.
//
// Post helpers (PostApproval, PostAlert) send a card and record its CardState,
// so later actions and updates find it.
package cardaction
