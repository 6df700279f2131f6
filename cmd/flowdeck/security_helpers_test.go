package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// The security battery's helpers: a stack that logs at debug level into the
// test log (so that `make test`'s log scan reads FlowDeck's own lines under
// attack), and raw requests with a chosen Authorization header.

// newSecurityStack is newStack with FlowDeck's and the fakes' debug logs in
// the test log.
func newSecurityStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return newStack(t, o)
}

// secAnswer is an HTTP status, headers and body.
type secAnswer struct {
	status int
	header http.Header
	body   string
}

// secDo sends method path with authorization ("" for none) and body (nil for
// none, else JSON).
func (s *stack) secDo(ctx context.Context, t testing.TB, method, path, authorization string, body any) secAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return secAnswer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// secPost posts activity a to /api/messages with authorization as is.
func (s *stack) secPost(ctx context.Context, t testing.TB, authorization string, a map[string]any) secAnswer {
	t.Helper()
	return s.secDo(ctx, t, http.MethodPost, "/api/messages", authorization, a)
}

// secSSO is s.ssoToken or the end of the test.
func (s *stack) secSSO(t testing.TB, u demo.User) string {
	t.Helper()
	tok, err := s.ssoToken(u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// secClaims decodes a JWT's payload without checking anything.
func secClaims(t testing.TB, tok string) jwt.MapClaims {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT (%d parts)", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	c := jwt.MapClaims{}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// secUser is the demo user called name.
func secUser(t testing.TB, name string) demo.User {
	t.Helper()
	for _, u := range demo.Users() {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no demo user %q", name)
	return demo.User{}
}
