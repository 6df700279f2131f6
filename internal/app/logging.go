package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"

	"github.com/flowdeck/flowdeck/internal/config"
)

// idKeys are the log attributes that carry tenant or user identifiers (or
// other personal data); with FLOWDECK_LOG_IDS=hashed they are logged as a
// keyed hash, the same for one id, so lines about one user still correlate.
var idKeys = map[string]bool{
	"tenant": true, "tenant_id": true, "tid": true, "signed_in_tenant": true,
	"user": true, "user_id": true, "oid": true, "signed_in_user": true, "upn": true, "name": true,
}

// NewLogger builds the process logger: JSON in production, text in dev, ids
// hashed unless the operator asked for plain ones.
func NewLogger(c config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogIDs != "plain" {
		key := derivedKey(c.EncryptionKey, "flowdeck/log-ids/v1")
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if idKeys[a.Key] && a.Value.Kind() == slog.KindString && a.Value.String() != "" {
				return slog.String(a.Key, hashID(key, a.Value.String()))
			}
			return a
		}
	}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// hashID is a short keyed hash of an identifier for logs.
func hashID(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "h:" + hex.EncodeToString(m.Sum(nil)[:8])
}
