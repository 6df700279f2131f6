package botframework_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// mintingSource mints a Bot Connector token valid for an hour of the test
// clock on every call, and counts the calls.
type mintingSource struct {
	v   *env
	mu  sync.Mutex
	n   int
	aud string
}

func (s *mintingSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	s.n++
	aud := s.aud
	s.mu.Unlock()
	now := s.v.clock.Now()
	return s.v.entra.Sign(map[string]any{"aud": aud, "appid": demo.ClientID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
}

func (s *mintingSource) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func TestClientReusesTokenUntilNearExpiry(t *testing.T) {
	v := newEnv(t)
	src := &mintingSource{v: v, aud: "https://api.botframework.com"}
	c := v.client(t, botframework.ClientOptions{TokenSource: src})
	send := func() error {
		_, err := c.SendToConversation(t.Context(), v.bf.ServiceURL(), "a:1tok", &schema.Activity{Text: "x"})
		return err
	}
	for range 3 {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	if n := src.calls(); n != 1 {
		t.Fatalf("token source asked %d times for 3 sends, want 1", n)
	}
	// Within 5 minutes of its expiry the token is asked for again.
	v.clock.Advance(55*time.Minute + time.Second)
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if n := src.calls(); n != 2 {
		t.Fatalf("token source asked %d times near expiry, want 2", n)
	}
	// A token the connector refuses (401) is not reused.
	bad := &mintingSource{v: v, aud: "https://graph.microsoft.com"}
	c = v.client(t, botframework.ClientOptions{TokenSource: bad})
	for range 2 {
		if err := send(); !errors.Is(err, flowdeck.ErrMisconfigured) {
			t.Fatalf("refused token: %v", err)
		}
	}
	if n := bad.calls(); n != 2 {
		t.Fatalf("token source asked %d times after a 401, want 2", n)
	}
}
