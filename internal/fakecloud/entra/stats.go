package entra

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// LoggedRequest is one request the fake served. It never holds secrets,
// tokens, codes or query strings.
type LoggedRequest struct {
	Time   time.Time
	Method string
	// Path is the URL path without the query.
	Path string
	// GrantType is the token request's grant_type ("" for other endpoints).
	GrantType string
	Status    int
}

type oboKey struct{ tenant, user, resource string }

type stats struct {
	grants map[string]int
	obo    map[oboKey]int
	log    []LoggedRequest
}

func newStats() stats {
	return stats{grants: map[string]int{}, obo: map[oboKey]int{}}
}

// GrantCount returns how many token requests arrived with this grant_type
// (e.g. "client_credentials", "refresh_token", "authorization_code",
// "urn:ietf:params:oauth:grant-type:jwt-bearer"), whatever their outcome.
func (s *Server) GrantCount(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.grants[grantType]
}

// OBOCount returns how many OBO exchanges with a valid assertion were asked
// for (tenant, user oid, resource), whatever their outcome. The resource may be
// given with or without its trailing slash.
func (s *Server) OBOCount(tenant, user, resource string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := resource
	if r, ok := s.resource(resource); ok {
		id = r.ID
	}
	return s.stats.obo[oboKey{strings.ToLower(tenant), strings.ToLower(user), id}]
}

// RequestLog returns a copy of the request log, oldest first.
func (s *Server) RequestLog() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LoggedRequest, len(s.stats.log))
	copy(out, s.stats.log)
	return out
}

type logCtxKey struct{}

// reqInfo is filled in by handlers for the request log.
type reqInfo struct{ grantType string }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), logCtxKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		entry := LoggedRequest{Time: s.now(), Method: r.Method, Path: r.URL.Path, GrantType: info.grantType, Status: sw.status}
		s.mu.Lock()
		s.stats.log = append(s.stats.log, entry)
		s.mu.Unlock()
		s.log.LogAttrs(r.Context(), levelFor(sw.status), "entra request",
			slogAttrs(entry)...)
	})
}

func requestInfo(r *http.Request) *reqInfo {
	if info, ok := r.Context().Value(logCtxKey{}).(*reqInfo); ok {
		return info
	}
	return &reqInfo{}
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

func slogAttrs(e LoggedRequest) []slog.Attr {
	return []slog.Attr{
		slog.String("method", e.Method), slog.String("path", e.Path),
		slog.String("grant_type", e.GrantType), slog.Int("status", e.Status),
	}
}
