package app

import (
	"testing"

	"github.com/kith-project/kith/assets"
)

func TestScheduleWords(t *testing.T) {
	for _, tc := range []struct {
		in   []assets.Schedule
		want string
	}{
		{[]assets.Schedule{{ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:30", ClosesAt: "16:30"}}, "Monday to Friday, 09:30 to 16:30"},
		{[]assets.Schedule{{ByDay: "MO,WE", OpensAt: "10:00", ClosesAt: "12:00"}}, "Mondays and Wednesdays, 10:00 to 12:00"},
		{[]assets.Schedule{{ByDay: "TU,TH,SA"}}, "Tuesdays, Thursdays and Saturdays"},
		{[]assets.Schedule{{OpensAt: "18:00", ClosesAt: "20:00", Description: "phone line"}}, "Every day, 18:00 to 20:00 (phone line)"},
		{[]assets.Schedule{{ByDay: "SU"}, {ByDay: "SA"}}, "Sundays; Saturdays"},
	} {
		if got := scheduleWords(tc.in); got != tc.want {
			t.Errorf("scheduleWords(%+v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A service that visits at home is written as one: no place to go.
func TestServiceForLetterVisitsAtHome(t *testing.T) {
	svc := assets.Service{Name: "Home Companions", SupportToAttend: []string{"home_visits"}}
	if got := serviceForLetter(svc); !got.VisitsAtHome {
		t.Fatalf("home visits not carried: %+v", got)
	}
	if got := serviceForLetter(assets.Service{Name: "Lunch Club", SupportToAttend: []string{"transport"}}); got.VisitsAtHome {
		t.Fatalf("a lunch club visits at home: %+v", got)
	}
}
