// Package powerplatform is a faithful fake of the Power Platform APIs that
// FlowDeck calls: the Flow RP (api.flow.microsoft.com: environments, flows,
// runs, actions, resubmit, cancel, start/stop, approvals), the Power Apps RP
// (api.powerapps.com: apps, connections, environments) and BAP
// (api.bap.microsoft.com: environments).
//
// Each API listens on its own loopback HTTPS port with a certificate from
// fakeca, under the production paths (/providers/Microsoft.ProcessSimple/…,
// /providers/Microsoft.PowerApps/…, /providers/Microsoft.BusinessAppPlatform/…),
// so a client is configured exactly as in production, one base URL per API. A
// fourth listener (AltURL) serves the same Flow API, as a regional host does;
// some nextLinks point at it. A fifth (ContentURL) plays the Logic Apps
// runtime host of run content: the signed inputsLink/outputsLink of actions,
// which it serves only without a bearer token and with a valid, unexpired
// signature.
//
// Bearer tokens are verified with the injected jwt.Keyfunc and checked like
// the real services do (audience, expiry, delegated scopes, tenant); errors use
// the real envelopes of the reference (§1.4, §5). State changes are real and
// in memory. Faults (SetFault) inject latency, error statuses, throttling,
// HTML and truncated bodies per route, and a request log records every call (never a token).
//
// The content comes from a seeded generator (Generate) or the demo tenant of
// `flowdeck dev` (Demo).
package powerplatform
