package identity

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// BenchmarkVerify measures a full verification (RS256 signature and every
// claim check) against a warm key set, serially and from GOMAXPROCS
// goroutines. Per-core rate = 1e9 / (serial ns/op). rsa-floor is the floor
// in the same run: the RS256 signature check of the same token alone (SHA-256
// of the signing input and the RSA-2048 public-key operation), which no
// verifier can skip.
//
//	go test ./internal/identity -run '^$' -bench BenchmarkVerify -count 5
func BenchmarkVerify(b *testing.B) {
	e := newVFEnv(b, nil)
	tok := e.mint(entra.SSORequest{Version: 2})
	ctx := context.Background()
	if _, _, err := e.v.Verify(ctx, tok); err != nil {
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := e.v.Verify(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rsa-floor", func(b *testing.B) {
		parts := strings.Split(tok, ".")
		t, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
		if err != nil {
			b.Fatal(err)
		}
		key, err := e.entra.Keyfunc(t)
		if err != nil {
			b.Fatal(err)
		}
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			b.Fatal(err)
		}
		input := parts[0] + "." + parts[1]
		b.ReportAllocs()
		for b.Loop() {
			if err := jwt.SigningMethodRS256.Verify(input, sig, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := e.v.Verify(ctx, tok); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
