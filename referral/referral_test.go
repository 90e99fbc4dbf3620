package referral

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
)

// legal is DESIGN.md's transition table, written out again so that the
// test and the code are two independent readings of it.
var legal = map[State]string{
	New:       "assigned withdrawn escalated",
	Assigned:  "assigned contacted withdrawn escalated",
	Contacted: "sent withdrawn escalated",
	Sent:      "accepted declined expired rerouted withdrawn escalated",
	Accepted:  "engaged declined rerouted withdrawn escalated",
	Declined:  "rerouted closed escalated",
	Expired:   "rerouted closed escalated",
	Engaged:   "closed escalated",
	Closed:    "", Withdrawn: "", Rerouted: "", Escalated: "",
}

// complete fills what each move needs, so only legality is tested.
func complete(to State) Move {
	m := Move{To: to}
	switch to {
	case Declined:
		m.Reason = "service_full"
	case Withdrawn:
		m.WithdrawnBy, m.Reason = "person", "changed their mind"
	case Rerouted:
		m.ServiceID = "svc-2"
	case Escalated:
		m.Reason = "new disclosure"
	case Closed:
		m.Outcome = &Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: "fully"}
	}
	return m
}

func TestEveryTransition(t *testing.T) {
	for _, from := range States {
		for _, to := range States {
			want := slices.Contains(splitStates(legal[from]), to)
			err := Check(from, complete(to))
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				if want && err != nil {
					t.Fatalf("legal move refused: %v", err)
				}
				if !want {
					if kith.ErrorCode(err) != kith.ECONFLICT {
						t.Fatalf("illegal move: err = %v, want a conflict", err)
					}
					var ke *kith.Error
					if e, ok := err.(*kith.Error); ok {
						ke = e
					}
					allowed, _ := ke.Extra["allowed"].([]string)
					var wantAllowed []string
					for _, s := range splitStates(legal[from]) {
						wantAllowed = append(wantAllowed, string(s))
					}
					if diff := cmp.Diff(wantAllowed, allowed, cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })); diff != "" && len(wantAllowed)+len(allowed) > 0 {
						t.Errorf("allowed (-want +got):\n%s", diff)
					}
				}
			})
		}
		if Final(from) != (legal[from] == "") {
			t.Errorf("Final(%s) = %v", from, Final(from))
		}
	}
}

func splitStates(s string) []State {
	var out []State
	for _, f := range strings.Fields(s) {
		out = append(out, State(f))
	}
	return out
}

func TestMoveNeeds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		from  State
		m     Move
		field string
	}{
		{"unknown state", New, Move{To: "lost"}, "to"},
		{"decline without reason", Sent, Move{To: Declined}, "reason"},
		{"decline with unknown reason", Sent, Move{To: Declined, Reason: "busy"}, "reason"},
		{"withdraw without who", Sent, Move{To: Withdrawn, Reason: "x"}, "withdrawn_by"},
		{"withdraw without why", Sent, Move{To: Withdrawn, WithdrawnBy: "person"}, "reason"},
		{"reroute without service", Sent, Move{To: Rerouted}, "service_id"},
		{"escalate without why", Sent, Move{To: Escalated}, "reason"},
		{"close without outcome", Engaged, Move{To: Closed}, "outcome"},
		{"close with achieved but not asked", Engaged, Move{To: Closed, Outcome: &Outcome{DesiredOutcomesAsked: "not_asked", Achieved: "fully"}}, "outcome.achieved"},
		{"close asked without achieved", Engaged, Move{To: Closed, Outcome: &Outcome{DesiredOutcomesAsked: "asked_expressed"}}, "outcome.achieved"},
		{"bad agree scale", Engaged, Move{To: Closed, Outcome: &Outcome{DesiredOutcomesAsked: "not_asked", FeelsSafer: "yes"}}, "outcome.feels_safer"},
		{"outcome when not closing", Sent, Move{To: Accepted, Outcome: &Outcome{}}, "outcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.from, tc.m)
			f := kith.FieldErrors(err)
			if kith.ErrorCode(err) != kith.EINVALID || len(f) == 0 || f[0].Field != tc.field {
				t.Fatalf("err = %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestConcernOutcome(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     ConcernOutcome
		field string // "" = valid
	}{
		{"no enquiry, community referral", ConcernOutcome{Enquiry: "no_enquiry", Instead: "community_referral"}, ""},
		{"no enquiry needs instead", ConcernOutcome{Enquiry: "no_enquiry"}, "instead"},
		{"no enquiry has no MSP", ConcernOutcome{Enquiry: "no_enquiry", Instead: "no_further_action", MSPAsked: "asked_expressed"}, "msp_asked"},
		{"s42 full", ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "asked_expressed", MSPAchieved: "partially", RiskAssessment: "risk_identified_action_taken", RiskOutcome: "reduced"}, ""},
		{"s42 achieved needs asked_expressed", ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "not_asked", MSPAchieved: "fully", RiskAssessment: "ceased_at_request"}, "msp_achieved"},
		{"risk identified needs outcome", ConcernOutcome{Enquiry: "other_enquiry", MSPAsked: "not_asked", RiskAssessment: "risk_identified_no_action"}, "risk_outcome"},
		{"no risk has no outcome", ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "dont_know", RiskAssessment: "no_risk_identified_no_action", RiskOutcome: "removed"}, "risk_outcome"},
		{"instead only without enquiry", ConcernOutcome{Enquiry: "s42_enquiry", Instead: "other_service", MSPAsked: "not_asked", RiskAssessment: "ceased_at_request"}, "instead"},
		{"unknown enquiry", ConcernOutcome{Enquiry: "maybe"}, "enquiry"},
		{"s42 under way", ConcernOutcome{Enquiry: "s42_enquiry"}, ""},
		{"other enquiry under way", ConcernOutcome{Enquiry: "other_enquiry", LocationOfRisk: "own_home"}, ""},
		{"an outcome needs the risk assessment too", ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "not_asked"}, "risk_assessment"},
		{"a risk outcome needs its assessment", ConcernOutcome{Enquiry: "s42_enquiry", RiskOutcome: "reduced"}, "risk_outcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.o.Check()
			if tc.field == "" && len(errs) > 0 {
				t.Fatalf("valid outcome refused: %v", errs)
			}
			if tc.field != "" && (len(errs) == 0 || errs[0].Field != tc.field) {
				t.Fatalf("errs = %v, want %s", errs, tc.field)
			}
		})
	}
}

func TestBankHolidays(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for year, want := range map[int][]string{
		2025: {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"},
		2026: {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"},
		2027: {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"},
		2022: {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-08-29", "2022-12-26", "2022-12-27", "2022-06-02", "2022-06-03", "2022-09-19"},
	} {
		var got, w []string
		for _, h := range BankHolidays(year) {
			got = append(got, h.Format(time.DateOnly))
		}
		for _, s := range want {
			w = append(w, d(s).Format(time.DateOnly))
		}
		slices.Sort(got)
		slices.Sort(w)
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%d (-want +got):\n%s", year, diff)
		}
	}
}

func TestWorkingDaysAndTimers(t *testing.T) {
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, kith.London)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-11-23 10:00", "2026-11-26 09:00", 3},  // Monday to Thursday
		{"2026-11-27 16:00", "2026-11-30 09:00", 1},  // Friday to Monday
		{"2026-12-24 10:00", "2026-12-29 10:00", 1},  // over Christmas (25th, 28th are holidays)
		{"2026-04-02 10:00", "2026-04-07 10:00", 1},  // over Easter
		{"2026-11-23 10:00", "2026-12-07 10:00", 10}, // two weeks
	} {
		if got := WorkingDaysBetween(at(tc.from), at(tc.to)); got != tc.want {
			t.Errorf("%s to %s = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	sent := at("2026-11-23 10:00")
	for _, tc := range []struct {
		now                    string
		nudge, overdue, expire bool
	}{
		{"2026-11-25 17:00", false, false, false},
		{"2026-11-26 09:00", true, false, false},
		{"2026-12-01 09:00", true, true, false},
		{"2026-12-07 09:00", true, true, true},
	} {
		got := TimerAt(sent, at(tc.now), Thresholds{})
		if got.Nudge != tc.nudge || got.Overdue != tc.overdue || got.Expire != tc.expire {
			t.Errorf("at %s: %+v", tc.now, got)
		}
	}
}

func TestSiteThresholds(t *testing.T) {
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, kith.London)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, kith.London) // 2 working days
	if got := TimerAt(sent, now, Thresholds{Nudge: 2, Overdue: 2, Expire: 2}); !got.Nudge || !got.Overdue || !got.Expire {
		t.Fatalf("site thresholds of 2: %+v", got)
	}
	if got := TimerAt(sent, now, Thresholds{}); got.Nudge {
		t.Fatalf("defaults: %+v", got)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("sent", `{"to":"declined","reason":"other"}`)
	f.Add("engaged", `{"to":"closed","outcome":{"desired_outcomes_asked":"asked_expressed","achieved":"fully"}}`)
	f.Fuzz(func(t *testing.T, from, body string) {
		var m Move
		if json.Unmarshal([]byte(body), &m) != nil {
			return
		}
		err := Check(State(from), m)
		if err != nil && kith.ErrorCode(err) == kith.EINTERNAL {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}

// The cutoff agrees with counting working days, hour by hour across
// weekends, bank holidays and the clock changes.
func TestOverdueCutoffAgreesWithWorkingDays(t *testing.T) {
	for _, now := range []time.Time{time.Date(2026, 12, 29, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 0, 30, 0, 0, time.UTC),
		time.Date(2026, 4, 7, 23, 30, 0, 0, time.UTC), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)} {
		for _, days := range []int{1, 6, 10} {
			cut := OverdueCutoff(now, days)
			for sent := now.AddDate(0, 0, -25); sent.Before(now); sent = sent.Add(time.Hour) {
				if got, want := sent.Before(cut), WorkingDaysBetween(sent, now) >= days; got != want {
					t.Fatalf("now %s, %d days, sent %s: before cutoff %s is %v, counted %v", now, days, sent, cut, got, want)
				}
			}
		}
	}
}
