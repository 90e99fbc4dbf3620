package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/postgres"
)

// Instances starting together on an empty database migrate it once: the
// advisory lock makes the others wait, and they then find it done.
func TestInstancesMigrateOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	dbs := make([]*postgres.DB, 4)
	errs := make([]error, len(dbs))
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = postgres.Open(ctx, url)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	ok, err := dbs[0].MigrationsApplied(ctx)
	if err != nil || !ok {
		t.Fatalf("migrations applied: %v %v", ok, err)
	}
}

// A job lock held by one instance is refused to another until released,
// and given up when its holder's connections go (an instance that dies).
func TestJobLockAcrossInstances(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, ok, err := a.TryLock(ctx, "job:timers", time.Minute)
	if err != nil || !ok {
		t.Fatalf("first instance: %v %v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "job:timers", time.Minute); err != nil || ok {
		t.Fatalf("second instance took a held lock: %v %v", ok, err)
	}
	if r, ok, err := b.TryLock(ctx, "job:retention", time.Minute); err != nil || !ok {
		t.Fatalf("another job's lock: %v %v", ok, err)
	} else {
		r()
	}
	release()
	r, ok, err := b.TryLock(ctx, "job:timers", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	if _, ok, _ := a.TryLock(ctx, "job:timers", time.Minute); ok {
		t.Fatal("the first instance took the lock the second holds")
	}
	// The holder dies without releasing: its connection ends.
	if err := a.TerminateLockHoldersForTest(ctx); err != nil {
		t.Fatal(err)
	}
	defer r()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rel, ok, err := a.TryLock(ctx, "job:timers", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			rel()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a lock was not given up when its holder closed")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
