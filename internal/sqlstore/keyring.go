package sqlstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// KeySize is the size of a Keyring key in bytes (AES-256).
const KeySize = 32

const (
	sealVersion = 1
	keyIDSize   = 4
	nonceSize   = 12
	headerSize  = 1 + keyIDSize + nonceSize
)

// Keyring seals and opens secrets with AES-256-GCM. It seals with its primary
// key and opens with any of its keys, chosen by the key id every ciphertext
// carries, so that keys can rotate without rewriting the database.
type Keyring struct {
	primary keyEntry
	byID    map[[keyIDSize]byte]cipher.AEAD
}

type keyEntry struct {
	id   [keyIDSize]byte
	aead cipher.AEAD
}

// NewKeyring returns a keyring that seals with primary and opens with primary
// and every old key. Each key must be exactly KeySize bytes; any other size is
// an error of kind flowdeck.ErrMisconfigured.
func NewKeyring(primary []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{byID: make(map[[keyIDSize]byte]cipher.AEAD)}
	for i, key := range append([][]byte{primary}, old...) {
		e, err := newKeyEntry(key)
		if err != nil {
			which := "The encryption key"
			if i > 0 {
				which = fmt.Sprintf("Old encryption key %d", i)
			}
			return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, which+" must be exactly 32 bytes.")
		}
		if i == 0 {
			k.primary = e
		}
		if _, dup := k.byID[e.id]; dup {
			// The same key given twice is harmless; two different keys with one
			// id (a 1 in 2^32 chance) would make old ciphertexts ambiguous.
			continue
		}
		k.byID[e.id] = e.aead
	}
	return k, nil
}

func newKeyEntry(key []byte) (keyEntry, error) {
	if len(key) != KeySize {
		return keyEntry{}, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return keyEntry{}, fmt.Errorf("new cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keyEntry{}, fmt.Errorf("new gcm: %w", err)
	}
	return keyEntry{id: keyID(key), aead: aead}, nil
}

// keyID names a key without revealing it: the first bytes of a
// domain-separated SHA-256 of the key.
func keyID(key []byte) [keyIDSize]byte {
	h := sha256.New()
	h.Write([]byte("flowdeck keyring key id\x00"))
	h.Write(key)
	var id [keyIDSize]byte
	copy(id[:], h.Sum(nil))
	return id
}

// Seal encrypts plaintext with the primary key and a fresh random nonce, bound
// to additionalData. The result is version | key id | nonce | ciphertext+tag.
func (k *Keyring) Seal(plaintext, additionalData []byte) ([]byte, error) {
	out := make([]byte, headerSize, headerSize+len(plaintext)+k.primary.aead.Overhead())
	out[0] = sealVersion
	copy(out[1:], k.primary.id[:])
	if _, err := rand.Read(out[1+keyIDSize : headerSize]); err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrInternal, fmt.Errorf("read nonce: %w", err), "A secret could not be encrypted.")
	}
	return k.primary.aead.Seal(out, out[1+keyIDSize:headerSize], plaintext, sealAD(out[:headerSize], additionalData)), nil
}

// Open decrypts a ciphertext made by Seal with any key of the keyring and the
// same additionalData. An unknown key id, a malformed ciphertext or a failed
// authentication (tampering, or a ciphertext moved to another row) is an error
// of kind flowdeck.ErrMisconfigured.
func (k *Keyring) Open(ciphertext, additionalData []byte) ([]byte, error) {
	if len(ciphertext) < headerSize || ciphertext[0] != sealVersion {
		return nil, openError(fmt.Errorf("malformed ciphertext (%d bytes)", len(ciphertext)))
	}
	var id [keyIDSize]byte
	copy(id[:], ciphertext[1:])
	aead, ok := k.byID[id]
	if !ok {
		return nil, openError(fmt.Errorf("unknown key id %x", id))
	}
	pt, err := aead.Open(nil, ciphertext[1+keyIDSize:headerSize], ciphertext[headerSize:], sealAD(ciphertext[:headerSize], additionalData))
	if err != nil {
		return nil, openError(fmt.Errorf("key id %x: %w", id, err))
	}
	return pt, nil
}

func openError(err error) error {
	return flowdeck.Wrap(flowdeck.ErrMisconfigured, err,
		"A stored secret could not be decrypted; check FLOWDECK_ENCRYPTION_KEY and FLOWDECK_ENCRYPTION_OLD_KEYS.")
}

// sealAD authenticates the header (version, key id, nonce) with the caller's data.
func sealAD(header, additionalData []byte) []byte {
	ad := make([]byte, 0, len(header)+len(additionalData))
	return append(append(ad, header...), additionalData...)
}

// rowAD builds unambiguous additional data from parts: each part is prefixed
// with its length, so ("a|b", "c") and ("a", "b|c") differ.
func rowAD(parts ...string) []byte {
	var ad []byte
	for _, p := range parts {
		ad = binary.AppendUvarint(ad, uint64(len(p)))
		ad = append(ad, p...)
	}
	return ad
}
