// Package graph is a fake Microsoft Graph for the local cloud: the signed-in
// user's profile and display names of directory objects, over TLS on loopback,
// with Graph's real paths, error bodies and permission checks.
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

	mu    sync.Mutex
	calls map[string]int
	// revoked holds the users whose sessions RevokeTokens revoked.
	revoked revocation.List
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

// Calls returns how many requests reached a path ("/v1.0/me", …).
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// caller is the verified identity of a request.
type caller struct {
	tenant, oid string
	scopes      []string
}

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
	scp, _ := claims["scp"].(string)
	c.scopes = strings.Fields(scp)
	if len(c.scopes) == 0 {
		// App-only tokens carry roles; this fake serves delegated calls only.
		writeError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return caller{}, false
	}
	return c, true
}

// profile is the JSON of a Graph user.
type profile struct {
	ODataType         string   `json:"@odata.type,omitempty"`
	ID                string   `json:"id"`
	DisplayName       string   `json:"displayName"`
	GivenName         string   `json:"givenName"`
	Surname           string   `json:"surname"`
	UserPrincipalName string   `json:"userPrincipalName"`
	Mail              string   `json:"mail"`
	JobTitle          string   `json:"jobTitle"`
	BusinessPhones    []string `json:"businessPhones"`
	PreferredLanguage string   `json:"preferredLanguage"`
}

func toProfile(u demo.User) profile {
	given, sur, _ := strings.Cut(u.Name, " ")
	return profile{ID: u.ID, DisplayName: u.Name, GivenName: given, Surname: sur, UserPrincipalName: u.UPN,
		Mail: u.UPN, JobTitle: u.JobTitle, BusinessPhones: []string{}, PreferredLanguage: "en-US"}
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !c.has("User.Read", "User.ReadBasic.All", "User.Read.All", "Directory.Read.All") {
		writeError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return
	}
	u, found := s.users[c.oid]
	if !found || u.TenantID != c.tenant {
		writeError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", c.oid))
		return
	}
	p := toProfile(u)
	writeJSON(w, http.StatusOK, struct {
		Context string `json:"@odata.context"`
		profile
	}{"https://graph.microsoft.com/v1.0/$metadata#users/$entity", p})
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if id != c.oid && !c.has("User.ReadBasic.All", "User.Read.All", "Directory.Read.All") {
		writeError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return
	}
	u, found := s.users[id]
	if !found || u.TenantID != c.tenant {
		writeError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
		return
	}
	writeJSON(w, http.StatusOK, toProfile(u))
}

// handleGetByIDs is POST /v1.0/directoryObjects/getByIds: at most 1,000 ids;
// unknown ids are left out of the answer, as Graph does.
func (s *Server) handleGetByIDs(w http.ResponseWriter, r *http.Request) {
	c, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !c.has("User.ReadBasic.All", "User.Read.All", "Directory.Read.All") {
		writeError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
		return
	}
	var body struct {
		IDs   []string `json:"ids"`
		Types []string `json:"types"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "Request_BadRequest", "Invalid request body.")
		return
	}
	if len(body.IDs) == 0 || len(body.IDs) > 1000 {
		writeError(w, http.StatusBadRequest, "Request_BadRequest", "The number of ids must be between 1 and 1000.")
		return
	}
	out := []profile{}
	for _, id := range body.IDs {
		if u, found := s.users[id]; found && u.TenantID == c.tenant {
			p := toProfile(u)
			p.ODataType = "#microsoft.graph.user"
			out = append(out, p)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects", "value": out})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	w.Header().Set("request-id", uuid.NewString())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes Graph's error envelope with its innerError.
func writeError(w http.ResponseWriter, status int, code, message string) {
	id := uuid.NewString()
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": code, "message": message,
		"innerError": map[string]string{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": id, "client-request-id": id},
	}})
}
