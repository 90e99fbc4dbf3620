package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/sqlite"
)

// Two stores on one database file, as two service processes would be: a
// job's lease is held by one at a time, renewed while held, taken over
// only once it expires, and given back on release.
func TestTwoStoresShareJobLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kith.db")
	a, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	releaseA, ok, err := a.TryLock(ctx, "job:outbox", 300*time.Millisecond)
	if err != nil || !ok {
		t.Fatalf("first take: %v %v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "job:outbox", time.Minute); err != nil || ok {
		t.Fatalf("the second store took a held lease: %v %v", ok, err)
	}
	if rel, ok, err := b.TryLock(ctx, "job:retention", time.Minute); err != nil || !ok {
		t.Fatalf("another job's lease: %v %v", ok, err)
	} else {
		rel()
	}
	// Held past its time to live, it is renewed.
	time.Sleep(time.Second)
	if _, ok, _ := b.TryLock(ctx, "job:outbox", time.Minute); ok {
		t.Fatal("a renewed lease was taken over")
	}
	releaseA()
	releaseB, ok, err := b.TryLock(ctx, "job:outbox", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	releaseB()

	// A holder that stalls (its clock behind, so its renewals are already
	// past) loses the lease once it expires, and its late release does not
	// drop the new holder's.
	stalled, ok, err := a.TryLock(ctx, "job:timers", 200*time.Millisecond)
	if err != nil || !ok {
		t.Fatalf("take: %v %v", ok, err)
	}
	a.Now = func() time.Time { return time.Now().UTC().Add(-time.Hour) }
	deadline := time.Now().Add(5 * time.Second)
	var taken func()
	for taken == nil && time.Now().Before(deadline) {
		if rel, ok, _ := b.TryLock(ctx, "job:timers", time.Minute); ok {
			taken = rel
		}
		time.Sleep(50 * time.Millisecond)
	}
	if taken == nil {
		t.Fatal("an expired lease was never taken over")
	}
	stalled()
	if _, ok, _ := a.TryLock(ctx, "job:timers", time.Minute); ok {
		t.Fatal("the stalled holder's release dropped the new holder's lease")
	}
	taken()
}

// Two applications on one file, each running the same job often: the job
// never runs in both at once.
func TestJobRunsInOneProcessAtATime(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	path := filepath.Join(t.TempDir(), "kith.db")
	var running, overlaps, runs atomic.Int32
	job := app.Job{Name: "exclusive", Interval: 2 * time.Millisecond, Run: func(context.Context) error {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		runs.Add(1)
		time.Sleep(3 * time.Millisecond)
		running.Add(-1)
		return nil
	}}
	var wg sync.WaitGroup
	for range 2 {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		a := app.New(db.Stores(), app.Options{})
		wg.Add(1)
		go func() { defer wg.Done(); a.RunJob(ctx, job) }()
	}
	time.Sleep(1500 * time.Millisecond)
	cancel()
	wg.Wait()
	if runs.Load() < 10 || overlaps.Load() != 0 {
		t.Fatalf("%d runs, %d at once", runs.Load(), overlaps.Load())
	}
}
