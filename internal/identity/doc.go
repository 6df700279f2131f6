// Package identity is who FlowDeck acts as: it verifies the Teams SSO tokens
// users arrive with, maps every upstream API host to the token audience and
// delegated scopes it needs (the audience registry), and obtains those tokens
// On-Behalf-Of the user — one per audience, never an Azure management token —
// keeping them encrypted in the store for every replica and the monitor.
package identity
