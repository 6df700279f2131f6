// Package flowdeck holds FlowDeck's domain: the types every surface shares
// (principals, delegated tokens, conversation references, subscriptions,
// notifications, card state, leases), the ports that adapters implement
// (the store and its parts), and the error kinds that cross every boundary.
//
// It imports the standard library only, so that every other package can depend
// on it and it depends on none of them.
package flowdeck
