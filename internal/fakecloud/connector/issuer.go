package connector

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ChannelIssuer is the iss of the public cloud's Bot Framework channel tokens
// (CloudOptions.ChannelIssuer plays another cloud's).
const ChannelIssuer = "https://api.botframework.com"

// DefaultEndorsements are the channels the current key is endorsed for
// (keys carry endorsements; microsoft/botbuilder-dotnet libraries/
// Microsoft.Bot.Connector/Authentication/ChannelValidation.cs checks them).
var DefaultEndorsements = []string{"msteams", "emulator", "webchat", "directline", "skype"}

// SigningKey selects the key a token is signed with, for forging.
type SigningKey int

// The keys of the fake issuer.
const (
	// KeyCurrent is the current key, served and endorsed for DefaultEndorsements.
	KeyCurrent SigningKey = iota
	// KeyUnendorsed is served without an endorsements member.
	KeyUnendorsed
	// KeyOtherChannel is served, endorsed for "webchat" only.
	KeyOtherChannel
	// KeyUnpublished is never served: its kid is unknown to the JWKS.
	KeyUnpublished
	// KeyImpostor is never served but signs with the current key's kid.
	KeyImpostor
)

// issuerKey is one RSA key with its kid and endorsements.
type issuerKey struct {
	kid          string
	key          *rsa.PrivateKey
	endorsements []string // nil: no member in the JWKS
}

func newIssuerKey(endorsements []string) (*issuerKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("connector: generate key: %w", err)
	}
	sum := sha256.Sum256(k.N.Bytes())
	return &issuerKey{kid: base64.RawURLEncoding.EncodeToString(sum[:15]), key: k, endorsements: endorsements}, nil
}

// ChannelClaims returns valid claims of a channel token for the bot botID
// and an activity with serviceURL, issued now by the server's clock: iss the
// cloud's Bot Framework issuer, aud the bot id and the serviceurl claim
// (botbuilder-dotnet ChannelValidation.cs, AuthenticateChannelToken).
func (s *Server) ChannelClaims(botID, serviceURL string) jwt.MapClaims {
	now := s.now()
	return jwt.MapClaims{
		"iss":        s.cloud.ChannelIssuer,
		"aud":        botID,
		"serviceurl": serviceURL,
		"iat":        now.Unix(),
		"nbf":        now.Add(-5 * time.Second).Unix(),
		"exp":        now.Add(time.Hour).Unix(),
	}
}

// ChannelToken signs ChannelClaims(botID, serviceURL) with the current key.
func (s *Server) ChannelToken(botID, serviceURL string) (string, error) {
	return s.Sign(s.ChannelClaims(botID, serviceURL))
}

// Sign signs claims with the current key, RS256, header kid set.
func (s *Server) Sign(claims jwt.MapClaims) (string, error) {
	return s.SignWith(KeyCurrent, jwt.SigningMethodRS256, claims)
}

// SignWith signs claims with the chosen key and an RSA method (RS256/384/512).
func (s *Server) SignWith(which SigningKey, method *jwt.SigningMethodRSA, claims jwt.MapClaims) (string, error) {
	s.keyMu.RLock()
	var k *issuerKey
	kid := ""
	switch which {
	case KeyCurrent:
		k = s.keys[len(s.keys)-1]
	case KeyUnendorsed:
		k = s.unendorsed
	case KeyOtherChannel:
		k = s.otherChannel
	case KeyUnpublished:
		k = s.unpublished
	case KeyImpostor:
		k, kid = s.unpublished, s.keys[len(s.keys)-1].kid
	}
	s.keyMu.RUnlock()
	if k == nil {
		return "", fmt.Errorf("connector: no key %d", which)
	}
	if kid == "" {
		kid = k.kid
	}
	t := jwt.NewWithClaims(method, claims)
	t.Header["kid"] = kid
	t.Header["x5t"] = kid
	out, err := t.SignedString(k.key)
	if err != nil {
		return "", fmt.Errorf("connector: sign: %w", err)
	}
	return out, nil
}

// PublicKey returns the current public key, for forging HS256 tokens
// keyed with the public key's bytes (the alg-confusion attack).
func (s *Server) PublicKey() *rsa.PublicKey {
	s.keyMu.RLock()
	defer s.keyMu.RUnlock()
	return &s.keys[len(s.keys)-1].key.PublicKey
}

// RotateKeys makes a new current key; the older ones stay served until RetireOldKeys.
func (s *Server) RotateKeys() error {
	k, err := newIssuerKey(s.endorsements)
	if err != nil {
		return err
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	s.keys = append(s.keys, k)
	return nil
}

// RetireOldKeys stops serving every endorsed key but the current one.
func (s *Server) RetireOldKeys() {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	s.keys = s.keys[len(s.keys)-1:]
}

// KeyIDs returns the kids of the served endorsed keys, current last.
func (s *Server) KeyIDs() []string {
	s.keyMu.RLock()
	defer s.keyMu.RUnlock()
	out := make([]string, 0, len(s.keys))
	for _, k := range s.keys {
		out = append(out, k.kid)
	}
	return out
}

// MetadataURL returns the OpenID metadata URL, for botframework.VerifierOptions.
func (s *Server) MetadataURL() string { return s.url + "/v1/.well-known/openidconfiguration" }

// JWKSURL returns the key set URL.
func (s *Server) JWKSURL() string { return s.url + "/v1/.well-known/keys" }

// Fetches returns how often the metadata and the key set were fetched.
func (s *Server) Fetches() (metadata, keys int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.metaFetches, s.keyFetches
}

func (s *Server) handleMetadata(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.metaFetches++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.cloud.ChannelIssuer,
		"authorization_endpoint":                "https://invalid.botframework.com/v1/auth",
		"jwks_uri":                              s.JWKSURL(),
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
	})
}

func (s *Server) handleKeys(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	s.keyFetches++
	s.mu.Unlock()
	s.keyMu.RLock()
	served := append([]*issuerKey{}, s.keys...)
	served = append(served, s.unendorsed, s.otherChannel)
	s.keyMu.RUnlock()
	keys := make([]map[string]any, 0, len(served))
	for _, k := range served {
		m := map[string]any{
			"kty": "RSA", "use": "sig", "kid": k.kid, "x5t": k.kid,
			"n": base64.RawURLEncoding.EncodeToString(k.key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.key.E)).Bytes()),
		}
		if k.endorsements != nil {
			m["endorsements"] = k.endorsements
		}
		keys = append(keys, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}
