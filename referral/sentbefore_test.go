package referral

import (
	"testing"
	"time"
)

// OverdueIfSentBefore agrees with WorkingDaysBetween for every hour sent
// over two months around Christmas and Easter, for several thresholds and
// times of day, across the clock changes.
func TestOverdueIfSentBeforeMatchesWorkingDays(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 29, 9, 30, 0, 0, time.UTC),
		time.Date(2027, 1, 4, 23, 30, 0, 0, time.UTC),
		time.Date(2027, 3, 29, 0, 30, 0, 0, time.UTC), // the day after the clocks go forward
		time.Date(2026, 10, 26, 0, 15, 0, 0, time.UTC),
	} {
		for _, days := range []int{0, 1, 3, 6, 10, 20} {
			cut := OverdueIfSentBefore(now, days)
			for sent := now.AddDate(0, -2, 0); !sent.After(now); sent = sent.Add(time.Hour) {
				want := WorkingDaysBetween(sent, now) >= days
				if got := sent.Before(cut); got != want {
					t.Fatalf("now %v, %d days, sent %v: overdue %v by the instant %v, %v by counting", now, days, sent, got, cut, want)
				}
			}
		}
	}
}
