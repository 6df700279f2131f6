package main

import (
	"io"
	"log/slog"

	"github.com/flowdeck/flowdeck/internal/config"
)

// newLogger builds the process logger: JSON in production, text in dev.
func newLogger(c config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
