// Package postcode checks and normalises UK postcodes, so that the same
// place is always stored and compared in one form ("LS1 4AP").
//
// It checks the format only (the Royal Mail rules for which letters may
// appear where). Whether a well-formed postcode exists, and where it is, is a
// lookup for the storage layer: a well-formed postcode that cannot be located
// is still accepted.
package postcode

import (
	"strings"
	"unicode"
)

// Letters allowed in each position. Royal Mail never uses the others there,
// so a postcode holding one is a typing error, not an unknown place.
const (
	firstLetters    = "ABCDEFGHIJKLMNOPRSTUWYZ" // not Q, V, X
	secondLetters   = "ABCDEFGHKLMNOPQRSTUVWXY" // not I, J, Z
	thirdLetters    = "ABCDEFGHJKPSTUW"         // A9A
	fourthLetters   = "ABEHMNPRVWXY"            // AA9A
	inwardLetters   = "ABDEFGHJLNPQRSTUWXYZ"    // not C, I, K, M, O, V
	girobankCompact = "GIR0AA"
)

// Normalize returns s in canonical form, the outward code, one space and the
// three-character inward code ("LS1 4AP"), and whether s is a well-formed UK
// postcode. Case, surrounding space and the spaces people type inside a
// postcode ("ls14ap", "LS1  4AP") do not matter. When s is not well formed it
// returns "" and false, so a malformed value is never stored by mistake.
func Normalize(s string) (string, bool) {
	var buf [7]byte
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		if n == len(buf) || r > unicode.MaxASCII {
			return "", false
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		buf[n] = byte(r)
		n++
	}
	if n < 5 {
		return "", false
	}
	compact := buf[:n]
	out, in := compact[:n-3], compact[n-3:]
	if string(compact) != girobankCompact && !(validOutward(out) && validInward(in)) {
		return "", false
	}
	return string(out) + " " + string(in), true
}

// District returns the outward code of a postcode ("LS1" for "ls1 4ap"), or ""
// when s is not a well-formed postcode. Pilots allocate by district.
func District(s string) string {
	n, ok := Normalize(s)
	if !ok {
		return ""
	}
	return n[:strings.IndexByte(n, ' ')]
}

// validOutward accepts the six outward shapes: A9, A99, AA9, AA99, A9A, AA9A.
func validOutward(b []byte) bool {
	if len(b) < 2 || !in(b[0], firstLetters) {
		return false
	}
	switch len(b) {
	case 2: // A9
		return digit(b[1])
	case 3: // A99, A9A, AA9
		return digit(b[1]) && (digit(b[2]) || in(b[2], thirdLetters)) ||
			in(b[1], secondLetters) && digit(b[2])
	case 4: // AA99, AA9A
		return in(b[1], secondLetters) && digit(b[2]) && (digit(b[3]) || in(b[3], fourthLetters))
	}
	return false
}

// validInward accepts 9AA.
func validInward(b []byte) bool {
	return len(b) == 3 && digit(b[0]) && in(b[1], inwardLetters) && in(b[2], inwardLetters)
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

func in(c byte, set string) bool { return strings.IndexByte(set, c) >= 0 }
