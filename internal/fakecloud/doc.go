// Package fakecloud is the root of FlowDeck's local cloud: faithful fakes of
// every remote party (Entra ID, Power Platform, Bot Connector, the Teams
// client) that speak the real wire protocols over real HTTP(S) on loopback.
//
// Tests and `flowdeck dev` use them; production code never imports them (the
// import rules in deps_test.go keep it so).
package fakecloud
