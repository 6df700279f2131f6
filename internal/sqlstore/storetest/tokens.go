package storetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func testTokens(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	tok := flowdeck.DelegatedToken{
		TenantID: "tenant-1", UserID: "user-1", Audience: "flow",
		AccessToken: "access-1", RefreshToken: "refresh-1",
		Scopes:    []string{"Flows.Read.All", "offline_access"},
		ExpiresAt: base.Add(time.Hour),
	}
	_, err := s.GetToken(ctx, "tenant-1", "user-1", "flow")
	wantKind(t, "GetToken before Put", err, flowdeck.ErrNotFound)

	must(t, "PutToken", s.PutToken(ctx, tok))
	got, err := s.GetToken(ctx, "tenant-1", "user-1", "flow")
	must(t, "GetToken", err)
	checkToken(t, got, tok, clk.Now())

	// Replace.
	now := clk.Advance(time.Minute)
	tok.AccessToken, tok.RefreshToken, tok.Scopes, tok.ExpiresAt = "access-2", "refresh-2", []string{"User.Read"}, base.Add(2*time.Hour)
	must(t, "PutToken replace", s.PutToken(ctx, tok))
	got, err = s.GetToken(ctx, "tenant-1", "user-1", "flow")
	must(t, "GetToken after replace", err)
	checkToken(t, got, tok, now)

	// Other audiences, users and tenants are separate rows.
	other := tok
	other.Audience, other.AccessToken = "graph", "graph-access"
	must(t, "PutToken graph", s.PutToken(ctx, other))
	stranger := tok
	stranger.UserID, stranger.AccessToken = "user-2", "stranger-access"
	must(t, "PutToken user-2", s.PutToken(ctx, stranger))
	if got, err := s.GetToken(ctx, "tenant-1", "user-1", "graph"); err != nil || got.AccessToken != "graph-access" {
		t.Fatalf("GetToken graph = %q, %v; want graph-access", got.AccessToken, err)
	}
	_, err = s.GetToken(ctx, "tenant-2", "user-1", "flow")
	wantKind(t, "GetToken other tenant", err, flowdeck.ErrNotFound)

	// Empty secrets and scopes round-trip.
	empty := flowdeck.DelegatedToken{TenantID: "tenant-1", UserID: "user-3", Audience: "flow"}
	must(t, "PutToken empty", s.PutToken(ctx, empty))
	got, err = s.GetToken(ctx, "tenant-1", "user-3", "flow")
	must(t, "GetToken empty", err)
	if got.AccessToken != "" || got.RefreshToken != "" || len(got.Scopes) != 0 || !got.ExpiresAt.IsZero() {
		t.Errorf("GetToken empty = %+v, want empty secrets, no scopes, zero expiry", got)
	}

	wantKind(t, "PutToken without audience", s.PutToken(ctx, flowdeck.DelegatedToken{TenantID: "t", UserID: "u"}), flowdeck.ErrInvalid)
	wantKind(t, "PutToken without user", s.PutToken(ctx, flowdeck.DelegatedToken{TenantID: "t", Audience: "flow"}), flowdeck.ErrInvalid)

	// Sign-out removes every audience of the user and nothing else.
	must(t, "DeleteTokens", s.DeleteTokens(ctx, "tenant-1", "user-1"))
	for _, aud := range []string{"flow", "graph"} {
		_, err := s.GetToken(ctx, "tenant-1", "user-1", aud)
		wantKind(t, "GetToken after DeleteTokens "+aud, err, flowdeck.ErrNotFound)
	}
	if _, err := s.GetToken(ctx, "tenant-1", "user-2", "flow"); err != nil {
		t.Fatalf("DeleteTokens removed another user's token: %v", err)
	}
	must(t, "DeleteTokens of nobody", s.DeleteTokens(ctx, "tenant-9", "user-9"))
}

func checkToken(t *testing.T, got, want flowdeck.DelegatedToken, now time.Time) {
	t.Helper()
	if got.TenantID != want.TenantID || got.UserID != want.UserID || got.Audience != want.Audience ||
		got.AccessToken != want.AccessToken || got.RefreshToken != want.RefreshToken || !slices.Equal(got.Scopes, want.Scopes) {
		t.Errorf("GetToken = %+v, want %+v", got, want)
	}
	wantTime(t, "token ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	wantTime(t, "token UpdatedAt", got.UpdatedAt, now)
}

// testNoPlaintext writes tokens that carry random markers and checks that the
// markers never reach the database, while a marker in a plain field does
// (which shows the dump sees the data).
func testNoPlaintext(t *testing.T, open Opener, dump Dumper) {
	s, _ := setup(t, open)
	ctx := t.Context()
	access, refresh, control := "access-"+marker(t), "refresh-"+marker(t), "control-"+marker(t)
	for _, aud := range []string{"flow", "powerapps", "graph"} {
		must(t, "PutToken", s.PutToken(ctx, flowdeck.DelegatedToken{
			TenantID: "tenant-1", UserID: "user-1", Audience: aud,
			AccessToken: access, RefreshToken: refresh, Scopes: []string{control},
		}))
	}
	got, err := s.GetToken(ctx, "tenant-1", "user-1", "graph")
	must(t, "GetToken", err)
	if got.AccessToken != access || got.RefreshToken != refresh {
		t.Fatalf("GetToken did not return the tokens written")
	}
	raw := dump(t, s)
	if !bytes.Contains(raw, []byte(control)) {
		t.Fatalf("the dump (%d bytes) lacks the control marker stored in plain scopes; it does not show the data", len(raw))
	}
	for name, secret := range map[string]string{"access token": access, "refresh token": refresh} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the %s is stored in plaintext", name)
		}
		if bytes.Contains(raw, []byte(secret[len(secret)-16:])) {
			t.Errorf("part of the %s is stored in plaintext", name)
		}
	}
}

func marker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
