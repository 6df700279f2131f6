package logtest_test

import (
	"context"

	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/logtest"
)

// TestBufferConcurrent: many goroutines log at once while the test reads;
// every line arrives whole (run with -race).
func TestBufferConcurrent(t *testing.T) {
	var b logtest.Buffer
	log := slog.New(slog.NewTextHandler(&b, nil))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for range 50 {
				log.Info("hello", "writer", i)
				_ = b.String()
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1000 {
		t.Fatalf("%d lines, want 1000", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, "msg=hello writer=") {
			t.Fatalf("line %q is not one whole record", l)
		}
	}
}

func TestBufferZeroValue(t *testing.T) {
	var b logtest.Buffer
	if b.String() != "" {
		t.Fatalf("zero Buffer holds %q", b.String())
	}
	if n, err := b.Write([]byte("a")); n != 1 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b.String() != "a" {
		t.Fatalf("String = %q, want %q", b.String(), "a")
	}
}

// TestBufferWait: Wait returns once a later write holds the text, and fails
// when its context ends before any write does.
func TestBufferWait(t *testing.T) {
	var b logtest.Buffer
	done := make(chan error, 1)
	go func() { done <- b.Wait(t.Context(), "ready") }()
	b.Write([]byte("not yet\n"))
	b.Write([]byte("now ready\n"))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := b.Wait(ctx, "never written"); err == nil {
		t.Error("Wait returned nil for text that was never written")
	}
}
