package storetest

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// testTokenEvict: EvictAccessToken forgets the refused access token and
// nothing else — not the refresh token, not a token written since, not
// another audience or user.
func testTokenEvict(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	tok := flowdeck.DelegatedToken{
		TenantID: "tenant-1", UserID: "user-1", Audience: "flow",
		AccessToken: "access-1", RefreshToken: "refresh-1",
		Scopes: []string{"Flows.Read.All"}, ExpiresAt: base.Add(time.Hour),
	}
	must(t, "PutToken", s.PutToken(ctx, tok))
	other := tok
	other.Audience, other.AccessToken = "graph", "access-1" // the same text under another audience stays
	must(t, "PutToken graph", s.PutToken(ctx, other))

	// A token that is not the stored one (another replica renewed it) is left alone.
	ok, err := s.EvictAccessToken(ctx, "tenant-1", "user-1", "flow", "access-0")
	if err != nil || ok {
		t.Fatalf("EvictAccessToken of a replaced token = %v, %v; want false, nil", ok, err)
	}
	if got, _ := s.GetToken(ctx, "tenant-1", "user-1", "flow"); got.AccessToken != "access-1" {
		t.Fatalf("a replaced token's eviction changed the row: %q", got.AccessToken)
	}

	now := clk.Advance(time.Minute)
	ok, err = s.EvictAccessToken(ctx, "tenant-1", "user-1", "flow", "access-1")
	if err != nil || !ok {
		t.Fatalf("EvictAccessToken = %v, %v; want true, nil", ok, err)
	}
	got, err := s.GetToken(ctx, "tenant-1", "user-1", "flow")
	must(t, "GetToken after evict", err)
	if got.AccessToken != "" || got.RefreshToken != "refresh-1" || got.ExpiresAt.After(time.Unix(0, 0)) {
		t.Errorf("after evict: access %q, refresh %q, expires %v; want no access token, the refresh token, expired",
			got.AccessToken, got.RefreshToken, got.ExpiresAt)
	}
	wantTime(t, "UpdatedAt after evict", got.UpdatedAt, now)
	if g, _ := s.GetToken(ctx, "tenant-1", "user-1", "graph"); g.AccessToken != "access-1" {
		t.Errorf("evicting flow touched graph: %q", g.AccessToken)
	}

	// Twice is harmless; nobody's token is nothing; bad arguments are invalid.
	if ok, err := s.EvictAccessToken(ctx, "tenant-1", "user-1", "flow", "access-1"); err != nil || ok {
		t.Errorf("second EvictAccessToken = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.EvictAccessToken(ctx, "tenant-9", "user-9", "flow", "access-1"); err != nil || ok {
		t.Errorf("EvictAccessToken of nobody = %v, %v; want false, nil", ok, err)
	}
	_, err = s.EvictAccessToken(ctx, "tenant-1", "user-1", "flow", "")
	wantKind(t, "EvictAccessToken without a token", err, flowdeck.ErrInvalid)

	// A token stored after the eviction is served as usual.
	tok.AccessToken = "access-2"
	must(t, "PutToken after evict", s.PutToken(ctx, tok))
	if got, _ := s.GetToken(ctx, "tenant-1", "user-1", "flow"); got.AccessToken != "access-2" || got.RefreshToken != "refresh-1" {
		t.Errorf("after a new PutToken: %q/%q", got.AccessToken, got.RefreshToken)
	}
}
