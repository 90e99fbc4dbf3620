package app

import (
	"context"
	"time"

	"github.com/kith-project/kith/mail"
)

// Locker is what makes a job run once per cluster: TryLock takes the named
// lease for up to ttl and reports whether this process holds it; the
// release function gives it up. A backend that one process owns (SQLite)
// may always grant it; a shared one (PostgreSQL) takes an advisory lock or
// a lease row.
type Locker interface {
	TryLock(ctx context.Context, name string, ttl time.Duration) (release func(), ok bool, err error)
}

// LocalLock grants every lock: one process owns the store.
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

// RunOnce runs j once if its lock can be taken; when another process
// holds the lock it does nothing.
func (a *App) RunOnce(ctx context.Context, j Job) error {
	release, ok, err := a.st.Lock.TryLock(ctx, "job:"+j.Name, j.Interval)
	if err != nil || !ok {
		return err
	}
	defer release()
	return j.Run(ctx)
}
