package upstream

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/retry"
)

// TokenSource gives delegated access tokens (identity.Broker satisfies it).
// audience is an audience key of the registry ("flow", "powerapps", "graph").
type TokenSource interface {
	Token(ctx context.Context, p flowdeck.Principal, audience string) (string, error)
}

// Audiences maps a request host (host or host:port) to the key of the audience
// whose token it accepts (identity.Registry satisfies it).
type Audiences interface {
	AudienceKey(host string) (string, bool)
}

// Defaults of Options.
const (
	DefaultPerUserInFlight = 4
	DefaultAttemptTimeout  = 30 * time.Second
	DefaultMaxRetries      = 3
	DefaultMaxRetryAfter   = 30 * time.Second
	DefaultBackoffBase     = 250 * time.Millisecond
	DefaultBackoffMax      = 8 * time.Second
	// UserAgent is sent with every request.
	UserAgent = "FlowDeck/1.0 (+https://github.com/flowdeck/flowdeck)"
)

// Options configure the transport. Tokens and Audiences are required.
type Options struct {
	Tokens    TokenSource
	Audiences Audiences
	// Base sends the requests (default http.DefaultTransport).
	Base http.RoundTripper
	// PerUserInFlight bounds the calls in flight per principal (default 4).
	// A call over the limit waits for a slot (or for its context to end).
	PerUserInFlight int
	// AttemptTimeout bounds each attempt, body included (default 30 s). The
	// request context's deadline always wins.
	AttemptTimeout time.Duration
	// MaxRetries is how many times a safe request is retried (default 3; < 0: never).
	MaxRetries int
	// MaxRetryAfter caps the wait a Retry-After may ask for (default 30 s); a
	// longer ask is not waited for and the 429 is returned.
	MaxRetryAfter time.Duration
	// BackoffBase and BackoffMax shape the exponential backoff with full jitter.
	BackoffBase, BackoffMax time.Duration
	// Now is the clock (default time.Now), for HTTP-date Retry-After values.
	Now func() time.Time
	// Sleep waits d or until ctx ends (default retry.Wait).
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a float in [0, 1) for the jitter (default math/rand/v2).
	Rand func() float64
	// Logger receives one debug line per attempt (default: discard). Tokens
	// are never logged.
	Logger *slog.Logger
	// Metrics, if set, counts attempts by the labels "api" (the audience key)
	// and "status" (the HTTP status, or "error").
	Metrics *prometheus.CounterVec
}

func (o *Options) defaults() {
	if o.Base == nil {
		o.Base = http.DefaultTransport
	}
	if o.PerUserInFlight <= 0 {
		o.PerUserInFlight = DefaultPerUserInFlight
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = retry.Wait
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// NewMetrics returns the counter vector Options.Metrics expects, unregistered.
func NewMetrics() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "flowdeck_upstream_requests_total",
		Help: "Upstream HTTP attempts by API (audience key) and status.",
	}, []string{"api", "status"})
}

// funcTripper adapts a function to http.RoundTripper (cli/cli's pattern).
type funcTripper func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f funcTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// NewTransport returns the transport chain described in the package doc.
func NewTransport(o Options) http.RoundTripper {
	o.defaults()
	send := instrument(o, o.Base)
	send = authorize(o, send)
	send = attemptTimeout(o, send)
	send = refused(o, send)
	send = limitPerUser(o, send)
	return retrying(o, send)
}

// NewClient returns an HTTP client on NewTransport(o). Redirects are followed
// (at most 5) but a redirect to another host never carries the token.
func NewClient(o Options) *http.Client {
	return &http.Client{
		Transport: NewTransport(o),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}
