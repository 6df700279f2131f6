package powerplatform

import (
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/fakecloud/revocation"
)

// Default audiences of the public cloud.
const (
	DefaultFlowAudience      = "https://service.flow.microsoft.com/"
	DefaultPowerAppsAudience = "https://service.powerapps.com/"
)

// DefaultPageSize is the page size when Options.PageSize is zero.
const DefaultPageSize = 50

// Options configure a Server. The zero value serves Demo(now) on random
// loopback ports without checking token signatures.
type Options struct {
	// Addr is the Flow listener's host:port (default 127.0.0.1:0). With a
	// fixed port p, Power Apps listens on p+1, BAP on p+2, the alternate
	// Flow host on p+3 and the run-content host on p+4; with port 0 every
	// listener takes a random port.
	Addr string
	// CA issues the TLS certificates; nil creates a fresh one.
	CA *fakeca.CA
	// Keyfunc verifies bearer token signatures (RS256). Nil decodes tokens
	// without verifying the signature (reference §8); the claims are still checked.
	Keyfunc jwt.Keyfunc
	// Cloud is the Microsoft cloud whose audiences the fake accepts
	// (cloud.Public, cloud.GCC, …; default public). See audiences.go.
	Cloud string
	// FlowAudience overrides the cloud's Flow RP audience; PowerAppsAudience
	// that of Power Apps and BAP. Each is compared exactly, trailing slash
	// included.
	FlowAudience      string
	PowerAppsAudience string
	// Now is the clock (default time.Now). Running runs complete when it passes their end.
	Now func() time.Time
	// Logger receives one debug line per request (default: discard).
	Logger *slog.Logger
	// Tenant is the content served; nil serves Demo(Now()).
	Tenant *Tenant
	// PageSize is the largest page of every list (default DefaultPageSize).
	PageSize int
	// Seed drives the faults' random choices (fault rate, uniform latency).
	Seed int64
	// OnRequest, if set, is called with each request's log entry once it is
	// answered (or abandoned), on the serving goroutine.
	OnRequest func(LoggedRequest)
	// ContentTTL is how long the signed inputsLink/outputsLink of actions
	// stay valid (default DefaultContentTTL).
	ContentTTL time.Duration
}

// Server is a running fake Power Platform.
type Server struct {
	opts Options
	ca   *fakeca.CA
	log  *slog.Logger

	flowURL, powerAppsURL, bapURL, altURL, contentURL string
	accepted                                          accepted
	servers                                           []*http.Server
	// contentKey signs the content links of the run-content host.
	contentKey []byte

	mu sync.Mutex // guards st and seq
	st *state
	// seq numbers the runs, responses and other objects the server creates.
	seq uint64

	faults faults
	rl     reqLog
	// revoked holds the users whose sessions RevokeTokens revoked.
	revoked revocation.List
}

// New starts the five listeners and returns the Server.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	auds, err := audiencesFor(&opts)
	if err != nil {
		return nil, err
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.ContentTTL <= 0 {
		opts.ContentTTL = DefaultContentTTL
	}
	if opts.Tenant == nil {
		opts.Tenant = Demo(opts.Now())
	}
	ca := opts.CA
	if ca == nil {
		var err error
		if ca, err = fakeca.New(); err != nil {
			return nil, fmt.Errorf("powerplatform: CA: %w", err)
		}
	}
	host, portStr, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("powerplatform: Addr %q: %w", opts.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("powerplatform: Addr %q: %w", opts.Addr, err)
	}
	tlsCfg, err := ca.ServerTLSConfig(host)
	if err != nil {
		return nil, fmt.Errorf("powerplatform: TLS: %w", err)
	}
	s := &Server{opts: opts, ca: ca, log: opts.Logger, st: newState(opts.Tenant), accepted: auds, contentKey: make([]byte, 32)}
	if _, err := rand.Read(s.contentKey); err != nil {
		return nil, fmt.Errorf("powerplatform: content key: %w", err)
	}
	s.faults.init(opts.Seed)

	flowMux := s.flowMux()
	muxes := []struct {
		api     string
		handler http.Handler
		url     *string
	}{
		{apiFlow, flowMux, &s.flowURL},
		{apiPowerApps, s.powerAppsMux(), &s.powerAppsURL},
		{apiBAP, s.bapMux(), &s.bapURL},
		{apiFlow, flowMux, &s.altURL},
		{apiContent, s.contentMux(), &s.contentURL},
	}
	for i, m := range muxes {
		p := 0
		if port != 0 {
			p = port + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("powerplatform: listen: %w", err)
		}
		*m.url = "https://" + ln.Addr().String()
		srv := &http.Server{
			Handler:           m.handler,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		}
		s.servers = append(s.servers, srv)
		go func() {
			if err := srv.Serve(tls.NewListener(ln, tlsCfg)); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("powerplatform: serve", slog.String("api", m.api), slog.Any("err", err))
			}
		}()
	}
	return s, nil
}

// FlowURL is the Flow RP base URL (production: https://api.flow.microsoft.com);
// paths start with /providers/Microsoft.ProcessSimple.
func (s *Server) FlowURL() string { return s.flowURL }

// PowerAppsURL is the Power Apps RP base URL (production: https://api.powerapps.com);
// paths start with /providers/Microsoft.PowerApps.
func (s *Server) PowerAppsURL() string { return s.powerAppsURL }

// BAPURL is the BAP base URL (production: https://api.bap.microsoft.com);
// paths start with /providers/Microsoft.BusinessAppPlatform.
func (s *Server) BAPURL() string { return s.bapURL }

// AltURL is a second host:port serving the same Flow RP, like a regional host;
// some nextLinks point at it.
func (s *Server) AltURL() string { return s.altURL }

// Client returns an HTTP client that trusts the server's CA.
func (s *Server) Client() *http.Client { return s.ca.Client() }

// CA returns the certificate authority of the listeners.
func (s *Server) CA() *fakeca.CA { return s.ca }

// Close stops every listener and closes open connections.
func (s *Server) Close() {
	for _, srv := range s.servers {
		_ = srv.Close()
	}
}

func (s *Server) now() time.Time { return s.opts.Now() }
