package identity

import (
	"context"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// BenchmarkVerify measures a full verification (RS256 signature and every
// claim check) against a warm key set, serially and from GOMAXPROCS
// goroutines. Per-core rate = 1e9 / (serial ns/op).
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
