package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// devKeyPath is where `flowdeck dev` keeps its generated encryption key.
func devKeyPath(dataDir string) string { return filepath.Join(dataDir, "dev-encryption.key") }

// devKey returns the dev encryption key from the data folder, generating it
// (32 random bytes, base64, mode 0600) on first use. Only `flowdeck dev` does
// this; `flowdeck serve` requires FLOWDECK_ENCRYPTION_KEY.
func devKey(dataDir string) (key []byte, created bool, err error) {
	path := devKeyPath(dataDir)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, false, fmt.Errorf("%s is not a 32-byte base64 key; delete it to generate a new one (stored tokens will be lost)", path)
		}
		return key, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("read dev key: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data folder: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, fmt.Errorf("generate dev key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("write dev key: %w", err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, false, fmt.Errorf("write dev key: %w", werr)
	}
	return key, true, nil
}
