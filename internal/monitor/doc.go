// Package monitor watches, in the background and with each user's own
// delegated tokens, what users asked FlowDeck to watch, and tells them in
// Teams: new failed runs (one card per failing flow, updated in place, then
// "recovered"), flows turned off, suspended or idle, new approvals and
// reminders, and the daily digest.
//
// Work is split into shards of users, claimed by replicas with expiring
// leases in the store; a replica that stops loses its shards within one lease
// period and another continues from the stored watermarks. Every card that
// goes out is claimed first in the notification log under a key naming the
// event, so it goes out once; per-flow state (the open failure card, runs
// already counted) is kept in the card store with optimistic versions; a
// subscription's watermark advances only after everything up to it was
// delivered.
//
// The package sees ports only: the store, a Source of Power Platform reads
// (ops), a Poster of cards (actions) and the token broker.
package monitor
