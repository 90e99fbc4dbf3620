package signedlink

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := Claims{Purpose: "confirm-service", Site: "demo", ID: "svc-1", Expires: now.Add(time.Hour)}
	tok := Sign(key, c)
	got, err := Verify(key, tok, "confirm-service", now)
	if err != nil || got != c {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, c)
	}
	for name, tc := range map[string]struct {
		key     []byte
		tok     string
		purpose string
		now     time.Time
	}{
		"expired":       {key, tok, "confirm-service", now.Add(time.Hour)},
		"other purpose": {key, tok, "provider-referral", now},
		"other key":     {[]byte("another key of thirty-two bytes!"), tok, "confirm-service", now},
		"tampered":      {key, strings.Replace(tok, tok[:4], "AAAA", 1), "confirm-service", now},
		"no dot":        {key, "abc", "confirm-service", now},
		"empty":         {key, "", "confirm-service", now},
		"bad base64":    {key, "!!.!!", "confirm-service", now},
	} {
		if _, err := Verify(tc.key, tc.tok, tc.purpose, tc.now); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	f.Add(Sign(key, Claims{Purpose: "p", Site: "s", ID: "i", Expires: time.Unix(2e9, 0)}))
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, tok string) {
		if c, err := Verify(key, tok, "p", time.Unix(1e9, 0)); err == nil && Sign(key, c) != tok {
			t.Fatalf("accepted a token that does not re-sign identically: %q", tok)
		}
	})
}
