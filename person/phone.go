package person

import "strings"

// NormalizePhone turns a UK phone number as people write it ("+44 (0)113
// 496 0123", "0113-496-0123", "00447700900123") into one national form with
// the usual spacing ("0113 496 0123", "07700 900123"), so the same number is
// always stored and compared the same way. It checks the shape of UK
// numbers (a leading 0 then 9 or 10 digits, in the ranges Ofcom allocates:
// 01, 02, 03, 05, 07, 08, 09); it cannot know whether a number is in use.
func NormalizePhone(s string) (string, string) {
	var b strings.Builder
	rest := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(rest, "+"):
		rest = rest[1:]
		if !strings.HasPrefix(rest, "44") {
			return "", "must be a UK number: for a number abroad, write it in the notes"
		}
		rest = rest[2:]
		b.WriteByte('0')
	case strings.HasPrefix(rest, "0044"):
		rest = rest[4:]
		b.WriteByte('0')
	}
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" -.()\u00a0", r):
		default:
			return "", "must be a phone number: digits, with spaces if you like"
		}
	}
	d := b.String()
	// "+44 (0)113..." leaves "00113...": the (0) is the trunk prefix again.
	if strings.HasPrefix(d, "00") {
		d = d[1:]
	}
	if len(d) < 10 || len(d) > 11 || d[0] != '0' || !strings.ContainsRune("1235789", rune(d[1])) {
		return "", "must be a UK number of 10 or 11 digits starting with 0, like 0113 496 0123"
	}
	if len(d) == 10 && d[1] != '1' && !strings.HasPrefix(d, "08") {
		return "", "is a digit short: UK numbers outside 01 and 08 have 11 digits"
	}
	return groupPhone(d), ""
}

// groupPhone spaces a national number the way it is usually printed.
func groupPhone(d string) string {
	switch {
	case len(d) == 10 && d[1] == '8': // 0800 123456
		return d[:4] + " " + d[4:]
	case len(d) == 10: // 016977 4321: the few areas with six-digit codes
		return d[:6] + " " + d[6:]
	case d[1] == '2': // 020 7946 0000: London, Cardiff, Belfast...
		return d[:3] + " " + d[3:7] + " " + d[7:]
	case d[1] == '1' && (d[2] == '1' || d[3] == '1'),
		d[1] == '3', d[1] == '8', d[1] == '9': // 0113 496 0123, 0161 ..., 0300 ..., 0800 ...
		return d[:4] + " " + d[4:7] + " " + d[7:]
	default: // 01632 960000, 07700 900123
		return d[:5] + " " + d[5:]
	}
}
