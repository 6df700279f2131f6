package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Addr is the listen address; default 127.0.0.1:0.
	Addr string
	// CA issues the TLS certificate; nil creates one.
	CA *fakeca.CA
	// Now is the clock of token times and rate limits; default time.Now.
	Now func() time.Time
	// Logger receives request logs (never tokens); default discards.
	Logger *slog.Logger
	// BotID is the bot's app id: the appid the bot's connector token must
	// carry and the audience of the channel tokens; default demo.ClientID.
	BotID string
	// Keyfunc verifies the bot's app-only token (e.g. (*entra.Server).Keyfunc);
	// nil accepts calls without a token, like the Agents Playground.
	Keyfunc jwt.Keyfunc
	// MaxMessageBytes is the UTF-16 size over which a send gets 413
	// MessageSizeTooBig; default 100 KiB.
	MaxMessageBytes int
	// DisableRateLimit turns the enforcement of Teams' rate limits
	// (TeamsLimits) off.
	DisableRateLimit bool
	// Endorsements of the current key; default DefaultEndorsements.
	Endorsements []string
	// Cloud is the Microsoft cloud the fake plays (cloud.go); zero: public.
	Cloud CloudOptions
}

// Server is a running fake Bot Framework (issuer and connector). Its methods
// are safe for concurrent use.
type Server struct {
	log          *slog.Logger
	now          func() time.Time
	botID        string
	keyfunc      jwt.Keyfunc
	verified     tokenCache // bot tokens already verified, until they expire
	maxBytes     int
	rateLimit    bool
	endorsements []string
	cloud        CloudOptions
	ca           *fakeca.CA
	ln           net.Listener
	srv          *http.Server
	url          string

	keyMu        sync.RWMutex
	keys         []*issuerKey // endorsed, served; last = current
	unendorsed   *issuerKey
	otherChannel *issuerKey
	unpublished  *issuerKey

	mu          sync.Mutex
	metaFetches int
	keyFetches  int
	convs       map[string]*conversation
	changed     chan struct{} // closed and replaced on every record
	nextID      int64
	faults      []fault
	failEvery   failEvery
	writes      int
	blocked     map[string]bool
	held        map[string]chan struct{} // Hold: updates wait until the channel closes
	calls       []Call
	tenants     map[string]string      // conversation (thread) → tenant
	hits        map[string][]time.Time // rate-limit key → request times, in order
	violations  []Violation
}

// New starts a fake Bot Framework.
func New(o Options) (*Server, error) {
	s := &Server{
		log: o.Logger, now: o.Now, botID: o.BotID, keyfunc: o.Keyfunc,
		maxBytes: o.MaxMessageBytes, rateLimit: !o.DisableRateLimit, endorsements: o.Endorsements,
		cloud: o.Cloud, ca: o.CA, convs: map[string]*conversation{}, changed: make(chan struct{}), blocked: map[string]bool{}, held: map[string]chan struct{}{},
		nextID: 1732553375000,
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.botID == "" {
		s.botID = demo.ClientID
	}
	s.cloud.defaults(demo.TenantID)
	if s.maxBytes <= 0 {
		s.maxBytes = 100 * 1024
	}
	if s.endorsements == nil {
		s.endorsements = DefaultEndorsements
	}
	var err error
	if s.ca == nil {
		if s.ca, err = fakeca.New(); err != nil {
			return nil, err
		}
	}
	cur, err := newIssuerKey(s.endorsements)
	if err != nil {
		return nil, err
	}
	s.keys = []*issuerKey{cur}
	if s.unendorsed, err = newIssuerKey(nil); err != nil {
		return nil, err
	}
	if s.otherChannel, err = newIssuerKey([]string{"webchat"}); err != nil {
		return nil, err
	}
	if s.unpublished, err = newIssuerKey(s.endorsements); err != nil {
		return nil, err
	}
	tlsConf, err := s.ca.ServerTLSConfig()
	if err != nil {
		return nil, err
	}
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.ln, err = net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connector: listen: %w", err)
	}
	s.url = "https://" + s.ln.Addr().String()
	s.srv = &http.Server{
		Handler: s.routes(), TLSConfig: tlsConf, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := s.srv.ServeTLS(s.ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("connector: serve", "err", err)
		}
	}()
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/.well-known/openidconfiguration", s.handleMetadata)
	mux.HandleFunc("GET /v1/.well-known/keys", s.handleKeys)
	mux.HandleFunc("POST /teams/v3/conversations", s.authed(s.handleCreate))
	mux.HandleFunc("POST /teams/v3/conversations/{cid}/activities", s.authed(s.handleSend))
	mux.HandleFunc("POST /teams/v3/conversations/{cid}/activities/{aid}", s.authed(s.handleSend))
	mux.HandleFunc("PUT /teams/v3/conversations/{cid}/activities/{aid}", s.authed(s.handleUpdate))
	mux.HandleFunc("DELETE /teams/v3/conversations/{cid}/activities/{aid}", s.authed(s.handleDelete))
	mux.HandleFunc("GET /teams/v3/conversations/{cid}/members", s.authed(s.handleMembers))
	mux.HandleFunc("GET /teams/v3/conversations/{cid}/members/{uid}", s.authed(s.handleMembers))
	return mux
}

// URL returns the base URL, https://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// ServiceURL returns the connector's serviceUrl, with Teams' trailing slash:
// https://127.0.0.1:PORT/teams/.
func (s *Server) ServiceURL() string { return s.url + "/teams/" }

// BotID returns the bot's app id.
func (s *Server) BotID() string { return s.botID }

// Client returns an HTTP client that trusts the server's CA.
func (s *Server) Client() *http.Client { return s.ca.Client() }

// CA returns the CA of the server certificate.
func (s *Server) CA() *fakeca.CA { return s.ca }

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// authed checks the bot's app-only token: RS256 from Keyfunc, aud the
// cloud's Bot Framework resource (https://api.botframework.com, or
// https://api.botframework.us in Azure Government: Agents-for-net
// AuthenticationConstants.cs, BotFrameworkAudience, GovBotFrameworkAudience),
// appid (or azp) = the bot id.
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.keyfunc != nil {
			if reason := s.checkToken(r.Header.Get("Authorization")); reason != "" {
				s.log.LogAttrs(r.Context(), slog.LevelInfo, "connector: token rejected", slog.String("reason", reason))
				writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Authorization has been denied for this request."})
				return
			}
		}
		next(w, r)
	}
}

func (s *Server) checkToken(h string) string {
	const prefix = "Bearer "
	if len(h) <= len(prefix) || h[:len(prefix)] != prefix {
		return "no bearer token"
	}
	var c struct {
		jwt.RegisteredClaims
		AppID string `json:"appid"`
		Azp   string `json:"azp"`
	}
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(s.cloud.BotAudience),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now), jwt.WithLeeway(5*time.Minute))
	raw := h[len(prefix):]
	if exp, ok := s.verified.get(raw); ok && s.now().Before(exp) {
		return "" // verified before and not expired: the same token comes with every request
	}
	if _, err := p.ParseWithClaims(raw, &c, s.keyfunc); err != nil {
		return err.Error()
	}
	if c.AppID != s.botID && c.Azp != s.botID {
		return "token is for another app"
	}
	if c.ExpiresAt != nil {
		s.verified.put(raw, c.ExpiresAt.Time)
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// tokenCache remembers verified bot tokens and their expiry; it forgets
// everything past a bound (the bot uses one token an hour).
type tokenCache struct {
	mu sync.Mutex
	m  map[string]time.Time
}

func (c *tokenCache) get(tok string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.m[tok]
	return exp, ok
}

func (c *tokenCache) put(tok string, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 1024 {
		c.m = map[string]time.Time{}
	}
	c.m[tok] = exp
}
