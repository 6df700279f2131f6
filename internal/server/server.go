package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/web"
)

// Defaults applied by New to zero-valued Options.
const (
	defaultBodyLimit      = 1 << 20 // 1 MiB
	defaultRequestTimeout = 30 * time.Second
	readHeaderTimeout     = 10 * time.Second
	idleTimeout           = 120 * time.Second
	writeTimeoutMargin    = 10 * time.Second // WriteTimeout = RequestTimeout + this, so the error handler can still answer
	maxHeaderBytes        = 64 << 10         // 64 KiB: room for large Entra bearer tokens
)

// Options configures a Server. Later features (bot endpoint, sign-in pages,
// tab API) are added here as fields, never as new constructors.
type Options struct {
	// Logger receives the request log and 5xx errors; nil discards them.
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
	// BodyLimit is the largest request body accepted, in bytes; 0 means 1 MiB.
	BodyLimit int64
	// RequestTimeout is the deadline put on every request's context; 0 means 30s.
	RequestTimeout time.Duration
	// TrustedProxies lists the peers whose X-Forwarded-For and X-Forwarded-Proto
	// headers are believed. Empty means the direct peer address is the client.
	TrustedProxies []netip.Prefix
	// FrameAncestors lists origins, beyond the built-in Teams, Microsoft 365 and
	// Outlook hosts, that may frame FlowDeck's pages.
	FrameAncestors []string
	// TeamsFrameAncestors are the Teams, Microsoft 365 and Outlook hosts of
	// the cloud (cloud.Cloud.FrameAncestors); nil means the public cloud's.
	TeamsFrameAncestors []string
	// Ready reports whether the service can serve (the store is reachable);
	// /readyz calls it with a short deadline. Nil means always ready.
	Ready func(ctx context.Context) error
	// Registry is served on /metrics and receives the server's request
	// metrics; nil means a new registry with the Go and process collectors.
	Registry *prometheus.Registry
	// UI is the file system served at /; nil means web.FS().
	UI fs.FS
	// Verifier checks the Teams SSO token of every /api request; nil makes
	// every /api request fail as misconfigured.
	Verifier TokenVerifier
	// Account answers GET /api/me; nil leaves the route out.
	Account Account
	// Mounts are extra handlers, each served under its path prefix (see Mount).
	Mounts []Mount
	// Bot is the Bot Framework endpoint (POST /api/messages); nil leaves it out.
	Bot http.Handler
	// Auth serves the consent and sign-in pages (/auth/start, /auth/end); nil leaves them out.
	Auth *AuthHandlers
	// Ops answers the personal tab's JSON API (/api/dashboard, /api/flows, …,
	// see tab.go); nil leaves those routes out.
	Ops Operations
	// RateLimitIP limits the requests of each client address (c.RealIP(), so
	// TrustedProxies applies) on every route but /api/messages, /healthz,
	// /readyz and /metrics, before authentication. The zero value is off.
	RateLimitIP RateLimit
	// RateLimitUser limits the requests of each signed-in user (tenant id and
	// object id) on the authenticated /api routes. The zero value is off.
	RateLimitUser RateLimit
	// Now is the clock of the rate limits; nil means time.Now.
	Now func() time.Time
	// SignOut forgets the user's upstream tokens (the broker's SignOut) for
	// POST /api/signout; nil leaves the route out.
	SignOut func(ctx context.Context, p flowdeck.Principal) error
	// Permissions explains a permission Power Platform said is missing
	// (admin-consent link, consent link); nil leaves such errors as they are.
	Permissions PermissionExplainer
}

// PermissionExplainer turns an upstream refusal for a missing delegated
// permission into the error the user reads, naming the permission with the
// admin-consent link (*identity.Consent). Other errors come back unchanged.
type PermissionExplainer interface {
	ExplainMissingPermission(p flowdeck.Principal, err error) error
}

// Server is FlowDeck's HTTP server: an Echo instance behind a configured
// *http.Server.
type Server struct {
	opts    Options
	log     *slog.Logger
	echo    *echo.Echo
	srv     *http.Server
	metrics *httpMetrics
	limits  *rateLimits
	csp     string
	api     *echo.Group // /api: the tab API, behind SSO (see auth.go)

	shutdownOnce sync.Once
	drained      chan struct{} // closed when Shutdown has finished
}

// New builds a Server from opts. It fails when opts are inconsistent or the
// request metrics cannot be registered on opts.Registry.
func New(opts Options) (*Server, error) {
	return newServer(opts, nil)
}

// newServer is New with a test hook that registers extra routes (a panicking
// or slow handler) after the production routes.
func newServer(opts Options, testRoutes func(e *echo.Echo)) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.BodyLimit < 0 {
		return nil, fmt.Errorf("server: BodyLimit %d is negative", opts.BodyLimit)
	}
	for _, m := range opts.Mounts {
		if len(m.Prefix) < 3 || !strings.HasPrefix(m.Prefix, "/") || !strings.HasSuffix(m.Prefix, "/") || m.Handler == nil {
			return nil, fmt.Errorf("server: mount %q needs a prefix like /dev/ and a handler", m.Prefix)
		}
	}
	if opts.BodyLimit == 0 {
		opts.BodyLimit = defaultBodyLimit
	}
	if opts.RequestTimeout < 0 {
		return nil, fmt.Errorf("server: RequestTimeout %s is negative", opts.RequestTimeout)
	}
	if opts.RequestTimeout == 0 {
		opts.RequestTimeout = defaultRequestTimeout
	}
	for _, p := range opts.TrustedProxies {
		if !p.IsValid() {
			return nil, fmt.Errorf("server: trusted proxy range %q is not valid", p)
		}
	}
	if opts.UI == nil {
		opts.UI = web.FS()
	}
	csp, err := contentSecurityPolicy(opts.TeamsFrameAncestors, opts.FrameAncestors)
	if err != nil {
		return nil, err
	}
	if opts.Registry == nil {
		opts.Registry = newDefaultRegistry()
	}
	m, err := newHTTPMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	limits, err := newRateLimits(opts)
	if err != nil {
		return nil, err
	}

	s := &Server{
		opts:    opts,
		log:     opts.Logger,
		metrics: m,
		limits:  limits,
		csp:     csp,
		drained: make(chan struct{}),
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor, e.SchemeExtractor = proxyExtractors(opts.TrustedProxies)
	s.echo = e

	s.use(e)
	s.routes(e)
	if testRoutes != nil {
		testRoutes(e)
	}

	s.srv = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       opts.RequestTimeout,
		WriteTimeout:      opts.RequestTimeout + writeTimeoutMargin,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// use installs the middleware chain, outermost first.
func (s *Server) use(e *echo.Echo) {
	e.Use(
		s.securityHeaders,    // every response, including errors and 404s
		requestID,            // before anything logs
		s.metrics.middleware, // sees the final status, after the error handler ran
		s.accessLog(),        // hands errors to the error handler, then logs the status
		s.recoverPanic,       // inside the access log: a panic is logged as a 500
		s.limitByIP,          // before any work, and before the /api group's authentication
		bodyLimit(s.opts.BodyLimit),
		requestTimeout(s.opts.RequestTimeout),
	)
}

// routes registers every production route.
func (s *Server) routes(e *echo.Echo) {
	s.healthRoutes(e)
	s.metricsRoutes(e)
	s.staticRoutes(e)
	s.apiRoutes(e)
	s.userRateLimitRoutes() // before any route on the /api group
	s.meRoutes()
	s.tabRoutes()
	s.authRoutes(e)
	s.botRoutes(e)
	s.mountRoutes(e)
}

// Handler returns the Echo instance as an http.Handler, for httptest.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve accepts connections on ln and blocks. After Shutdown it returns nil
// once in-flight requests have drained (or Shutdown gave up); any other
// failure is returned as is.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-s.drained
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests to
// finish until ctx ends; then it closes the remaining connections and returns
// ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.shutdownOnce.Do(func() {
		defer close(s.drained)
		err = s.srv.Shutdown(ctx)
		if err != nil {
			if cerr := s.srv.Close(); cerr != nil {
				err = errors.Join(err, cerr)
			}
			err = fmt.Errorf("server: shutdown: %w", err)
		}
	})
	return err
}
