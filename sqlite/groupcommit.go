package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// groupCommit writes screening submissions in shared transactions: one
// writer goroutine takes every submission waiting when it is free, runs
// each inside its own savepoint of one transaction, and commits once. The
// commit is synced (synchronous=FULL) before any submission in it is
// answered, so each is still acknowledged only once it is durable; many
// share one sync and one write of the pages they touch.
//
// A submission that fails is rolled back to its savepoint and answered
// with its own error; the others in the batch carry on. If the transaction
// itself fails (begin, savepoint handling or commit), every submission in
// the batch is answered with that error and none was stored.
type groupCommit struct {
	db   *DB
	jobs chan *commitJob
	quit chan struct{}
	done chan struct{}
}

// commitJob is one submission's work in the shared transaction.
type commitJob struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	errc chan error
}

// maxBatch bounds how many submissions share a commit, so that one
// transaction never holds the writer for long.
const maxBatch = 128

var errClosed = errors.New("database closed")

func newGroupCommit(db *DB) *groupCommit {
	g := &groupCommit{db: db, jobs: make(chan *commitJob), quit: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// do runs fn in the next shared transaction and returns once that
// transaction is committed (fn's changes durable) or fn failed. fn gets a
// context of the writer's own: cancelling one request must not interrupt
// a statement of the shared transaction, which would roll all of it back.
// A request cancelled before its turn comes is not run.
func (g *groupCommit) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	j := &commitJob{ctx: ctx, fn: fn, errc: make(chan error, 1)}
	select {
	case g.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.done:
		return errClosed
	}
	return <-j.errc
}

// stop lets the batch in hand finish, then ends the writer goroutine.
func (g *groupCommit) stop() {
	select {
	case <-g.quit:
	default:
		close(g.quit)
	}
	<-g.done
}

func (g *groupCommit) run() {
	defer close(g.done)
	for {
		var first *commitJob
		select {
		case first = <-g.jobs:
		case <-g.quit:
			return
		}
		batch := []*commitJob{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		g.commit(batch)
	}
}

// commit runs a batch in one transaction and answers each submission.
func (g *groupCommit) commit(batch []*commitJob) {
	errs := make([]error, len(batch))
	if err := g.runBatch(batch, errs); err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	for i, j := range batch {
		j.errc <- errs[i]
	}
}

func (g *groupCommit) runBatch(batch []*commitJob, errs []error) error {
	ctx := context.Background()
	db := g.db
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	fail := func(err error) error {
		_ = tx.Rollback()
		return err
	}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT submission`); err != nil {
			return fail(fmt.Errorf("savepoint: %w", err))
		}
		if err := j.fn(ctx, tx); err != nil {
			errs[i] = err
			// Undo this submission's changes only. If SQLite already rolled
			// the whole transaction back (an I/O error, a full disk), the
			// savepoint is gone and the batch fails as a whole.
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO submission`); rerr != nil {
				return fail(fmt.Errorf("roll back one submission after %v: %w", err, rerr))
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE submission`); err != nil {
			return fail(fmt.Errorf("release savepoint: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
