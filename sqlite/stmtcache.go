package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
)

// The writer's connection keeps each statement it executes prepared, by
// its text, and runs it again without compiling it again. database/sql and
// the driver would otherwise prepare every INSERT and UPDATE afresh, and
// preparing a write compiles every trigger it fires (the report
// aggregates' triggers are most of the work of a screening's INSERT when
// compiled each time). Only Exec is cached: a query's statement stays busy
// while its rows are read, so queries are prepared as before.

const cachingDriverName = "kith-sqlite"

// maxCachedStatements bounds a connection's cache; past it the cache is
// emptied and fills again (the service executes far fewer distinct texts).
const maxCachedStatements = 512

func init() {
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	base := probe.Driver()
	probe.Close()
	sql.Register(cachingDriverName, cachingDriver{base: base})
}

type cachingDriver struct{ base driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: c, stmts: map[string]driver.Stmt{}}, nil
}

// cachingConn is one driver connection with its prepared writes.
type cachingConn struct {
	driver.Conn
	stmts map[string]driver.Stmt
}

var (
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, ok := c.stmts[query]
	if !ok {
		var err error
		if st, err = c.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if _, ok := st.(driver.StmtExecContext); !ok {
			st.Close()
			return nil, driver.ErrSkip
		}
		if len(c.stmts) >= maxCachedStatements {
			c.closeStmts()
		}
		c.stmts[query] = st
	}
	return st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) closeStmts() error {
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

func (c *cachingConn) Close() error {
	err := c.closeStmts()
	return errors.Join(err, c.Conn.Close())
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver has no BeginTx
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
