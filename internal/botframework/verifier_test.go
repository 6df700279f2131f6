package botframework_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func activityFor(serviceURL string) *schema.Activity {
	return &schema.Activity{Type: schema.Message, ID: "1", ChannelID: "msteams", ServiceURL: serviceURL,
		Conversation: schema.ConversationAccount{ID: "a:1x", TenantID: demo.TenantID}}
}

// bearer signs c with key k and method m and returns the Authorization header.
func (v *env) bearer(t testing.TB, k connector.SigningKey, m *jwt.SigningMethodRSA, c jwt.MapClaims) string {
	t.Helper()
	tok, err := v.bf.SignWith(k, m, c)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func TestVerifyAccepts(t *testing.T) {
	v := newEnv(t)
	cv := v.verifier(t, botframework.VerifierOptions{})
	a := activityFor(v.bf.ServiceURL())
	for _, m := range []*jwt.SigningMethodRSA{jwt.SigningMethodRS256, jwt.SigningMethodRS384, jwt.SigningMethodRS512} {
		t.Run(m.Alg(), func(t *testing.T) {
			h := v.bearer(t, connector.KeyCurrent, m, v.bf.ChannelClaims(demo.ClientID, a.ServiceURL))
			c, err := cv.Verify(t.Context(), h, a)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if c.Issuer != botframework.ChannelIssuer || c.ServiceURL != a.ServiceURL {
				t.Errorf("claims = %+v", c)
			}
		})
	}
	t.Run("lowercase scheme", func(t *testing.T) {
		tok, err := v.bf.ChannelToken(demo.ClientID, a.ServiceURL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cv.Verify(t.Context(), "bearer "+tok, a); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
}

func TestVerifyRejectsForgedTokens(t *testing.T) {
	v := newEnv(t)
	cv := v.verifier(t, botframework.VerifierOptions{})
	su := v.bf.ServiceURL()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := v.bf.ChannelClaims(demo.ClientID, su)
		if edit != nil {
			edit(c)
		}
		return c
	}
	sign := func(k connector.SigningKey, c jwt.MapClaims) string {
		return v.bearer(t, k, jwt.SigningMethodRS256, c)
	}
	now := v.clock.Now()
	valid := sign(connector.KeyCurrent, claims(nil))
	der, err := x509.MarshalPKIXPublicKey(v.bf.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"] = v.bf.KeyIDs()[0]
	hsTok, err := hs.SignedString(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil))
	none.Header["kid"] = v.bf.KeyIDs()[0]
	noneTok, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	entraTok, err := v.entra.Sign(jwt.MapClaims{"iss": "https://sts.windows.net/" + demo.TenantID + "/", "aud": demo.ClientID,
		"serviceurl": su, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		auth    string
		channel string
		want    error
	}{
		{"no token", "", "", flowdeck.ErrUnauthenticated},
		{"non-Bearer scheme", strings.Replace(valid, "Bearer", "Basic", 1), "", flowdeck.ErrUnauthenticated},
		{"Bearer without token", "Bearer ", "", flowdeck.ErrUnauthenticated},
		{"key without endorsements", sign(connector.KeyUnendorsed, claims(nil)), "", flowdeck.ErrForbidden},
		{"key endorsed for another channel", sign(connector.KeyOtherChannel, claims(nil)), "", flowdeck.ErrForbidden},
		{"activity for another channel", valid, "slack", flowdeck.ErrForbidden},
		{"activity without channel", valid, "-", flowdeck.ErrForbidden},
		{"wrong serviceurl", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["serviceurl"] = "https://evil.example/teams/" })), "", flowdeck.ErrUnauthenticated},
		{"serviceurl without trailing slash", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["serviceurl"] = strings.TrimSuffix(su, "/") })), "", flowdeck.ErrUnauthenticated},
		{"missing serviceurl", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { delete(c, "serviceurl") })), "", flowdeck.ErrUnauthenticated},
		{"wrong issuer", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["iss"] = "https://api.botframework.com.evil" })), "", flowdeck.ErrUnauthenticated},
		{"tenant issuer not configured", "Bearer " + entraTok, "", flowdeck.ErrUnauthenticated},
		{"wrong audience", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["aud"] = "https://api.botframework.com" })), "", flowdeck.ErrUnauthenticated},
		{"token for another bot", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["aud"] = "0b7e2a4c-1111-4222-8333-444455556666" })), "", flowdeck.ErrUnauthenticated},
		{"expired", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-6 * time.Minute).Unix() })), "", flowdeck.ErrUnauthenticated},
		{"no exp", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { delete(c, "exp") })), "", flowdeck.ErrUnauthenticated},
		{"nbf in the future", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), "", flowdeck.ErrUnauthenticated},
		{"iat in the future", sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Minute).Unix() })), "", flowdeck.ErrUnauthenticated},
		{"alg none", "Bearer " + noneTok, "", flowdeck.ErrUnauthenticated},
		{"HS256 keyed with the public key", "Bearer " + hsTok, "", flowdeck.ErrUnauthenticated},
		{"unknown kid", sign(connector.KeyUnpublished, claims(nil)), "", flowdeck.ErrUnauthenticated},
		{"right kid, wrong key", sign(connector.KeyImpostor, claims(nil)), "", flowdeck.ErrUnauthenticated},
		{"truncated", valid[:len(valid)-12], "", flowdeck.ErrUnauthenticated},
		{"signature of another token", valid[:strings.LastIndex(valid, ".")] + sign(connector.KeyCurrent, claims(func(c jwt.MapClaims) { c["x"] = 1 }))[strings.LastIndex(valid, "."):], "", flowdeck.ErrUnauthenticated},
		{"garbage", "Bearer not.a.jwt", "", flowdeck.ErrUnauthenticated},
		{"oversized", "Bearer " + strings.Repeat("a", botframework.MaxTokenBytes+1), "", flowdeck.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := activityFor(su)
			switch tt.channel {
			case "":
			case "-":
				a.ChannelID = ""
			default:
				a.ChannelID = tt.channel
			}
			_, err := cv.Verify(t.Context(), tt.auth, a)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := cv.Verify(t.Context(), valid, activityFor(su)); err != nil {
		t.Fatalf("valid token after the forgeries: %v", err)
	}
}

func TestKeyRefreshRateLimited(t *testing.T) {
	v := newEnv(t)
	cv := v.verifier(t, botframework.VerifierOptions{UnknownKIDInterval: 5 * time.Minute})
	a := activityFor(v.bf.ServiceURL())
	verify := func(k connector.SigningKey) error {
		_, err := cv.Verify(t.Context(), v.bearer(t, k, jwt.SigningMethodRS256, v.bf.ChannelClaims(demo.ClientID, a.ServiceURL)), a)
		return err
	}
	fetches := func() int { _, k := v.bf.Fetches(); return k }
	if err := verify(connector.KeyCurrent); err != nil {
		t.Fatal(err)
	}
	if got := fetches(); got != 1 {
		t.Fatalf("fetches after the first token = %d, want 1", got)
	}
	for range 20 {
		if err := verify(connector.KeyUnpublished); err == nil {
			t.Fatal("unknown kid accepted")
		}
	}
	if got := fetches(); got != 2 {
		t.Fatalf("fetches after 20 unknown kids = %d, want 2 (one refresh)", got)
	}
	// Rotation: the new key is unknown until the limiter lets a refresh through.
	if err := v.bf.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	if err := verify(connector.KeyCurrent); err == nil {
		t.Fatal("new key accepted before a refresh was allowed")
	}
	v.clock.Advance(5 * time.Minute)
	if err := verify(connector.KeyCurrent); err != nil {
		t.Fatalf("new key after the interval: %v", err)
	}
	if got := fetches(); got != 3 {
		t.Fatalf("fetches = %d, want 3", got)
	}
	// Known keys need no fetch; after 24 h the set is refetched once.
	for range 10 {
		if err := verify(connector.KeyCurrent); err != nil {
			t.Fatal(err)
		}
	}
	if got := fetches(); got != 3 {
		t.Fatalf("fetches = %d, want 3", got)
	}
	v.clock.Advance(24 * time.Hour)
	if err := verify(connector.KeyCurrent); err != nil {
		t.Fatal(err)
	}
	if got := fetches(); got != 4 {
		t.Fatalf("fetches after 24 h = %d, want 4", got)
	}
}

// A token verified once is remembered, but every check that depends on the
// activity, the clock or the key set still runs for each activity.
func TestVerifyRepeatedTokenStillChecked(t *testing.T) {
	v := newEnv(t)
	cv := v.verifier(t, botframework.VerifierOptions{})
	su := v.bf.ServiceURL()
	tok := v.bearer(t, connector.KeyCurrent, jwt.SigningMethodRS256, v.bf.ChannelClaims(demo.ClientID, su))
	verify := func(edit func(a *schema.Activity)) error {
		a := activityFor(su)
		if edit != nil {
			edit(a)
		}
		_, err := cv.Verify(t.Context(), tok, a)
		return err
	}
	for range 3 {
		if err := verify(nil); err != nil {
			t.Fatalf("valid token: %v", err)
		}
	}
	if err := verify(func(a *schema.Activity) { a.ServiceURL = "https://evil.example/teams/" }); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("known token, activity for another serviceUrl: %v", err)
	}
	if err := verify(func(a *schema.Activity) { a.ChannelID = "slack" }); !errors.Is(err, flowdeck.ErrForbidden) {
		t.Errorf("known token, activity for a channel the key is not endorsed for: %v", err)
	}
	if err := verify(nil); err != nil {
		t.Fatalf("valid token after the mismatches: %v", err)
	}
	// Expired: an hour, plus the clock skew.
	v.clock.Advance(time.Hour + pastSkew)
	if err := verify(nil); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("known token after its expiry: %v", err)
	}

	// Key retired: the next refresh drops it, and the token it signed is
	// refused although it was accepted before.
	old := v.bearer(t, connector.KeyCurrent, jwt.SigningMethodRS256, v.bf.ChannelClaims(demo.ClientID, su))
	if _, err := cv.Verify(t.Context(), old, activityFor(su)); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if err := v.bf.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	v.bf.RetireOldKeys()
	fresh := v.bearer(t, connector.KeyCurrent, jwt.SigningMethodRS256, v.bf.ChannelClaims(demo.ClientID, su))
	if _, err := cv.Verify(t.Context(), fresh, activityFor(su)); err != nil {
		t.Fatalf("token of the new key (its kid makes the verifier refresh): %v", err)
	}
	if _, err := cv.Verify(t.Context(), old, activityFor(su)); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("known token of a retired key: %v", err)
	}
}

// pastSkew is just past the verifier's leeway.
const pastSkew = botframework.ClockSkew + time.Second
