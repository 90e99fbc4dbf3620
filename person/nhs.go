package person

import "strings"

// NormalizeNHSNumber checks an NHS number and returns its ten digits with no
// spaces. People write it in groups ("943 476 5919") or with hyphens; those
// do not matter. The tenth digit is the check digit of the NHS Data
// Dictionary's modulus 11 rule: each of the first nine digits is multiplied
// by 10 down to 2, the products summed, and 11 less the remainder on
// division by 11 is the check digit (11 becomes 0; 10 means the number is
// not valid and is never issued). A number of one repeated digit passes some
// such checks but is a placeholder, never a person's number.
func NormalizeNHSNumber(s string) (string, string) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\u00a0':
		default:
			return "", "must be 10 digits, like 943 476 5919"
		}
	}
	d := b.String()
	if len(d) != 10 {
		return "", "must be 10 digits, like 943 476 5919"
	}
	if strings.Count(d, d[:1]) == 10 {
		return "", "is not a real NHS number: check it on the person's NHS letter or app"
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(d[9]-'0') {
		return "", "is not a valid NHS number: a digit may be mistyped"
	}
	return d, ""
}

// FormatNHSNumber shows ten digits the way the NHS prints them: 3, 3 and 4.
func FormatNHSNumber(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[:3] + " " + d[3:6] + " " + d[6:]
}
