package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith/referral"
)

func TestSearchTerms(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"Lunch club", []string{"lunch", "club"}},
		{`  "walk*" OR NEAR(x) `, []string{"walk", "or", "near", "x"}},
		{"Zoë's café-2", []string{"zoë", "s", "café", "2"}},
		{"%_", nil},
		{strings.Repeat("a ", 30), slices.Repeat([]string{"a"}, 20)},
	} {
		if got := SearchTerms(c.q); !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestReferralFilterSearch(t *testing.T) {
	for _, c := range []struct {
		q, ref string
		terms  []string
	}{
		{"r-1A2B3C4D", "R-1a2b3c4d", nil},
		{" R-0193abcd ", "R-0193abcd", nil},
		{"Ada Lovelace", "", []string{"ada", "lovelace"}},
		{"R-12", "", []string{"r", "12"}},
	} {
		terms, ref := ReferralFilter{Q: c.q}.Search()
		if ref != c.ref || !slices.Equal(terms, c.terms) {
			t.Errorf("Search(%q) = %q, %q; want %q, %q", c.q, terms, ref, c.terms, c.ref)
		}
	}
	if id := "0193f0aa-1111-7000-8000-00001a2b3c4d"; ReferralReference(id) != "R-1a2b3c4d" {
		t.Errorf("reference of %s: %s", id, ReferralReference(id))
	}
}

func TestOverdueBefore(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // a Thursday
	f := ReferralFilter{Now: now, Thresholds: referral.Thresholds{Overdue: 6}}
	cut := f.OverdueBefore()
	for _, sent := range []time.Time{cut.Add(-time.Minute), cut, cut.Add(time.Minute)} {
		overdue := referral.TimerAt(sent, now, f.Thresholds).Overdue
		if overdue != sent.Before(cut) {
			t.Errorf("sent %s: overdue %v, but the cut-off %s says %v", sent, overdue, cut, sent.Before(cut))
		}
	}
}
