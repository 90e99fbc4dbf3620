package sqlite

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// Job leases: a row of job_locks per job name, naming who holds it and
// until when. Taking a lease is one write transaction: it succeeds when no
// row exists, the row has expired, or this holder already holds it. A held
// lease is renewed every third of its time to live, so a long run keeps it
// and a crashed process loses it once it expires; release deletes the row
// only if it is still this holder's. Two processes on one database file
// therefore never run the same job at once (TestTwoStoresShareJobLocks).
// PostgreSQL would do the same with pg_try_advisory_lock on a connection
// held for the run: app.Locker asks for nothing more.

const (
	sqlTakeLease = `INSERT INTO job_locks (name, holder, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE job_locks.expires_at <= ? OR job_locks.holder = excluded.holder`
	sqlRenewLease   = `UPDATE job_locks SET expires_at = ? WHERE name = ? AND holder = ?`
	sqlReleaseLease = `DELETE FROM job_locks WHERE name = ? AND holder = ?`
)

// newHolder names one taking of a lease: random, so two processes (or two
// takings in one) never pass for each other.
func newHolder() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("lease holder: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// TryLock takes the named job lease for ttl, renewing it while it is held;
// ok is false when another holder has it.
func (db *DB) TryLock(ctx context.Context, name string, ttl time.Duration) (func(), bool, error) {
	if ttl <= 0 {
		return nil, false, fmt.Errorf("take lease %s: the time to live must be positive", name)
	}
	holder, err := newHolder()
	if err != nil {
		return nil, false, err
	}
	taken, err := db.lease(ctx, sqlTakeLease, name, holder, ttl)
	if err != nil || !taken {
		return nil, false, err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		db.renewLease(stop, name, holder, ttl)
	}()
	var once sync.Once
	release := func() {
		once.Do(func() {
			close(stop)
			wg.Wait()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			// A lease not given back expires by itself: nothing to report.
			_, _ = db.write.ExecContext(ctx, sqlReleaseLease, name, holder)
		})
	}
	return release, true, nil
}

// lease runs the take or renew statement in one transaction and reports
// whether this holder now holds the lease.
func (db *DB) lease(ctx context.Context, q, name, holder string, ttl time.Duration) (bool, error) {
	now := db.now()
	until := fmtTime(now.Add(ttl))
	args := []any{name, holder, until, fmtTime(now)}
	if q == sqlRenewLease {
		args = []any{until, name, holder}
	}
	res, err := db.write.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// renewLease keeps the lease until stop closes, or until it is lost (the
// holder stalled past its expiry and another took it).
func (db *DB) renewLease(stop <-chan struct{}, name, holder string, ttl time.Duration) {
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), ttl/3)
		held, err := db.lease(ctx, sqlRenewLease, name, holder, ttl)
		cancel()
		if err == nil && !held {
			return
		}
	}
}
