package app_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kith-project/kith/app"
)

// heldLock is a Locker whose lock another process holds until free is set.
type heldLock struct {
	free     atomic.Bool
	released atomic.Int32
}

func (l *heldLock) TryLock(context.Context, string, time.Duration) (func(), bool, error) {
	if !l.free.Load() {
		return nil, false, nil
	}
	return func() { l.released.Add(1) }, true, nil
}

// A job runs only while its lock is held, and gives the lock back.
func TestRunOnceTakesTheLock(t *testing.T) {
	w := newWorld(t)
	lock := &heldLock{}
	stores := w.db.Stores()
	stores.Lock = lock
	a := app.New(stores, app.Options{})
	runs := 0
	job := app.Job{Name: "count", Interval: time.Minute, Run: func(context.Context) error { runs++; return nil }}
	if err := a.RunOnce(w.ctx, job); err != nil || runs != 0 {
		t.Fatalf("with the lock held elsewhere: %d runs, %v", runs, err)
	}
	lock.free.Store(true)
	if err := a.RunOnce(w.ctx, job); err != nil || runs != 1 || lock.released.Load() != 1 {
		t.Fatalf("with the lock free: %d runs, %d releases, %v", runs, lock.released.Load(), err)
	}
	failing := app.Job{Name: "fail", Interval: time.Minute, Run: func(context.Context) error { return errors.New("boom") }}
	if err := a.RunOnce(w.ctx, failing); err == nil || lock.released.Load() != 2 {
		t.Fatalf("a failing job: %v, %d releases", err, lock.released.Load())
	}
}

// On each backend, the store's own lock makes a job run in one process at
// a time: while one instance on the database holds the job's lock another
// instance's RunOnce does not run it, and once it is released it does; a
// different job is not held up.
func TestStoreLockRunsAJobOncePerDatabase(t *testing.T) {
	onEachBackend(t, testStoreLockRunsAJobOncePerDatabase)
}

func testStoreLockRunsAJobOncePerDatabase(t *testing.T, w *world) {
	other := app.New(w.instance(t).Stores(), app.Options{Clock: w.clock.Now})
	held, ok, err := w.db.Stores().Lock.TryLock(w.ctx, "job:count", time.Minute) // as RunOnce names it
	if err != nil || !ok {
		t.Fatalf("first instance takes the lock: %v %v", ok, err)
	}
	// Released once, by the test or when it fails (a held PostgreSQL lock
	// keeps a pooled connection, which closing the pool waits for).
	var once sync.Once
	release := func() { once.Do(held) }
	t.Cleanup(release)
	runs := 0
	job := app.Job{Name: "count", Interval: time.Minute, Run: func(context.Context) error { runs++; return nil }}
	if err := other.RunOnce(w.ctx, job); err != nil || runs != 0 {
		t.Fatalf("with the lock held by the first instance: %d runs, %v", runs, err)
	}
	if err := other.RunOnce(w.ctx, app.Job{Name: "another", Interval: time.Minute, Run: func(context.Context) error { runs++; return nil }}); err != nil || runs != 1 {
		t.Fatalf("another job while the first is held: %d runs, %v", runs, err)
	}
	release()
	if err := other.RunOnce(w.ctx, job); err != nil || runs != 2 {
		t.Fatalf("after the first instance released the lock: %d runs, %v", runs, err)
	}
}

// RunJob runs at once, then every interval, until the context ends.
func TestRunJobRepeatsUntilCancelled(t *testing.T) {
	w := newWorld(t)
	var runs atomic.Int32
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		w.app.RunJob(ctx, app.Job{Name: "tick", Interval: 5 * time.Millisecond, Run: func(context.Context) error { runs.Add(1); return nil }})
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if runs.Load() < 3 {
		t.Fatalf("%d runs in 5 s at a 5 ms interval", runs.Load())
	}
}

// The service's jobs: the timers and retention always, the outbox only
// with a sender.
func TestJobs(t *testing.T) {
	a := app.New(app.Stores{}, app.Options{})
	names := func(js []app.Job) (out []string) {
		for _, j := range js {
			out = append(out, j.Name)
		}
		return out
	}
	if got := names(a.Jobs(nil)); len(got) != 2 || got[0] != "referral-timers" || got[1] != "retention" {
		t.Errorf("jobs without a sender: %v", got)
	}
	if got := names(a.Jobs(&sender{})); len(got) != 3 || got[2] != "outbox" {
		t.Errorf("jobs with a sender: %v", got)
	}
}
