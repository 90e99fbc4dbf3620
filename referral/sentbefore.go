package referral

import (
	"time"

	"github.com/kith-project/kith"
)

// OverdueIfSentBefore turns "at least days working days since it was sent,
// as of now" (WorkingDaysBetween) into an instant, so a store can find
// overdue referrals with an index on the time they were sent rather than
// by counting days for each row: a referral sent before the instant has
// been waiting days working days or more, one sent at or after it fewer.
// WorkingDaysBetween counts by London calendar day and falls as the day
// sent moves later, so the instant is the start of the London day after
// the last day sent from which days working days have passed.
func OverdueIfSentBefore(now time.Time, days int) time.Time {
	l := now.In(kith.London)
	day := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, kith.London)
	for WorkingDaysBetween(day, now) < days {
		day = day.AddDate(0, 0, -1)
	}
	next := day.AddDate(0, 0, 1)
	return time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, kith.London).UTC()
}
