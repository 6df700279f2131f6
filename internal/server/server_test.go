package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// serveOnLoopback runs s.Serve on a 127.0.0.1:0 listener and returns the base
// URL, the listener address and the channel Serve's result arrives on.
func serveOnLoopback(t *testing.T, s *Server) (string, string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	return "http://" + ln.Addr().String(), ln.Addr().String(), served
}

// blockingRoutes registers /test/block, which signals started and then waits
// for release.
func blockingRoutes(started chan<- struct{}, release <-chan struct{}) func(e *echo.Echo) {
	return func(e *echo.Echo) {
		e.GET("/test/block", func(c echo.Context) error {
			started <- struct{}{}
			<-release
			return c.String(http.StatusOK, "done")
		})
	}
}

type result struct {
	status int
	body   string
	err    error
}

// fetch GETs url with its own transport and sends the outcome on the returned channel.
func fetch(url string) <-chan result {
	out := make(chan result, 1)
	go func() {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Get(url)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		out <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	return out
}

func TestShutdownDrainsInFlightRequest(t *testing.T) {
	started, release := make(chan struct{}, 1), make(chan struct{})
	s, err := newServer(Options{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}, blockingRoutes(started, release))
	if err != nil {
		t.Fatal(err)
	}
	shutdownBegun := make(chan struct{})
	s.srv.RegisterOnShutdown(func() { close(shutdownBegun) }) // runs after the listener is closed

	base, addr, served := serveOnLoopback(t, s)
	got := fetch(base + "/test/block")
	<-started

	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background()) }()
	<-shutdownBegun

	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	case err := <-shutdown:
		t.Fatalf("Shutdown returned %v while a request was in flight", err)
	default:
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("a new connection was accepted during shutdown")
	}

	close(release)
	r := <-got
	if r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Errorf("in-flight request got %d %q %v, want 200 \"done\"", r.status, r.body, r.err)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("a new connection was accepted after shutdown")
	}
}

func TestShutdownGivesUpWhenContextEnds(t *testing.T) {
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	// The cut handler returns only after the test, so it must not log to t.Output().
	s, err := newServer(Options{Logger: slog.New(slog.DiscardHandler)}, blockingRoutes(started, release))
	if err != nil {
		t.Fatal(err)
	}
	base, _, served := serveOnLoopback(t, s)
	got := fetch(base + "/test/block")
	<-started

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v, want context.Canceled", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if r := <-got; r.err == nil {
		t.Errorf("request cut by a forced shutdown got %d %q, want a transport error", r.status, r.body)
	}
}

func TestNewDefaultsAndLimits(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if s.opts.BodyLimit != 1<<20 || s.opts.RequestTimeout != 30*time.Second {
		t.Errorf("defaults: BodyLimit %d, RequestTimeout %s; want 1 MiB, 30s", s.opts.BodyLimit, s.opts.RequestTimeout)
	}
	srv := s.srv
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Errorf("http.Server limits unset: %+v", srv)
	}
	if srv.WriteTimeout <= s.opts.RequestTimeout {
		t.Errorf("WriteTimeout %s is not longer than RequestTimeout %s", srv.WriteTimeout, s.opts.RequestTimeout)
	}
	if srv.Handler != s.Handler() {
		t.Error("http.Server.Handler is not the Echo instance")
	}

	for name, o := range map[string]Options{
		"negative body limit": {BodyLimit: -1},
		"negative timeout":    {RequestTimeout: -time.Second},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%s) succeeded, want an error", name)
		}
	}
}
