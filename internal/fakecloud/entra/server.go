// Package entra is a faithful fake of Microsoft Entra ID for the local cloud.
//
// It serves, over real HTTPS on loopback, what MSAL for Go and FlowDeck's own
// token code talk to: OIDC discovery (v1 and v2), a rotating JWKS, the v2.0
// token endpoint (client credentials, On-Behalf-Of, refresh token,
// authorization code with PKCE; the client authenticated by a secret or by a
// certificate's client assertion), the authorize and admin-consent pages, and
// Entra's AADSTS error bodies. It holds a small directory (tenants, users, app
// registrations with their secrets and certificates, resource APIs),
// per-user and tenant-wide consent, MFA policies, and refresh tokens
// server-side. It also mints the SSO tokens a
// Teams client would get from getAuthToken.
//
// Production code never imports this package; tests and `flowdeck dev` do.
package entra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Addr is the listen address; default 127.0.0.1:0.
	Addr string
	// CA issues the server certificate; nil creates a new CA.
	CA *fakeca.CA
	// Now is the clock for issued/expiry times and every time check; default time.Now.
	Now func() time.Time
	// Logger receives request logs (never tokens or secrets); default discards.
	Logger *slog.Logger
	// TokenLifetime is the access-token lifetime; default 3600 s. MSAL for Go
	// rejects OBO results with expires_in ≤ 300 s, so keep it above that.
	TokenLifetime time.Duration
	// RefreshTokenLifetime is the refresh-token inactivity lifetime; default 90 days.
	RefreshTokenLifetime time.Duration
	// Demo loads the demo directory (both demo tenants, their users and the
	// FlowDeck app) without any consent.
	Demo bool
	// Cloud is the Microsoft cloud the fake plays (cloud.Public, cloud.GCC,
	// cloud.GCCHigh, cloud.DoD, cloud.China; default public): its Power
	// Automate, Power Apps and Graph resources are that cloud's audiences.
	Cloud string
}

// Server is a running fake Entra ID. Its methods are safe for concurrent use.
type Server struct {
	log        *slog.Logger
	now        func() time.Time
	lifetime   time.Duration
	rtLifetime time.Duration
	ca         *fakeca.CA
	ln         net.Listener
	srv        *http.Server
	url        string
	keys       *keySet
	cloud      cloud.Cloud

	mu        sync.Mutex
	tenants   map[string]*Tenant // by lower-case id
	users     map[userKey]demo.User
	apps      map[string]*App // by lower-case client id
	resources map[string]*Resource
	consents  map[consentKey]map[string]bool
	// appRoles are the admin-consented application permissions
	// (appRoleAssignments), keyed with user "" (approles.go).
	appRoles map[consentKey]map[string]bool
	mfa      map[mfaKey]bool
	// adminOnly are the tenants whose users cannot consent (RequireAdminConsent).
	adminOnly map[string]bool
	refresh   map[string]*refreshGrant
	codes     map[string]*authCode
	pending   map[string]*pendingAuth
	down      bool
	stats     stats
	// assertions remembers the client assertions' jti values (replay) and counts them.
	assertions assertionLog
}

// New starts a fake Entra ID listening on opts.Addr.
func New(opts Options) (*Server, error) {
	s := &Server{
		log:        opts.Logger,
		now:        opts.Now,
		lifetime:   opts.TokenLifetime,
		rtLifetime: opts.RefreshTokenLifetime,
		ca:         opts.CA,
		tenants:    map[string]*Tenant{},
		users:      map[userKey]demo.User{},
		apps:       map[string]*App{},
		resources:  map[string]*Resource{},
		consents:   map[consentKey]map[string]bool{},
		appRoles:   map[consentKey]map[string]bool{},
		mfa:        map[mfaKey]bool{},
		adminOnly:  map[string]bool{},
		refresh:    map[string]*refreshGrant{},
		codes:      map[string]*authCode{},
		pending:    map[string]*pendingAuth{},
		stats:      newStats(),
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.lifetime <= 0 {
		s.lifetime = time.Hour
	}
	if s.rtLifetime <= 0 {
		s.rtLifetime = 90 * 24 * time.Hour
	}
	if s.ca == nil {
		ca, err := fakeca.New()
		if err != nil {
			return nil, err
		}
		s.ca = ca
	}
	first, err := newSigningKey(s.now())
	if err != nil {
		return nil, err
	}
	s.keys = &keySet{keys: []*signingKey{first}}
	if opts.Cloud == "" {
		opts.Cloud = cloud.Public
	}
	cl, ok := cloud.Get(opts.Cloud)
	if !ok {
		return nil, fmt.Errorf("entra: unknown cloud %q", opts.Cloud)
	}
	s.cloud = cl
	for _, r := range firstPartyResources(cl) {
		if err := s.AddResource(r); err != nil {
			return nil, err
		}
	}
	if opts.Demo {
		if err := s.loadDemo(); err != nil {
			return nil, err
		}
	}
	tlsConf, err := s.ca.ServerTLSConfig()
	if err != nil {
		return nil, err
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("entra: listen: %w", err)
	}
	s.ln = ln
	s.url = "https://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s.routes(),
		TLSConfig:         tlsConf,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := s.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("entra: serve", "err", err)
		}
	}()
	return s, nil
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.handleDiscoveryV2)
	mux.HandleFunc("GET /{tenant}/.well-known/openid-configuration", s.handleDiscoveryV1)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.handleKeys)
	mux.HandleFunc("GET /{tenant}/discovery/keys", s.handleKeys)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.handleToken)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.handleAuthorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/authorize", s.handleAuthorizeSubmit)
	mux.HandleFunc("GET /{tenant}/v2.0/adminconsent", s.handleAdminConsent)
	mux.HandleFunc("POST /{tenant}/v2.0/adminconsent", s.handleAdminConsentSubmit)
	return s.logRequests(mux)
}

// URL returns the base URL, https://127.0.0.1:PORT.
func (s *Server) URL() string { return s.url }

// Authority returns the MSAL authority for a tenant: URL()/tenantID.
func (s *Server) Authority(tenantID string) string { return s.url + "/" + tenantID }

// V1Issuer returns the tenant's v1 issuer in the cloud the fake plays
// (https://sts.windows.net/{tid}/, 21Vianet's https://sts.chinacloudapi.cn/{tid}/):
// learn.microsoft.com/entra/identity-platform/access-token-claims-reference (iss)
// and the national-cloud endpoints page.
func (s *Server) V1Issuer(tenantID string) string { return s.cloud.EntraV1Issuer + tenantID + "/" }

// Issuer returns the v2 issuer the discovery document advertises for a
// tenant: URL()/tenantID/v2.0. (Access tokens carry Microsoft's real issuers.)
func (s *Server) Issuer(tenantID string) string { return s.url + "/" + tenantID + "/v2.0" }

// JWKSURL returns the tenant's JWKS URL: URL()/tenant/discovery/v2.0/keys.
func (s *Server) JWKSURL(tenant string) string { return s.url + "/" + tenant + "/discovery/v2.0/keys" }

// TokenURL returns the tenant's token endpoint.
func (s *Server) TokenURL(tenant string) string { return s.url + "/" + tenant + "/oauth2/v2.0/token" }

// Client returns an HTTP client that trusts the fake's CA.
func (s *Server) Client() *http.Client { return s.ca.Client() }

// CACertPEM returns the PEM of the CA that issued the server certificate.
func (s *Server) CACertPEM() []byte { return s.ca.CertPEM() }

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// SetTokenEndpointDown makes the token endpoint answer 503 with Entra's
// temporarily_unavailable body (AADSTS90033) while down is true.
func (s *Server) SetTokenEndpointDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// writeErr stamps and writes an AADSTS error.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, e *aadErr) {
	body := e.stamp(s.now(), r.Header.Get("client-request-id"))
	if e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.status, body)
}

// isMetaTenant reports whether tenant is one of Entra's multi-tenant aliases.
func isMetaTenant(tenant string) bool {
	switch strings.ToLower(tenant) {
	case "common", "organizations", "consumers":
		return true
	}
	return false
}

func errTenantNotFound(tenant string) *aadErr {
	e := errInvalidRequest(90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)
	e.code = "invalid_tenant"
	return e
}
