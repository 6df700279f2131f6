// Package logtest is what tests use to read back the logs that code under
// test writes from many goroutines at once. Only tests import it (a rule of
// internal/deptest).
package logtest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
)

// Buffer is a log sink safe for concurrent use: slog handlers (or anything
// else) write to it from any goroutine while a test reads it or waits for a
// line. The zero value is ready to use.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write while someone waits
}

// Write appends p; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Wait blocks until what was written contains text, or returns an error
// when ctx ends first. It wakes on writes, never on a timer.
func (b *Buffer) Wait(ctx context.Context, text string) error {
	for {
		b.mu.Lock()
		if strings.Contains(b.buf.String(), text) {
			b.mu.Unlock()
			return nil
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("the logs never said %q: %w", text, ctx.Err())
		}
	}
}
