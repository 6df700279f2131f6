package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// consentState is what /auth/start?s=… carries and Entra echoes back to
// /auth/end as state: sealed (AES-256-GCM), so nobody can read or change it.
type consentState struct {
	Tenant    string   `json:"t"`
	User      string   `json:"u"`
	Nonce     string   `json:"n"`
	Audiences []string `json:"a"`
	// Permissions, when set, are the only permissions (names, of the single
	// audience) the authorize request asks; otherwise it asks all of them.
	Permissions []string `json:"s,omitempty"`
	LoginHint   string   `json:"h,omitempty"`
	Prompt      string   `json:"p,omitempty"`
	Expires     int64    `json:"e"` // Unix seconds
	// Claims is a claims challenge for the authorize request's "claims" parameter.
	Claims string `json:"c,omitempty"`
}

// pkceCookie is the sealed cookie that binds the browser to its flow and
// keeps the PKCE verifier off the URL.
type pkceCookie struct {
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"`
}

// Purposes separate the two sealed objects: one cannot be passed off as the other.
const (
	purposeState  = "flowdeck/consent-state/v1"
	purposeCookie = "flowdeck/consent-pkce/v1"
)

// sealer seals small JSON objects with AES-256-GCM under a key derived
// (HKDF-SHA256) from the configured secret.
type sealer struct{ aead cipher.AEAD }

func newSealer(secret []byte) (*sealer, error) {
	if len(secret) != 32 {
		return nil, fmt.Errorf("the state key is %d bytes, want 32", len(secret))
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "flowdeck consent state", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(purpose string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(purpose))), nil
}

var errBadSeal = errors.New("not a valid sealed value")

func (s *sealer) open(purpose, sealed string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() || len(sealed) > 8192 {
		return errBadSeal
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return errBadSeal
	}
	if json.Unmarshal(plain, v) != nil {
		return errBadSeal
	}
	return nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
