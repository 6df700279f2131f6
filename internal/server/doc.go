// Package server is FlowDeck's HTTP layer: the Echo v4 instance, its
// middleware chain (request id, recover, access log, body limit, request
// timeout, security headers, metrics), the one error handler that turns domain
// errors into {"code","message"} responses, the health, readiness and metrics
// endpoints, and the embedded tab UI.
//
// It is the only package that imports Echo. Other packages hand it ports
// (interfaces and http.Handlers) through Options; cmd/flowdeck wires them.
package server
