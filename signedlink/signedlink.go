// Package signedlink makes and checks the signed, expiring tokens that let
// someone without an account act on exactly one record: a provider answering
// one referral, or a service's contact confirming that its directory entry
// is still up to date. A token names its purpose, site and record, so a
// token for one can never be used for another.
package signedlink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is returned for a token that is malformed, forged, for another
// purpose or record, or expired. Callers show one message for all of these.
var ErrInvalid = errors.New("the link is not valid or has expired")

// Claims are what a token grants.
type Claims struct {
	Purpose string // e.g. "confirm-service", "provider-referral"
	Site    string
	ID      string
	Expires time.Time
}

var b64 = base64.RawURLEncoding

// Sign returns a URL-safe token for c, signed with key (HMAC-SHA256).
func Sign(key []byte, c Claims) string {
	payload := strings.Join([]string{c.Purpose, c.Site, c.ID, strconv.FormatInt(c.Expires.Unix(), 10)}, "\x00")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(mac.Sum(nil))
}

// Verify checks token against key, purpose and the time now, and returns
// its claims. The comparison is constant-time.
func Verify(key []byte, token, purpose string, now time.Time) (Claims, error) {
	p, s, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return Claims{}, ErrInvalid
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return Claims{}, ErrInvalid
	}
	sig, err := b64.DecodeString(s)
	if err != nil {
		return Claims{}, ErrInvalid
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return Claims{}, ErrInvalid
	}
	parts := strings.Split(string(payload), "\x00")
	if len(parts) != 4 || parts[0] != purpose {
		return Claims{}, ErrInvalid
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return Claims{}, ErrInvalid
	}
	c := Claims{Purpose: parts[0], Site: parts[1], ID: parts[2], Expires: time.Unix(exp, 0).UTC()}
	if !now.Before(c.Expires) {
		return Claims{}, ErrInvalid
	}
	return c, nil
}
