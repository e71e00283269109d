package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Sealer encrypts the App's secrets before they reach the database and
// decrypts them after, with AES-256-GCM under one key the operator keeps
// beside the other settings (REVIEWBOT_ENCRYPTION_KEY). The key is 32
// random bytes written as base64 or hex (`openssl rand -base64 32`); it is
// never derived from a password, so there is nothing to stretch and no
// salt to keep. A nil *Sealer stores secrets as they are, and a database
// backup is then as sensitive as the private key itself.
//
// Each sealed value names the key it was sealed with by a short id (the
// first bytes of a hash of the key, which says nothing about the key), so
// a start with a missing or different key fails with a message that says
// which key is needed, instead of a bare decryption error. The column
// name is the GCM additional data: a sealed webhook secret copied into
// the private key's column does not open.
type Sealer struct {
	aead cipher.AEAD
	id   string
}

// ErrKey is wrapped by the errors for a sealed value that the configured
// key (or the lack of one) cannot open.
var ErrKey = errors.New("REVIEWBOT_ENCRYPTION_KEY does not open the stored App credentials")

// The two forms of a stored secret.
const (
	plainPrefix  = "plain:"
	sealedPrefix = "aes256gcm:"
)

// NewSealer reads a 32-byte key written as standard or URL-safe base64
// (padded or not) or as 64 hex digits. An empty key gives a nil Sealer.
func NewSealer(key string) (*Sealer, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, nil
	}
	raw, err := decodeKey(key)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("reviewbot key id\x00"), raw...))
	return &Sealer{aead: aead, id: hex.EncodeToString(sum[:4])}, nil
}

func decodeKey(key string) ([]byte, error) {
	if len(key) == 64 {
		if b, err := hex.DecodeString(key); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(key); err == nil {
			if len(b) == 32 {
				return b, nil
			}
			return nil, fmt.Errorf("REVIEWBOT_ENCRYPTION_KEY decodes to %d bytes; it must be 32 random bytes (openssl rand -base64 32)", len(b))
		}
	}
	return nil, errors.New("REVIEWBOT_ENCRYPTION_KEY is neither base64 nor 64 hex digits; make one with: openssl rand -base64 32")
}

// KeyID names the key in messages and logs; "" for a nil Sealer.
func (s *Sealer) KeyID() string {
	if s == nil {
		return ""
	}
	return s.id
}

// seal returns the stored form of a secret for column.
func (s *Sealer) seal(plain []byte, column string) (string, error) {
	if s == nil {
		return plainPrefix + base64.StdEncoding.EncodeToString(plain), nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(column))
	return sealedPrefix + s.id + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// open reverses seal; sealed reports whether the value was encrypted.
func (s *Sealer) open(stored, column string) (plain []byte, sealed bool, err error) {
	switch {
	case strings.HasPrefix(stored, plainPrefix):
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(stored, plainPrefix))
		return b, false, err
	case strings.HasPrefix(stored, sealedPrefix):
		id, data, ok := strings.Cut(strings.TrimPrefix(stored, sealedPrefix), ":")
		if !ok {
			return nil, true, fmt.Errorf("%s: malformed", column)
		}
		if s == nil {
			return nil, true, fmt.Errorf("%w: they were encrypted with key %s and REVIEWBOT_ENCRYPTION_KEY is not set; set it to that key", ErrKey, id)
		}
		if id != s.id {
			return nil, true, fmt.Errorf("%w: they were encrypted with key %s and REVIEWBOT_ENCRYPTION_KEY is key %s; set it to the key they were stored with", ErrKey, id, s.id)
		}
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil || len(raw) < s.aead.NonceSize() {
			return nil, true, fmt.Errorf("%s: malformed", column)
		}
		n := s.aead.NonceSize()
		b, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(column))
		if err != nil {
			return nil, true, fmt.Errorf("%w: %s does not decrypt (altered, or moved from another column)", ErrKey, column)
		}
		return b, true, nil
	}
	return nil, false, fmt.Errorf("%s: unknown stored form", column)
}
