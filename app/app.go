// Package app is Kith's application layer: the use cases (submit a
// screening, make and move a referral, record outcomes, import a
// directory, assemble reports and subject access copies), who may do
// them, the clock, the caches and the job runner. It owns the store
// interfaces (stores.go), one per aggregate; a backend such as package
// sqlite implements them. It imports neither HTTP nor database/sql.
package app

import (
	"log/slog"
	"time"
)

// App is the use cases over one backend.
type App struct {
	st       Stores
	clock    func() time.Time
	log      *slog.Logger
	pathways pathwayCache
}

// Options are what an App needs beside its stores.
type Options struct {
	// Clock is the service's one clock; nil means the system clock (UTC).
	// The store should be given the same one for the times it records.
	Clock func() time.Time
	// Log receives the jobs' reports (never personal data).
	Log *slog.Logger
}

// New returns the use cases over stores.
func New(stores Stores, o Options) *App {
	if o.Clock == nil {
		o.Clock = func() time.Time { return time.Now().UTC() }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if stores.Lock == nil {
		stores.Lock = LocalLock{}
	}
	return &App{st: stores, clock: o.Clock, log: o.Log}
}

// Now is the service's clock.
func (a *App) Now() time.Time { return a.clock().UTC() }
