package person

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time of day or zone, as a date of birth is.
// The zero Date is "not known".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads an ISO 8601 calendar date ("1948-03-07").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("person: %q is not a date like 1948-03-07", s)
	}
	return DateOf(t), nil
}

// DateOf is the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether the date is not known.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// MarshalText writes the ISO form, and nothing for an unknown date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the ISO form; empty is an unknown date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// yearsBetween is the number of whole years from d to on: an age in years
// for a date of birth. A birthday on 29 February falls on 1 March in other
// years, as UK law counts it.
func yearsBetween(d, on Date) int {
	years := on.Year - d.Year
	month, day := d.Month, d.Day
	if month == time.February && day == 29 && !isLeap(on.Year) {
		month, day = time.March, 1
	}
	if on.Month < month || on.Month == month && on.Day < day {
		years--
	}
	return years
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
