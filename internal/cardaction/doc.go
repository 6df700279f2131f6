// Package cardaction answers the Action.Execute card actions of FlowDeck's
// cards (the adaptiveCard/action invokes) and posts the proactive cards
// they live on.
//
// The Router is the one place card actions go: the botframework endpoint
// hands it every adaptiveCard/action invoke (EndpointOptions.CardActions)
// and everything else to the bot. Every verb is a row of one table
// (table.go): approval.*, alert.*, bulk.*, flow.off, pick, list.more,
// signin, and the live cards of the message extension (live.go:
// flow.refresh, run.refresh, flow.state), each marked state-changing or not. pick and list.more run a chat
// command again through the Commands port (*bot.Bot); the router never
// imports the bot and the bot never sees the router. An unknown verb gets a
// safe error.
//
// Every action runs as the invoking user (from.aadObjectId and the tenant of
// the activity) with that user's own delegated token, under one sign-in
// policy (signin.go): a user without a usable Power Automate token gets a
// 401 loginRequest, with a tokenExchangeResource so Teams signs in silently
// and a signin button to the sign-in (or consent, or claims-challenge) page
// as the fallback; Teams repeats the action with value.authentication.token,
// which is verified to name the invoker and exchanged before the verb runs.
// A client that cannot show a loginRequest (the Agents Playground sends no
// "trigger") gets a sign-in card with Try again. The answer is always HTTP
// 200 with the status in the body.
//
// The cards tell the truth: input is validated (against the card as it was
// posted, its CardState, where there is one) before anything goes upstream;
// a state-changing verb acts exactly once per card and target, even across
// double clicks, two clients or two replicas (once.go: the NotificationLog
// claims across replicas, an in-process map within one); the invoker gets
// the card as it is now at once, and the card is updated in place in every
// other conversation where it lives in the background (update.go: bounded,
// timed out, counted, in order per card, drained by Close).
//
// The Poster side (poster.go, proactive.go: PostApproval, PostAlert,
// UpdateAlert, Send) sends the monitor's cards and records their CardState,
// so later actions and updates find them.
package cardaction
