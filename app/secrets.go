package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// TokenPrefix starts every API token's secret, so a leaked token is easy
// to recognise in a scanner.
const TokenPrefix = "kith_"

// NewSecret makes a token's or a session's secret: 256 random bits,
// URL-safe, after prefix; and its hash, which is all a store keeps. Every
// backend makes and finds secrets through NewSecret and HashSecret, so the
// format is defined once.
func NewSecret(prefix string) (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("new secret: %w", err)
	}
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, HashSecret(s), nil
}

// HashSecret is the SHA-256 of a secret, as stores keep and look it up.
func HashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
