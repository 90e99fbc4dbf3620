package screening

import "strings"

// NormalizeUKPhone checks a UK phone number as a visitor might type it
// ("07700 900123", "+44 7700 900123", "(0113) 496-0000") and returns it in
// national form with the usual spacing. It accepts geographic (01, 02),
// non-geographic (03, 05, 08) and mobile (07) numbers of the right length;
// premium-rate (09) numbers and anything else are refused.
func NormalizeUKPhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+44"):
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "+44"), "0")
	case strings.HasPrefix(d, "0044"):
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "0044"), "0")
	case strings.HasPrefix(d, "+"):
		return "", false
	}
	if len(d) < 10 || len(d) > 11 || d[0] != '0' || !strings.ContainsRune("123578", rune(d[1])) {
		return "", false
	}
	if d[1] != '1' && len(d) != 11 {
		return "", false // only some 01 area codes have ten digits
	}
	return spacePhone(d), true
}

// spacePhone groups a national number the way it is usually written.
func spacePhone(d string) string {
	switch {
	case len(d) == 10:
		return d[:5] + " " + d[5:]
	case d[1] == '2':
		return d[:3] + " " + d[3:7] + " " + d[7:]
	case d[1] == '1' && (d[2] == '1' || d[3] == '1'):
		return d[:4] + " " + d[4:7] + " " + d[7:]
	case d[1] == '3' || d[1] == '8':
		return d[:4] + " " + d[4:7] + " " + d[7:]
	default:
		return d[:5] + " " + d[5:]
	}
}
