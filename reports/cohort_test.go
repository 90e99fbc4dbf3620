package reports

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith/referral"
)

func tallyStrings(ts []Tally) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Kind+":"+strings.Join(t.Keys, "|")+":"+fmt.Sprint(t.V))
	}
	slices.Sort(out)
	return out
}

// A cohort counts its screening, relationships (and gaps where located at
// medium or high), its concern by the outcome's parts, and each referral's
// funnel, working days between steps, service and outcome.
func TestCohortTallies(t *testing.T) {
	fri := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) // a Friday
	at := func(days int) *time.Time { x := fri.AddDate(0, 0, days); return &x }
	lat, lon := 53.8, -1.55
	delta := -2
	c := Cohort{CreatedAt: fri, Version: 1, Agency: "fire", Action: "raise_concern", Loneliness: "lonely", Isolation: "isolated",
		Quadrant: "isolated_and_lonely", Latitude: &lat, Longitude: &lon,
		Relationships: map[string]string{"risk_factor": "high", "impact_factor": "none"},
		Concerns:      []*referral.ConcernOutcome{{Enquiry: "no_enquiry", Instead: "community_referral"}},
		Referrals: []CohortReferral{{ServiceID: "svc-1", CreatedAt: fri, Sent: at(3), Accepted: at(4), Engaged: at(5), Closed: at(10),
			Outcome: &referral.Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: "fully"},
			Change:  &referral.Change{Instrument: "ucla3", Delta: &delta, FirstClass: "lonely", MovedOutOfLonely: true}}},
	}
	got := map[string]bool{}
	for _, s := range tallyStrings(c.Tallies()) {
		got[s] = true
	}
	for _, want := range []string{
		"screening:fire|1|lonely|isolated|isolated_and_lonely:[1 0 0 0 0]",
		"relationship:risk_factor|high:[1 0 0 0 0]",
		"relationship:impact_factor|none:[1 0 0 0 0]",
		"gap:risk_factor|53.8|-1.55:[1 0 0 0 0]",
		"concern:concern|fire:[1 0 0 0 0]",
		"concern:enquiry|no_enquiry:[1 0 0 0 0]",
		"concern:instead|community_referral:[1 0 0 0 0]",
		"funnel:fire:[1 1 1 1 1]",
		"step:fire|referral|0:[1 0 0 0 0]",
		"step:fire|sent|1:[1 0 0 0 0]", // Friday to Monday: one working day
		"step:fire|closed|3:[1 0 0 0 0]",
		"service:svc-1:[1 1 0 0 0]",
		"outcome:closed|:[1 0 0 0 0]",
		"outcome:achieved|fully:[1 0 0 0 0]",
		"change:ucla3:[1 -2 4 1 1]",
	} {
		if !got[want] {
			t.Errorf("no tally %s in\n%s", want, strings.Join(tallyStrings(c.Tallies()), "\n"))
		}
	}
	for s := range got {
		if strings.HasPrefix(s, "concern:awaiting") || strings.HasPrefix(s, "gap:impact_factor") {
			t.Errorf("unexpected tally %s", s)
		}
	}
}
