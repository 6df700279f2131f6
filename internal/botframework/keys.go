package botframework

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"
)

// maxDocumentBytes bounds an OpenID metadata or JWKS document.
const maxDocumentBytes = 1 << 20

// signingKey is one RSA key of a JWKS, with the channels it is endorsed for.
type signingKey struct {
	pub          *rsa.PublicKey
	endorsements []string
}

// keySource caches the JWKS behind one OpenID metadata document. It refreshes
// the set when it is older than refreshEvery, and on an unknown kid at most
// as often as the limiter allows. Concurrent fetches share one request.
type keySource struct {
	metadataURL  string
	hc           *http.Client
	now          func() time.Time
	refreshEvery time.Duration
	fetchTimeout time.Duration
	unknownKID   *rate.Limiter
	log          *slog.Logger
	group        singleflight.Group

	mu          sync.RWMutex
	keys        map[string]signingKey
	fetchedAt   time.Time
	lastAttempt time.Time
}

// staleRetry is how long a failed periodic refresh waits before the next try,
// while the old keys are still used.
const staleRetry = time.Minute

// errUnknownKID means the token names a key the set does not hold.
var errUnknownKID = errors.New("unknown signing key")

// lookup returns the key for kid, refreshing the set when it is stale or the
// kid is unknown (rate-limited). Errors are errUnknownKID or a fetch failure.
func (s *keySource) lookup(ctx context.Context, kid string) (signingKey, error) {
	now := s.now()
	s.mu.RLock()
	k, ok := s.keys[kid]
	have := s.keys != nil
	stale := !have || now.Sub(s.fetchedAt) >= s.refreshEvery
	retryOK := now.Sub(s.lastAttempt) >= staleRetry
	s.mu.RUnlock()

	refreshed := false
	if !have || (stale && retryOK) {
		err := s.refresh(ctx)
		refreshed = err == nil
		if err != nil {
			if !have {
				return signingKey{}, err
			}
			s.log.LogAttrs(ctx, slog.LevelWarn, "botframework: key refresh failed; using the cached keys",
				slog.String("metadata_url", s.metadataURL), slog.Any("err", err))
		}
		s.mu.RLock()
		k, ok = s.keys[kid]
		s.mu.RUnlock()
	}
	if ok {
		return k, nil
	}
	if refreshed || !s.unknownKID.AllowN(now, 1) {
		return signingKey{}, errUnknownKID
	}
	if err := s.refresh(ctx); err != nil {
		return signingKey{}, err
	}
	s.mu.RLock()
	k, ok = s.keys[kid]
	s.mu.RUnlock()
	if !ok {
		return signingKey{}, errUnknownKID
	}
	return k, nil
}

// refresh fetches the metadata and the key set once for all concurrent
// callers. The fetch runs at most fetchTimeout and is not cancelled when the
// caller that started it goes away; a caller stops waiting when its ctx ends.
func (s *keySource) refresh(ctx context.Context) error {
	ch := s.group.DoChan("keys", func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.fetchTimeout)
		defer cancel()
		s.mu.Lock()
		s.lastAttempt = s.now()
		s.mu.Unlock()
		keys, err := s.fetch(fctx)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.keys, s.fetchedAt = keys, s.now()
		s.mu.Unlock()
		s.log.LogAttrs(fctx, slog.LevelDebug, "botframework: signing keys refreshed",
			slog.String("metadata_url", s.metadataURL), slog.Int("keys", len(keys)))
		return nil, nil
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *keySource) fetch(ctx context.Context) (map[string]signingKey, error) {
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := s.getJSON(ctx, s.metadataURL, &meta); err != nil {
		return nil, fmt.Errorf("openid metadata: %w", err)
	}
	if meta.JWKSURI == "" {
		return nil, errors.New("openid metadata: no jwks_uri")
	}
	var set struct {
		Keys []struct {
			Kty          string   `json:"kty"`
			Kid          string   `json:"kid"`
			N            string   `json:"n"`
			E            string   `json:"e"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := s.getJSON(ctx, meta.JWKSURI, &set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	keys := make(map[string]signingKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" {
			continue
		}
		pub, err := rsaKey(k.N, k.E)
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "botframework: skipping a malformed key",
				slog.String("kid", k.Kid), slog.Any("err", err))
			continue
		}
		keys[k.Kid] = signingKey{pub: pub, endorsements: k.Endorsements}
	}
	if len(keys) == 0 {
		return nil, errors.New("jwks: no usable RSA key")
	}
	return keys, nil
}

func (s *keySource) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDocumentBytes))
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxDocumentBytes {
		return fmt.Errorf("GET %s: document too large", url)
	}
	return json.Unmarshal(body, v)
}

func rsaKey(n, e string) (*rsa.PublicKey, error) {
	nb, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil {
		return nil, fmt.Errorf("modulus: %w", err)
	}
	eb, err := base64.RawURLEncoding.DecodeString(e)
	if err != nil {
		return nil, fmt.Errorf("exponent: %w", err)
	}
	if len(nb) < 256 || len(eb) == 0 || len(eb) > 4 {
		return nil, errors.New("key size")
	}
	exp := new(big.Int).SetBytes(eb)
	if !exp.IsInt64() || exp.Int64() < 3 {
		return nil, errors.New("exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(exp.Int64())}, nil
}
