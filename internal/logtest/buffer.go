// Package logtest is what tests use to read back the logs that code under
// test writes from many goroutines at once. Only tests import it (a rule of
// internal/deptest).
package logtest

import (
	"bytes"
	"sync"
)

// Buffer is a log sink safe for concurrent use: slog handlers (or anything
// else) write to it from any goroutine while a test reads it. The zero value
// is ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
