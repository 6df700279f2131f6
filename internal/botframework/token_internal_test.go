package botframework

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// slowSource hands out a token with exp an hour ahead once released.
type slowSource struct {
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	n       int
}

func (s *slowSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	s.entered <- struct{}{}
	<-s.release
	payload := fmt.Sprintf(`{"exp":%d}`, time.Now().Add(time.Hour).Unix())
	return "h." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".s", nil
}

func (s *slowSource) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Calls that find no token wait for the one fetch under way instead of
// each asking the source.
func TestTokenMemoSharesOneFetch(t *testing.T) {
	src := &slowSource{entered: make(chan struct{}, 1), release: make(chan struct{})}
	m := &tokenMemo{ts: src, clock: realClock{}}
	first := make(chan error, 1)
	go func() {
		_, err := m.Token(t.Context())
		first <- err
	}()
	<-src.entered
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Token(gone); !errors.Is(err, context.Canceled) || !errors.Is(err, flowdeck.ErrUnavailable) {
		t.Fatalf("second call while the fetch is under way: %v", err)
	}
	if n := src.calls(); n != 1 {
		t.Fatalf("source asked %d times, want 1", n)
	}
	close(src.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if _, err := m.Token(t.Context()); err != nil || src.calls() != 1 {
		t.Fatalf("after the fetch: %v, %d calls", err, src.calls())
	}
}
