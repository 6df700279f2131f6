// Package app is one running FlowDeck: Main opens the store, wires the
// identity, upstream, bot, card-action, monitor and server parts from a
// Config, serves until Close and drains on the way out. `flowdeck serve` and
// `flowdeck dev` run it; the system tests and the load test boot it the same
// way on 127.0.0.1:0 (internal/localcloud's Stack).
//
// The wiring reads every cloud-specific value from internal/cloud through
// the configuration; outbound HTTP goes through OutboundClient (the system
// roots plus FLOWDECK_CA_FILE).
package app
