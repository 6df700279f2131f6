package sqlstore

import (
	"path/filepath"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestTokenKeyRotation reopens one database with rotated keys: rows sealed
// with the old key stay readable, new writes use the new key, and a row whose
// key is gone is ErrMisconfigured.
func TestTokenKeyRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rotate.db")
	oldKey, newKey := testKey(t), testKey(t)
	keyring := func(primary []byte, old ...[]byte) *Keyring {
		k, err := NewKeyring(primary, old...)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ctx := t.Context()
	tok := func(user string) flowdeck.DelegatedToken {
		return flowdeck.DelegatedToken{TenantID: "t", UserID: user, Audience: "flow", AccessToken: "at-" + user, RefreshToken: "rt-" + user}
	}

	s := mustOpen(t, path, keyring(oldKey), nil)
	for _, u := range []string{"u1", "u2"} {
		if err := s.PutToken(ctx, tok(u)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s = mustOpen(t, path, keyring(newKey, oldKey), nil)
	for _, u := range []string{"u1", "u2"} {
		if got, err := s.GetToken(ctx, "t", u, "flow"); err != nil || got.RefreshToken != "rt-"+u {
			t.Fatalf("GetToken %s after rotation = %q, %v", u, got.RefreshToken, err)
		}
	}
	if err := s.PutToken(ctx, tok("u1")); err != nil { // re-sealed with the new key
		t.Fatal(err)
	}
	s.Close()

	s = mustOpen(t, path, keyring(newKey), nil)
	if got, err := s.GetToken(ctx, "t", "u1", "flow"); err != nil || got.AccessToken != "at-u1" {
		t.Fatalf("GetToken of a re-sealed token without the old key = %q, %v", got.AccessToken, err)
	}
	_, err := s.GetToken(ctx, "t", "u2", "flow")
	wantMisconfigured(t, "GetToken of an old-key token without the old key", err, "at-u2")
}

// TestTokenSwappedCiphertext moves ciphertexts between rows and fields in the
// database: the store refuses to open them.
func TestTokenSwappedCiphertext(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "swap.db"), testKeyring(t), nil)
	ctx := t.Context()
	for _, u := range []string{"victim", "attacker"} {
		if err := s.PutToken(ctx, flowdeck.DelegatedToken{TenantID: "t", UserID: u, Audience: "flow", AccessToken: "at-" + u, RefreshToken: "rt-" + u}); err != nil {
			t.Fatal(err)
		}
	}
	// The attacker's row gets the victim's access token ciphertext.
	if _, err := s.w.ExecContext(ctx, `
		UPDATE delegated_tokens SET access_token_sealed =
			(SELECT access_token_sealed FROM delegated_tokens WHERE user_id = 'victim')
		WHERE user_id = 'attacker'`); err != nil {
		t.Fatal(err)
	}
	_, err := s.GetToken(ctx, "t", "attacker", "flow")
	wantMisconfigured(t, "GetToken with another row's ciphertext", err, "at-victim")

	// The victim's refresh token ciphertext moves into its access token field.
	if _, err := s.w.ExecContext(ctx, `UPDATE delegated_tokens SET access_token_sealed = refresh_token_sealed WHERE user_id = 'victim'`); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetToken(ctx, "t", "victim", "flow")
	wantMisconfigured(t, "GetToken with another field's ciphertext", err, "rt-victim")
}
