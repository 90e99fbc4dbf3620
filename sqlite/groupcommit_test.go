package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
)

func newTestScreening(key, agency string) app.NewScreening {
	req := &screening.Request{Observer: &screening.Observer{Agency: agency}, ClientRef: key}
	return app.NewScreening{IdempotencyKey: key, RequestHash: []byte(key + agency), Request: req, Result: &screening.Result{}}
}

// holdWriter keeps the writer busy until release is called, so that the
// submissions made meanwhile queue up and share the next commit.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	held, done := make(chan struct{}), make(chan struct{})
	go db.writeTx(context.Background(), func(tx *sql.Tx) error {
		close(held)
		<-done
		return nil
	})
	<-held
	return func() { close(done) }
}

// A submission that fails in a shared commit is rolled back alone: the
// others in the batch are stored with their audit rows, and it leaves
// nothing behind.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.write.ExecContext(ctx, `CREATE TRIGGER refuse_some BEFORE INSERT ON screenings WHEN NEW.agency = 'other'
		BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	a := kith.Actor{Site: "s", Kind: "token", ID: "1", Role: kith.RoleVisitor}
	release := holdWriter(t, db)
	const n = 40
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			agency := "home_care"
			if i%4 == 0 {
				agency = "other"
			}
			s, _, err := db.CreateScreening(ctx, a, newTestScreening(fmt.Sprint("k", i), agency))
			errs[i] = err
			if err == nil {
				ids[i] = s.ID
			}
		}(i)
	}
	time.Sleep(200 * time.Millisecond) // let them queue behind the held writer
	release()
	wg.Wait()
	for i := 0; i < n; i++ {
		if (i%4 == 0) != (errs[i] != nil) {
			t.Fatalf("submission %d: err = %v", i, errs[i])
		}
		if errs[i] != nil {
			continue
		}
		if _, err := db.ScreeningByID(ctx, "s", ids[i]); err != nil {
			t.Fatalf("acknowledged screening %d missing: %v", i, err)
		}
	}
	var rows, audits int
	db.read.QueryRowContext(ctx, `SELECT count(*) FROM screenings`).Scan(&rows)
	db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE entity = 'screening' AND action = 'create'`).Scan(&audits)
	if rows != n*3/4 || audits != n*3/4 {
		t.Fatalf("%d screenings and %d audit rows, want %d of each", rows, audits, n*3/4)
	}
}

// Retries racing into the same shared commit make one record; the same key
// with another body is refused.
func TestGroupCommitIdempotency(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "token", ID: "1", Role: kith.RoleVisitor}
	release := holdWriter(t, db)
	const n = 16
	ids := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := 0; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			agency := "home_care"
			if i == n {
				agency = "police" // same key, another body
				time.Sleep(50 * time.Millisecond)
			}
			s, c, err := db.CreateScreening(ctx, a, newTestScreening("same", agency))
			errs[i] = err
			if i < n && err == nil {
				ids[i], created[i] = s.ID, c
			}
		}(i)
	}
	time.Sleep(200 * time.Millisecond)
	release()
	wg.Wait()
	made := 0
	for i := 0; i < n; i++ {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("retry %d: id %q (first %q), err %v", i, ids[i], ids[0], errs[i])
		}
		if created[i] {
			made++
		}
	}
	if made != 1 {
		t.Fatalf("%d retries created a record, want 1", made)
	}
	if kith.ErrorCode(errs[n]) != kith.EINVALID {
		t.Fatalf("same key, other body: %v, want EINVALID", errs[n])
	}
	var rows int
	db.read.QueryRowContext(ctx, `SELECT count(*) FROM screenings`).Scan(&rows)
	if rows != 1 {
		t.Fatalf("%d screenings, want 1", rows)
	}
}

// A request given up before its turn is not written.
func TestGroupCommitSkipsCancelled(t *testing.T) {
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "token", ID: "1", Role: kith.RoleVisitor}
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := db.CreateScreening(ctx, a, newTestScreening("gone", "home_care"))
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	release()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled submission was acknowledged")
	}
	var rows int
	db.read.QueryRowContext(context.Background(), `SELECT count(*) FROM screenings`).Scan(&rows)
	if rows != 0 {
		t.Fatalf("%d screenings after a cancelled submission, want 0", rows)
	}
}
