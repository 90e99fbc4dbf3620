package postgres

import (
	"context"
	"fmt"
	"time"
)

// jobLockClass is the first key of the two-key advisory locks that jobs
// take (the second is a hash of the job's name); migrations use the
// one-key form, a separate key space.
const jobLockClass int32 = 0x6b69 // "ki"

// TryLock takes the named job lock, a session advisory lock held on a
// connection set aside for it, and reports whether this instance now
// holds it. The lock lasts until release or until the connection drops
// (an instance that dies gives its locks up with its connections), so ttl
// is not needed and not used.
func (db *DB) TryLock(ctx context.Context, name string, ttl time.Duration) (func(), bool, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, jobLockClass, name).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	release := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, jobLockClass, name); err != nil {
			// A connection whose unlock failed may still hold the lock:
			// close it rather than hand it back to the pool.
			_ = conn.Conn().Close(ctx)
		}
		conn.Release()
	}
	return release, true, nil
}
