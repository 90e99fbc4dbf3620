package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected hash format %q", h)
	}
	if err := Verify(h, "correct horse battery"); err != nil {
		t.Fatalf("Verify(right) = %v", err)
	}
	if err := Verify(h, "wrong horse battery"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify(wrong) = %v, want ErrMismatch", err)
	}
	h2, _ := Hash("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	if err := Verify("$bcrypt$x", "a"); err == nil || errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify(bad format) = %v, want a format error", err)
	}
}

func TestCheck(t *testing.T) {
	// NCSC guidance: length and a deny list of common passwords, no
	// composition rules (no "must contain a digit").
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"short", false},
		{"aaaaaaaaaa", false},   // the review's: 10 characters
		{"exactly11!!", false},  // under 12
		{"aaaaaaaaaaaa", false}, // one character over and over
		{"password1234", false}, // on the common password list
		{"PASSWORD1234", false}, // in any case
		{"qwertyuiop123", false},
		{"a long password", true},
		{"dragon20262026", false}, // a listed word with digits added
		{"monkey!!!!!!!!", false},
		{"tea with Maud on Sundays", true},
		{"twelvelowers", true}, // no composition rules
		{strings.Repeat("x", 257), false},
		{strings.Repeat("é", 6) + "ab cd ef", true},
	} {
		if got := Check(tc.pw) == nil; got != tc.ok {
			t.Errorf("Check(%q) ok = %v, want %v (%v)", tc.pw, got, tc.ok, Check(tc.pw))
		}
	}
}
