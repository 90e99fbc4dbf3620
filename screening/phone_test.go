package screening

import "testing"

func TestNormalizeUKPhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"07700 900123", "07700 900123", true},
		{"+44 7700 900123", "07700 900123", true},
		{"+44 (0)7700 900123", "07700 900123", true},
		{"0044 7700-900123", "07700 900123", true},
		{"(0113) 496 0000", "0113 496 0000", true},
		{"020 7946 0000", "020 7946 0000", true},
		{"0161 496 0000", "0161 496 0000", true},
		{"0300 123 4567", "0300 123 4567", true},
		{"0800 123 456", "", false},
		{"01697 73000", "01697 73000", true},
		{"0909 879 0000", "", false},
		{"07700 90012", "", false},
		{"+1 202 555 0100", "", false},
		{"077OO 900123", "", false},
		{"", "", false},
		{"999", "", false},
	} {
		got, ok := NormalizeUKPhone(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeUKPhone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
