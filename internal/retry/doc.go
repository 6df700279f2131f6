// Package retry is how FlowDeck waits before trying again: it reads a
// server's Retry-After (RFC 9110 §10.2.3), spaces attempts with an
// exponential backoff with jitter, and waits for either while honouring the
// caller's context. The upstream client (Power Platform, Graph) and the Bot
// Connector client both use it. It uses the standard library only.
package retry
