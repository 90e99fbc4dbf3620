package app

import (
	"context"
	"time"

	"github.com/kith-project/kith/mail"
)

// Locker is what makes a job run once per cluster: TryLock takes the named
// lease for ttl and reports whether this process holds it; while held the
// backend renews it, so a long run keeps it and a crashed holder loses it
// once ttl passes; the release function gives it up. SQLite keeps a lease
// row per job (sqlite/locks.go); PostgreSQL would take an advisory lock
// (pg_try_advisory_lock) on a connection held until release.
type Locker interface {
	TryLock(ctx context.Context, name string, ttl time.Duration) (release func(), ok bool, err error)
}

// LocalLock grants every lock: for a store only one process ever uses
// (tests, a backend with no Locker).
type LocalLock struct{}

// TryLock always succeeds.
func (LocalLock) TryLock(context.Context, string, time.Duration) (func(), bool, error) {
	return func() {}, true, nil
}

// Job is work the service does on a schedule, from stored state, so a
// restart loses nothing.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) error
}

// Jobs are the service's scheduled jobs: the referral timers every minute,
// retention daily and, when a sender is given, the outbox every 30 s.
func (a *App) Jobs(sender mail.Sender) []Job {
	jobs := []Job{
		{Name: "referral-timers", Interval: time.Minute, Run: a.ApplyTimers},
		{Name: "retention", Interval: 24 * time.Hour, Run: func(ctx context.Context) error { _, err := a.ApplyRetention(ctx); return err }},
	}
	if sender != nil {
		jobs = append(jobs, Job{Name: "outbox", Interval: 30 * time.Second, Run: func(ctx context.Context) error { return a.SendOutbox(ctx, sender) }})
	}
	return jobs
}

// RunJob runs j now and then every j.Interval until ctx ends, each time
// only while holding j's lock (so a cluster runs it once).
func (a *App) RunJob(ctx context.Context, j Job) {
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		if err := a.RunOnce(ctx, j); err != nil && ctx.Err() == nil {
			a.log.Error("job failed", "job", j.Name, "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// JobLease is the longest a job's lease lasts without renewal: how soon
// another process may run a job whose holder crashed.
const JobLease = 2 * time.Minute

// leaseFor is how long j's lease lasts between renewals: its interval, but
// at least ten seconds (a renewal must land well before expiry) and at most
// JobLease.
func leaseFor(j Job) time.Duration { return min(max(j.Interval, 10*time.Second), JobLease) }

// RunOnce runs j once if its lock can be taken; when another process
// holds the lock it does nothing.
func (a *App) RunOnce(ctx context.Context, j Job) error {
	release, ok, err := a.st.Lock.TryLock(ctx, "job:"+j.Name, leaseFor(j))
	if err != nil || !ok {
		return err
	}
	defer release()
	return j.Run(ctx)
}
