package postgres

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Import fills an empty database with a copy of another's rows, for
// `kith copy`: everything fn does is one transaction, so a copy that fails
// leaves the database as empty as it was.
type Import struct {
	tx pgx.Tx
}

// CopyTable is a table an Import fills: its columns that take a value
// (a generated column does not) and each one's type.
type CopyTable struct {
	Name    string
	Columns []string
	Types   map[string]string
}

// notCopied are the tables a copy leaves alone: the migrations this
// database applied itself, and the report counts, which Finish counts
// again from the copied rows.
var notCopied = map[string]bool{"schema_migrations": true, "report_counts": true}

// copyLock is the advisory lock one copy into a database holds, so two
// copies cannot both find it empty.
const copyLock = 0x6b697468636f7079 // "kithcopy"

// ImportInto runs fn in one transaction that fails unless it commits.
func (db *DB) ImportInto(ctx context.Context, fn func(*Import) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(copyLock)); err != nil {
			return fmt.Errorf("lock for copy: %w", err)
		}
		return fn(&Import{tx: tx})
	})
}

// Tables lists the tables to fill, each after every table it refers to.
func (im *Import) Tables(ctx context.Context) ([]CopyTable, error) {
	rows, err := im.tx.Query(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	byName := map[string]*CopyTable{}
	var names []string
	for rows.Next() {
		var t, c, typ string
		if err := rows.Scan(&t, &c, &typ); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		if notCopied[t] {
			continue
		}
		if byName[t] == nil {
			byName[t] = &CopyTable{Name: t, Types: map[string]string{}}
			names = append(names, t)
		}
		byName[t].Columns = append(byName[t].Columns, c)
		byName[t].Types[c] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	order, err := im.referenceOrder(ctx, names)
	if err != nil {
		return nil, err
	}
	out := make([]CopyTable, len(order))
	for i, n := range order {
		out[i] = *byName[n]
	}
	return out, nil
}

// referenceOrder sorts names so that a table comes after those its
// foreign keys name (names sorted otherwise, so the order is stable).
func (im *Import) referenceOrder(ctx context.Context, names []string) ([]string, error) {
	rows, err := im.tx.Query(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
		WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND conrelid <> confrelid`)
	if err != nil {
		return nil, fmt.Errorf("list references: %w", err)
	}
	refs := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("list references: %w", err)
		}
		refs[from] = append(refs[from], to)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list references: %w", err)
	}
	sort.Strings(names)
	var order []string
	done := map[string]bool{}
	var visit func(n string, depth int) error
	visit = func(n string, depth int) error {
		if done[n] {
			return nil
		}
		if depth > len(names) {
			return fmt.Errorf("the tables' references go round in a circle at %s", n)
		}
		for _, r := range refs[n] {
			if err := visit(r, depth+1); err != nil {
				return err
			}
		}
		done[n] = true
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, 0); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// Count is how many rows table holds.
func (im *Import) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := im.tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// Load copies rows into t's columns cols (COPY, CSV): rows calls emit
// with each row's values, as package sqlite's Snapshot reads them.
func (im *Import) Load(ctx context.Context, t CopyTable, cols []string, rows func(emit func([]any) error) error) error {
	pr, pw := io.Pipe()
	go func() {
		buf := &strings.Builder{}
		err := rows(func(vals []any) error {
			buf.Reset()
			for i, v := range vals {
				if i > 0 {
					buf.WriteByte(',')
				}
				if err := writeCSV(buf, v, t.Types[cols[i]]); err != nil {
					return fmt.Errorf("%s.%s: %w", t.Name, cols[i], err)
				}
			}
			buf.WriteByte('\n')
			_, err := io.WriteString(pw, buf.String())
			return err
		})
		pw.CloseWithError(err)
	}()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = pgx.Identifier{c}.Sanitize()
	}
	_, err := im.tx.Conn().PgConn().CopyFrom(ctx, pr,
		`COPY `+pgx.Identifier{t.Name}.Sanitize()+` (`+strings.Join(quoted, ", ")+`) FROM STDIN WITH (FORMAT csv)`)
	pr.CloseWithError(err)
	if err != nil {
		return fmt.Errorf("copy into %s: %w", t.Name, err)
	}
	return nil
}

// writeCSV writes one value as PostgreSQL reads it for a column of type
// typ: NULL unquoted and empty, anything else quoted; a SQLite integer
// 0 or 1 as a boolean, bytes as bytea's hex.
func writeCSV(b *strings.Builder, v any, typ string) error {
	var s string
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		s = strconv.FormatInt(x, 10)
		if typ == "boolean" {
			s = strconv.FormatBool(x != 0)
		}
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		s = x
	case []byte:
		s = string(x)
		if typ == "bytea" {
			s = `\x` + hex.EncodeToString(x)
		}
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Errorf("a value of type %T", v)
	}
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`))
	b.WriteByte('"')
	return nil
}

// Finish makes the copied rows whole: each identity column's sequence goes
// on from the largest id copied, and the report counts are counted from
// the copied screenings, as each change counts them (reports.go).
func (im *Import) Finish(ctx context.Context) error {
	if err := im.resetSequences(ctx); err != nil {
		return err
	}
	return im.countReports(ctx)
}

func (im *Import) resetSequences(ctx context.Context) error {
	rows, err := im.tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("list identity columns: %w", err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Table, Column string }])
	if err != nil {
		return fmt.Errorf("list identity columns: %w", err)
	}
	for _, c := range cols {
		t, col := pgx.Identifier{c.Table}.Sanitize(), pgx.Identifier{c.Column}.Sanitize()
		if _, err := im.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(`+col+`), 0) + 1, false) FROM `+t,
			c.Table, c.Column); err != nil {
			return fmt.Errorf("go on from %s.%s: %w", c.Table, c.Column, err)
		}
	}
	return nil
}

// periodKey is one row of report_counts.
type periodKey struct {
	site, period, arm, kind, keys string
	version                       int
}

// countReports counts every copied screening's cohort into report_counts.
func (im *Import) countReports(ctx context.Context) error {
	rows, err := im.tx.Query(ctx, `SELECT site_id, id FROM screenings ORDER BY site_id, id`)
	if err != nil {
		return fmt.Errorf("list screenings: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Site, ID string }])
	if err != nil {
		return fmt.Errorf("list screenings: %w", err)
	}
	counts := map[periodKey][5]int64{}
	for _, s := range ids {
		c, ok, err := loadCohort(ctx, im.tx, s.Site, s.ID)
		if err != nil || !ok {
			return fmt.Errorf("count screening %s: %v", s.ID, err)
		}
		diff := map[tallyKey][5]int64{}
		tallies(diff, c, +1)
		for k, v := range diff {
			for _, period := range []string{"d" + k.created.Format(time.DateOnly), "m" + k.created.Format("2006-01")} {
				pk := periodKey{site: s.Site, period: period, arm: k.arm, kind: k.kind, keys: k.keys, version: k.version}
				sum := counts[pk]
				for i := range sum {
					sum[i] += v[i]
				}
				counts[pk] = sum
			}
		}
	}
	return im.writeCounts(ctx, counts)
}

func (im *Import) writeCounts(ctx context.Context, counts map[periodKey][5]int64) error {
	src := make([][]any, 0, len(counts))
	for k, v := range counts {
		if v == ([5]int64{}) {
			continue
		}
		src = append(src, []any{k.site, k.period, k.version, k.arm, k.kind, strings.Split(k.keys, "\x1f"), v[0], v[1], v[2], v[3], v[4]})
	}
	if _, err := im.tx.CopyFrom(ctx, pgx.Identifier{"report_counts"},
		[]string{"site_id", "period", "version", "arm", "kind", "keys", "v1", "v2", "v3", "v4", "v5"}, pgx.CopyFromRows(src)); err != nil {
		return fmt.Errorf("write report counts: %w", err)
	}
	return nil
}
