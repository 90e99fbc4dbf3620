package kith

import (
	"time"
	_ "time/tzdata" // London time wherever the binary runs, even in a container with no zoneinfo
)

// London is the time zone Kith reads times in: services' schedules, working
// days, and the dates and times shown to people.
var London = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return l
}()
