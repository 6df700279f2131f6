package powerplatform

import (
	"slices"
	"sync"
	"time"
)

// LoggedRequest is one request the server answered. It never holds a token.
type LoggedRequest struct {
	Time time.Time
	// API is flow, powerapps, bap or content (the run-content host); Host
	// tells the primary and the alternate Flow host apart. Query never holds
	// a content link's signature.
	API    string
	Host   string
	Method string
	Path   string
	// Query is the raw query string.
	Query string
	// Route is the route key ("runs.list"), or "unknown".
	Route string
	// Audience, UserOID and TenantID come from the token when it was valid.
	Audience string
	UserOID  string
	TenantID string
	// Status is the HTTP status sent (0 when the client went away first).
	Status int
	// Authorization reports whether the request carried an Authorization
	// header (its value is never kept).
	Authorization bool
}

type reqLog struct {
	mu      sync.Mutex
	entries []LoggedRequest
	calls   map[string]int
}

// count adds one call to route and returns the new count.
func (l *reqLog) count(route string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string]int{}
	}
	l.calls[route]++
	return l.calls[route]
}

func (l *reqLog) add(e LoggedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []LoggedRequest {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return slices.Clone(s.rl.entries)
}

// Calls returns how many requests reached route since the start or the last ResetRequests.
func (s *Server) Calls(route string) int {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	return s.rl.calls[route]
}

// ResetRequests empties the request log and the call counters.
func (s *Server) ResetRequests() {
	s.rl.mu.Lock()
	defer s.rl.mu.Unlock()
	s.rl.entries = nil
	clear(s.rl.calls)
}
