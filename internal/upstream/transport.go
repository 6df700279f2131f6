package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// errAttemptTimeout marks an attempt that ran out of its own time.
var errAttemptTimeout = errors.New("upstream: attempt timed out")

// authorize sets the standard headers and the bearer token for the request's
// host. The token comes from o.Tokens for the principal in the request's
// context; that context also carries, from the tab, the caller's
// flowdeck.Assertion, which the broker exchanges On-Behalf-Of when it holds
// no usable token (see the package doc). This layer never reads it.
func authorize(o Options, next http.RoundTripper) http.RoundTripper {
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		key, known := o.Audiences.AudienceKey(req.URL.Host)
		if !known {
			return nil, &flowdeck.Error{Kind: flowdeck.ErrMisconfigured,
				Message: "FlowDeck tried to call a service it is not configured for; ask your administrator to run 'flowdeck doctor'.",
				Detail:  map[string]string{"host": req.URL.Host}, Err: fmt.Errorf("upstream: no audience for host %q", req.URL.Host)}
		}
		p, ok := flowdeck.PrincipalFrom(ctx)
		if !ok || !p.Valid() {
			return nil, &flowdeck.Error{Kind: flowdeck.ErrUnauthenticated, Message: "Sign in to FlowDeck to continue.",
				Err: errors.New("upstream: no principal in context")}
		}
		r := req.Clone(ctx)
		id := flowdeck.RequestID(ctx)
		if id == "" {
			id = uuid.NewString()
		}
		r.Header.Set("x-ms-client-request-id", id)
		r.Header.Set("Accept", "application/json")
		r.Header.Set("User-Agent", UserAgent)
		if r.Body != nil && r.Header.Get("Content-Type") == "" {
			r.Header.Set("Content-Type", "application/json")
		}
		r.Header.Del("Authorization")
		if redirectedFromOtherHost(req) {
			return next.RoundTrip(r)
		}
		tok, err := o.Tokens.Token(ctx, p, key)
		if err != nil {
			return nil, fmt.Errorf("upstream: token for %s: %w", key, err)
		}
		r.Header.Set("Authorization", "Bearer "+tok)
		return next.RoundTrip(r)
	})
}

// redirectedFromOtherHost reports whether req follows a redirect from a request
// to another host (anywhere in the redirect chain).
func redirectedFromOtherHost(req *http.Request) bool {
	for resp := req.Response; resp != nil && resp.Request != nil; resp = resp.Request.Response {
		if !strings.EqualFold(resp.Request.URL.Host, req.URL.Host) {
			return true
		}
	}
	return false
}

// instrument logs and counts each attempt.
func instrument(o Options, next http.RoundTripper) http.RoundTripper {
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := next.RoundTrip(req)
		status := "error"
		attrs := []slog.Attr{slog.String("method", req.Method), slog.String("host", req.URL.Host),
			slog.String("path", req.URL.Path), slog.String("request_id", req.Header.Get("x-ms-client-request-id")),
			slog.Duration("took", time.Since(start))}
		if err != nil {
			attrs = append(attrs, slog.String("err", err.Error()))
		} else {
			status = strconv.Itoa(resp.StatusCode)
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		o.Logger.LogAttrs(req.Context(), slog.LevelDebug, "upstream call", attrs...)
		if o.Metrics != nil {
			key, _ := o.Audiences.AudienceKey(req.URL.Host)
			o.Metrics.WithLabelValues(key, status).Inc()
		}
		return resp, err
	})
}

// attemptTimeout bounds one attempt, reading the body included.
func attemptTimeout(o Options, next http.RoundTripper) http.RoundTripper {
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		parent := req.Context()
		ctx, cancel := context.WithTimeoutCause(parent, o.AttemptTimeout, errAttemptTimeout)
		resp, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil {
			cancel()
			if parent.Err() == nil && errors.Is(context.Cause(ctx), errAttemptTimeout) {
				err = fmt.Errorf("%w: %w", errAttemptTimeout, err)
			}
			return nil, err
		}
		resp.Body = &hookBody{ReadCloser: resp.Body, done: cancel}
		return resp, nil
	})
}

// hookBody calls done once, at EOF or Close.
type hookBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *hookBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *hookBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// limiter holds one semaphore per principal, dropped when unused.
type limiter struct {
	n  int
	mu sync.Mutex
	m  map[string]*userSem
}

type userSem struct {
	slots chan struct{}
	refs  int
}

func (l *limiter) acquire(ctx context.Context, key string) (func(), error) {
	l.mu.Lock()
	s := l.m[key]
	if s == nil {
		s = &userSem{slots: make(chan struct{}, l.n)}
		l.m[key] = s
	}
	s.refs++
	l.mu.Unlock()
	drop := func() {
		l.mu.Lock()
		s.refs--
		if s.refs == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}

// limitPerUser keeps at most o.PerUserInFlight attempts of one principal in
// flight; an attempt holds its slot until its body is read or closed.
func limitPerUser(o Options, next http.RoundTripper) http.RoundTripper {
	l := &limiter{n: o.PerUserInFlight, m: map[string]*userSem{}}
	return funcTripper(func(req *http.Request) (*http.Response, error) {
		p, ok := flowdeck.PrincipalFrom(req.Context())
		if !ok {
			return next.RoundTrip(req)
		}
		release, err := l.acquire(req.Context(), p.TenantID+"/"+p.UserID)
		if err != nil {
			return nil, err
		}
		resp, err := next.RoundTrip(req)
		if err != nil {
			release()
			return nil, err
		}
		resp.Body = &hookBody{ReadCloser: resp.Body, done: release}
		return resp, nil
	})
}
