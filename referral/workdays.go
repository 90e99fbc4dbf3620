package referral

import (
	"time"

	"github.com/kith-project/kith"
)

// Timers in working days (England and Wales bank holidays excluded).
const (
	NudgeAfter   = 3  // nudge the provider
	OverdueAfter = 6  // flag on the navigator's worklist
	ExpireAfter  = 10 // move to expired, back to the top of the worklist
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// easter returns Easter Sunday (the Gregorian computus).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date(y, time.Month(month), day)
}

func firstMonday(y int, m time.Month) time.Time {
	d := date(y, m, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func lastMonday(y int, m time.Month) time.Time {
	d := date(y, m+1, 1).AddDate(0, 0, -1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// moved are one-off changes to the regular rules, by proclamation.
var moved = map[int]struct{ drop, add []time.Time }{
	2020: {drop: []time.Time{date(2020, 5, 4)}, add: []time.Time{date(2020, 5, 8)}},
	2022: {drop: []time.Time{date(2022, 5, 30)}, add: []time.Time{date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}},
	2023: {add: []time.Time{date(2023, 5, 8)}},
}

// BankHolidays returns England and Wales bank holidays in year y.
func BankHolidays(y int) []time.Time {
	var out []time.Time
	ny := date(y, 1, 1)
	switch ny.Weekday() {
	case time.Saturday:
		ny = ny.AddDate(0, 0, 2)
	case time.Sunday:
		ny = ny.AddDate(0, 0, 1)
	}
	e := easter(y)
	out = append(out, ny, e.AddDate(0, 0, -2), e.AddDate(0, 0, 1), firstMonday(y, time.May), lastMonday(y, time.May), lastMonday(y, time.August))
	xmas, boxing := date(y, 12, 25), date(y, 12, 26)
	switch xmas.Weekday() {
	case time.Friday: // Boxing Day on Saturday moves to Monday
		boxing = date(y, 12, 28)
	case time.Saturday:
		xmas, boxing = date(y, 12, 27), date(y, 12, 28)
	case time.Sunday:
		xmas, boxing = date(y, 12, 27), date(y, 12, 26)
	}
	out = append(out, xmas, boxing)
	if m, ok := moved[y]; ok {
		kept := out[:0]
		for _, d := range out {
			drop := false
			for _, x := range m.drop {
				drop = drop || d.Equal(x)
			}
			if !drop {
				kept = append(kept, d)
			}
		}
		out = append(kept, m.add...)
	}
	return out
}

// IsWorkingDay reports whether the London calendar day of t is a weekday
// that is not a bank holiday.
func IsWorkingDay(t time.Time) bool {
	l := t.In(kith.London)
	if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		return false
	}
	d := date(l.Year(), l.Month(), l.Day())
	for _, h := range BankHolidays(l.Year()) {
		if h.Equal(d) {
			return false
		}
	}
	return true
}

// WorkingDaysBetween counts whole working days after from's day up to and
// including to's day: sent on a Monday, the Thursday is 3 working days on.
func WorkingDaysBetween(from, to time.Time) int {
	f, t := from.In(kith.London), to.In(kith.London)
	day := date(f.Year(), f.Month(), f.Day())
	end := date(t.Year(), t.Month(), t.Day())
	n := 0
	for day = day.AddDate(0, 0, 1); !day.After(end); day = day.AddDate(0, 0, 1) {
		if IsWorkingDay(time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, kith.London)) {
			n++
		}
	}
	return n
}

// Timer says what is due for a referral sent at sent, as of now.
type Timer struct {
	WorkingDays int  `json:"working_days"`
	Nudge       bool `json:"nudge"`
	Overdue     bool `json:"overdue"`
	Expire      bool `json:"expire"`
}

// Thresholds are a site's timers in working days; zero fields take the
// defaults (3, 6 and 10).
type Thresholds struct {
	Nudge   int `json:"nudge_after" validate:"omitempty,min=1,max=60"`
	Overdue int `json:"overdue_after" validate:"omitempty,min=1,max=60"`
	Expire  int `json:"expire_after" validate:"omitempty,min=1,max=120"`
}

// OrDefault fills unset thresholds with the defaults.
func (t Thresholds) OrDefault() Thresholds {
	if t.Nudge == 0 {
		t.Nudge = NudgeAfter
	}
	if t.Overdue == 0 {
		t.Overdue = OverdueAfter
	}
	if t.Expire == 0 {
		t.Expire = ExpireAfter
	}
	return t
}

// TimerAt reports the timers for a referral waiting on a provider since sent.
func TimerAt(sent, now time.Time, th Thresholds) Timer {
	th = th.OrDefault()
	n := WorkingDaysBetween(sent, now)
	return Timer{WorkingDays: n, Nudge: n >= th.Nudge, Overdue: n >= th.Overdue, Expire: n >= th.Expire}
}

// OverdueCutoff is the instant before which a referral sent is at least
// days working days old at now (WorkingDaysBetween(sent, now) >= days
// exactly when sent is before it), so a store can compare a stored time
// with it and use an index instead of counting days row by row.
func OverdueCutoff(now time.Time, days int) time.Time {
	l := now.In(kith.London)
	d := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, kith.London)
	for WorkingDaysBetween(d, now) < days {
		d = d.AddDate(0, 0, -1)
	}
	next := d.AddDate(0, 0, 1)
	return time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, kith.London).UTC()
}
