package identity

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// FuzzVerify feeds Verify mutations of valid and forged tokens. It must
// never panic, must fail only with ErrUnauthenticated or ErrForbidden, and
// must accept nothing but a token the fake minted validly (strict base64 makes
// every accepted encoding canonical, so an accepted token equals a minted one).
//
//	go test ./internal/identity -run '^$' -fuzz FuzzVerify -fuzztime 60s
func FuzzVerify(f *testing.F) {
	// A token with an unknown kid waits for the key set's refresh limit (at
	// most RefreshWaitMax, a second by default) before it is refused: with
	// that second, the workers spent the fuzz time waiting, and a wait that
	// outlived the fuzz time failed the run ("context deadline exceeded").
	// The refusal is the same after a millisecond.
	e := newVFEnv(f, func(o *VerifierOptions) { o.RefreshWaitMax = time.Millisecond })
	minted := map[string]bool{}
	for _, u := range demo.UsersOf(demo.TenantID)[:2] {
		for _, ver := range []int{1, 2} {
			tok := e.mint(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: ver})
			minted[tok] = true
			f.Add(tok)
		}
	}
	for _, tc := range forgedCases() {
		tok := tc.tok(e)
		if tc.kind == nil {
			minted[tok] = true
		}
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, _, err := e.v.Verify(t.Context(), raw)
		if err == nil {
			if !minted[raw] || !p.Valid() {
				t.Fatalf("accepted a token that was not minted validly: %+v", p)
			}
			return
		}
		if k := flowdeck.KindOf(err); k != flowdeck.ErrUnauthenticated && k != flowdeck.ErrForbidden {
			t.Fatalf("kind %v: %v", k, err)
		}
	})
}
