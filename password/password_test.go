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
	for _, tc := range []struct {
		pw string
		ok bool
	}{{"short", false}, {"exactly10!", true}, {strings.Repeat("x", 257), false}, {strings.Repeat("é", 10), true}} {
		if got := Check(tc.pw) == nil; got != tc.ok {
			t.Errorf("Check(%q) ok = %v, want %v", tc.pw, got, tc.ok)
		}
	}
}
