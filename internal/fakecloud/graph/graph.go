// Package graph is a fake Microsoft Graph for the local cloud: the signed-in
// user's profile, other users' basic profiles (GET /users/{id}, and JSON
// batches of such requests) and directoryObjects/getByIds, over TLS on
// loopback, with Graph's real paths, error bodies and permission checks. It
// is at least as strict as Graph: each delegated permission allows exactly
// what the permissions reference grants it, and nothing more.
package graph

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/fakecloud/revocation"
)

// graphAppID is Microsoft Graph's application id, an audience of its v2 tokens.
const graphAppID = "00000003-0000-0000-c000-000000000000"

// audiencesOf are the audiences Graph accepts in a cloud: its URI with and
// without the slash, and its app id (v1 tokens carry the URI, v2 tokens the
// app id: learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference).
func audiencesOf(cl cloud.Cloud) []string {
	uri := strings.TrimSuffix(cl.GraphAudience, "/")
	return []string{uri, uri + "/", graphAppID}
}

// Options configure the fake.
type Options struct {
	// Addr is the listen address (default 127.0.0.1:0).
	Addr string
	// CA issues the TLS certificate; nil creates one.
	CA *fakeca.CA
	// Keyfunc verifies token signatures (the fake Entra ID's); required.
	Keyfunc jwt.Keyfunc
	// Users is the directory (default demo.Users()).
	Users []demo.User
	// Now is the clock for token expiry (default time.Now).
	Now func() time.Time
	// Logger receives request lines; nil discards them.
	Logger *slog.Logger
	// Cloud is the Microsoft cloud whose Graph audience the fake accepts
	// (cloud.Public, cloud.GCC, …; default public).
	Cloud string
}

// Server is a running fake Graph.
type Server struct {
	opts  Options
	ca    *fakeca.CA
	srv   *http.Server
	url   string
	users map[string]demo.User
	auds  []string

	mu          sync.Mutex
	calls       map[string]int
	lookups     int
	unavailable bool
	hold        chan struct{} // while set, user look-ups wait for it to close
	arrived     chan struct{} // a held look-up announces itself here
	// revoked holds the users whose sessions RevokeTokens revoked.
	revoked revocation.List
	// catalog is the Teams app catalog by lower-cased catalog id; installs
	// the apps installed per user (lower-cased oid); onInstall plays Teams
	// after an install (teamwork.go).
	catalog   map[string]CatalogApp
	installs  map[string][]installation
	onInstall InstallHook
	// feed is what sendActivityNotification accepted (activity.go).
	feed []FeedNotification
}

// New starts the fake on a loopback TLS listener.
func New(o Options) (*Server, error) {
	if o.Keyfunc == nil {
		return nil, fmt.Errorf("graph: Options.Keyfunc is required")
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Users == nil {
		o.Users = demo.Users()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Cloud == "" {
		o.Cloud = cloud.Public
	}
	cl, ok := cloud.Get(o.Cloud)
	if !ok {
		return nil, fmt.Errorf("graph: unknown cloud %q", o.Cloud)
	}
	ca := o.CA
	if ca == nil {
		var err error
		if ca, err = fakeca.New(); err != nil {
			return nil, err
		}
	}
	tlsCfg, err := ca.ServerTLSConfig()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: o, ca: ca, users: map[string]demo.User{}, calls: map[string]int{}, auds: audiencesOf(cl)}
	for _, u := range o.Users {
		s.users[u.ID] = u
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1.0/me", s.handleMe)
	mux.HandleFunc("GET /v1.0/users/{id}", s.handleUser)
	mux.HandleFunc("POST /v1.0/directoryObjects/getByIds", s.handleGetByIDs)
	mux.HandleFunc("POST /v1.0/$batch", s.handleBatch)
	mux.HandleFunc("POST /v1.0/users/{id}/teamwork/installedApps", s.handleInstall)
	mux.HandleFunc("POST /v1.0/me/teamwork/installedApps", s.handleInstall)
	mux.HandleFunc("POST /v1.0/users/{id}/teamwork/sendActivityNotification", s.handleActivity)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", strings.Trim(r.URL.Path, "/")))
	})
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("graph: listen: %w", err)
	}
	s.url = "https://" + ln.Addr().String()
	s.srv = &http.Server{Handler: mux, TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.ServeTLS(ln, "", "")
	return s, nil
}

// URL is the Graph base URL (requests go to URL()/v1.0/…).
func (s *Server) URL() string { return s.url }

// Client returns an HTTP client trusting the fake's CA.
func (s *Server) Client() *http.Client { return s.ca.Client() }

// Close stops the fake.
func (s *Server) Close() error { return s.srv.Close() }

// Calls returns how many HTTP requests reached a path ("/v1.0/me",
// "/v1.0/$batch", …); the requests inside a batch are not counted here.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// UserLookups returns how many users were asked for by id, directly or inside
// a batch, whatever the answer.
func (s *Server) UserLookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups
}

// HoldLookups makes user look-ups (direct or batched) wait until release is
// called; each one announces on arrived that it has started waiting. Tests use
// it to have requests overlap without sleeping.
func (s *Server) HoldLookups() (arrived <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hold, arr := make(chan struct{}), make(chan struct{}, 64)
	s.hold, s.arrived = hold, arr
	var once sync.Once
	return arr, func() {
		once.Do(func() {
			s.mu.Lock()
			s.hold, s.arrived = nil, nil
			s.mu.Unlock()
			close(hold)
		})
	}
}

// SetUnavailable makes user look-ups (direct, batched and getByIds) answer
// 503 as Graph does in an outage, until called with false.
func (s *Server) SetUnavailable(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable = on
}

// caller is the verified identity of a request.
type caller struct {
	tenant, oid string
	// app is the client id the token was issued to (appid in v1 tokens, azp in v2).
	app    string
	scopes []string
	// roles are an app-only token's application permissions (no scp).
	roles []string
}

// appOnly reports whether the token is app-only: no scp claim.
func (c caller) appOnly() bool { return len(c.scopes) == 0 }

func (c caller) has(any ...string) bool {
	for _, s := range any {
		if slices.Contains(c.scopes, s) {
			return true
		}
	}
	return false
}

// authenticate checks the bearer token as Graph does, writing the error itself.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	return s.authenticateAs(w, r, false)
}

// authenticateAs is authenticate; with appOnly it also accepts app-only
// tokens (no scp, roles instead), for the endpoints that have an
// Application permission.
func (s *Server) authenticateAs(w http.ResponseWriter, r *http.Request, appOnly bool) (caller, bool) {
	s.mu.Lock()
	s.calls[r.URL.Path]++
	s.mu.Unlock()
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		return caller{}, false
	}
	claims := jwt.MapClaims{}
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.opts.Now), jwt.WithExpirationRequired())
	if _, err := p.ParseWithClaims(raw, claims, s.opts.Keyfunc); err != nil {
		msg := "Access token validation failure."
		if strings.Contains(err.Error(), "expired") {
			msg = "Lifetime validation failed, the token is expired."
		}
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return caller{}, false
	}
	auds, _ := claims.GetAudience()
	if len(auds) != 1 || !slices.Contains(s.auds, auds[0]) {
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return caller{}, false
	}
	if s.refuseRevoked(w, claims) {
		return caller{}, false
	}
	c := caller{}
	c.tenant, _ = claims["tid"].(string)
	c.oid, _ = claims["oid"].(string)
	if c.app, _ = claims["appid"].(string); c.app == "" {
		c.app, _ = claims["azp"].(string)
	}
	scp, _ := claims["scp"].(string)
	c.scopes = strings.Fields(scp)
	if rr, ok := claims["roles"].([]any); ok {
		for _, x := range rr {
			if v, ok := x.(string); ok {
				c.roles = append(c.roles, v)
			}
		}
	}
	if len(c.scopes) == 0 && !appOnly {
		// App-only tokens carry roles; this fake serves delegated calls only.
		writeError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return caller{}, false
	}
	return c, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.Header().Set("request-id", uuid.NewString())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes Graph's error envelope with its innerError.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody(code, message))
}

func writeAnswer(w http.ResponseWriter, a *answer) { writeJSON(w, a.status, a.body) }

// errorBody is Graph's error envelope: code, message and an innerError with
// the date and request ids (https://learn.microsoft.com/graph/errors, "Error resource type").
func errorBody(code, message string) map[string]any {
	id := uuid.NewString()
	return map[string]any{"error": map[string]any{
		"code": code, "message": message,
		"innerError": map[string]string{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": id, "client-request-id": id},
	}}
}
