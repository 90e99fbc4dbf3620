// Package password hashes and checks sign-in passwords with argon2id
// (golang.org/x/crypto/argon2), stored as PHC strings so the parameters can
// be raised later without breaking existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/argon2"
)

// Parameters follow the OWASP Password Storage Cheat Sheet's argon2id
// minimum (19 MiB, 2 passes, 1 lane): a sign-in costs about 30 ms here.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// MinLength and MaxLength bound what a person may choose: NCSC's password
// guidance asks for length (12 or more) and a deny list, and no
// composition rules. The maximum keeps a hostile sign-in from costing much
// more than a normal one.
const (
	MinLength = 12
	MaxLength = 256
)

// common is the deny list: the 30,000 most common passwords of
// zxcvbn's list (github.com/trustelem/zxcvbn/frequency, built into the
// binary), lower case.
var common = func() map[string]bool {
	list := frequency.FrequencyLists["passwords"]
	m := make(map[string]bool, len(list))
	for _, p := range list {
		m[strings.ToLower(p)] = true
	}
	return m
}()

// isCommon says whether pw is on the deny list, in any case, or is a word
// of the list with only digits or punctuation added ("password1234",
// "dragon2026!"), or one character over and over.
func isCommon(pw string) bool {
	lower := strings.ToLower(pw)
	if common[lower] {
		return true
	}
	if r := []rune(lower); strings.Count(lower, string(r[0])) == len(r) {
		return true
	}
	base := strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	base = strings.TrimLeftFunc(base, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	return base != lower && (base == "" || common[base])
}

// ErrMismatch is returned by Verify when the password is wrong.
var ErrMismatch = errors.New("password does not match")

// Check says, in words a person can act on, what is wrong with a new password.
func Check(pw string) error {
	n := len([]rune(pw))
	switch {
	case n < MinLength:
		return fmt.Errorf("must be at least %d characters", MinLength)
	case len(pw) > MaxLength:
		return fmt.Errorf("must be at most %d bytes", MaxLength)
	case isCommon(pw):
		return errors.New("is too common: it is on a list of passwords people often use, so it is easy to guess. Try three or more random words")
	}
	return nil
}

// Hash returns the PHC-format argon2id hash of pw with a fresh salt.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks pw against a hash made by Hash, in constant time.
func Verify(encoded, pw string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return fmt.Errorf("verify password: unknown hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return fmt.Errorf("verify password: unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return fmt.Errorf("verify password: bad parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("verify password: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("verify password: bad key: %w", err)
	}
	if len(pw) > MaxLength {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
