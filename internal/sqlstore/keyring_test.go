package sqlstore

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestKeyringRoundTrip(t *testing.T) {
	k := testKeyring(t)
	ad := rowAD("tenant", "user", "flow", fieldAccessToken)
	a, err := k.Seal([]byte("secret-value"), ad)
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Seal([]byte("secret-value"), ad)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are equal; the nonce is not random")
	}
	if bytes.Contains(a, []byte("secret-value")) {
		t.Error("the ciphertext contains the plaintext")
	}
	for _, ct := range [][]byte{a, b} {
		pt, err := k.Open(ct, ad)
		if err != nil || string(pt) != "secret-value" {
			t.Fatalf("Open = %q, %v; want secret-value", pt, err)
		}
	}
}

func TestKeyringRotation(t *testing.T) {
	oldKey, newKey := testKey(t), testKey(t)
	before, err := NewKeyring(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	ad := rowAD("t", "u", "graph", fieldRefreshToken)
	sealedOld, err := before.Seal([]byte("old-secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	after, err := NewKeyring(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := after.Open(sealedOld, ad); err != nil || string(pt) != "old-secret" {
		t.Fatalf("Open of an old-key ciphertext after rotation = %q, %v", pt, err)
	}
	sealedNew, err := after.Seal([]byte("new-secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	// New writes use the new primary: the old keyring cannot open them.
	_, err = before.Open(sealedNew, ad)
	wantMisconfigured(t, "Open of a new-key ciphertext with only the old key", err, "new-secret")
	// Once the old key is dropped, its ciphertexts no longer open.
	only, err := NewKeyring(newKey)
	if err != nil {
		t.Fatal(err)
	}
	_, err = only.Open(sealedOld, ad)
	wantMisconfigured(t, "Open after the old key was dropped", err, "old-secret")
	if pt, err := only.Open(sealedNew, ad); err != nil || string(pt) != "new-secret" {
		t.Fatalf("Open with the new key = %q, %v", pt, err)
	}
}

func TestKeyringRejects(t *testing.T) {
	k := testKeyring(t)
	ad := rowAD("tenant", "user", "flow", fieldAccessToken)
	ct, err := k.Seal([]byte("plain-secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	for _, tc := range []struct {
		name string
		ct   []byte
		ad   []byte
	}{
		{"tampered version", flip(0), ad},
		{"tampered key id", flip(1), ad},
		{"tampered nonce", flip(headerSize - 1), ad},
		{"tampered ciphertext", flip(headerSize), ad},
		{"tampered tag", flip(len(ct) - 1), ad},
		{"truncated", ct[:headerSize+3], ad},
		{"empty", nil, ad},
		{"other row", ct, rowAD("tenant", "user-2", "flow", fieldAccessToken)},
		{"other field", ct, rowAD("tenant", "user", "flow", fieldRefreshToken)},
		{"shifted separator", ct, rowAD("tenant", "userflow", "", fieldAccessToken)},
		{"unknown key", mustSeal(t, testKeyring(t), ad), ad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt, err := k.Open(tc.ct, tc.ad)
			if pt != nil {
				t.Errorf("Open returned %d bytes of plaintext", len(pt))
			}
			wantMisconfigured(t, "Open", err, "plain-secret")
		})
	}
}

func mustSeal(t *testing.T, k *Keyring, ad []byte) []byte {
	t.Helper()
	ct, err := k.Seal([]byte("plain-secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestNewKeyringKeySize(t *testing.T) {
	good := testKey(t)
	for _, tc := range []struct {
		name    string
		primary []byte
		old     [][]byte
	}{
		{"short primary", good[:16], nil},
		{"long primary", append(bytes.Clone(good), 0), nil},
		{"no primary", nil, nil},
		{"short old key", good, [][]byte{good[:31]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewKeyring(tc.primary, tc.old...)
			if !errors.Is(err, flowdeck.ErrMisconfigured) {
				t.Fatalf("NewKeyring: got %v, want ErrMisconfigured", err)
			}
		})
	}
	if _, err := NewKeyring(good, good); err != nil {
		t.Fatalf("NewKeyring with the primary also among the old keys: %v", err)
	}
}

// wantMisconfigured fails unless err is ErrMisconfigured and does not show secret.
func wantMisconfigured(t *testing.T, what string, err error, secret string) {
	t.Helper()
	if !errors.Is(err, flowdeck.ErrMisconfigured) {
		t.Fatalf("%s: got %v, want ErrMisconfigured", what, err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(flowdeck.Message(err), secret) {
		t.Fatalf("%s: the error shows the plaintext: %v", what, err)
	}
}
