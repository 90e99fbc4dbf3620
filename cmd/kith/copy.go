package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/sqlite"
)

// runCopy moves a SQLite database's whole history, every site and every
// table (the audit trail too), into an empty PostgreSQL database in one
// transaction, and checks the copy: each table's row count, then each
// site's report summary, must match.
func runCopy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("copy", stderr, getenv)
	from := fs.String("from", "", "the SQLite database file to copy")
	to := fs.String("to", "", "the empty PostgreSQL database to copy into (a postgres:// URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required(fs, "from", "to"); err != nil {
		return err
	}
	if postgres.IsURL(*from) {
		return errors.New("copy: --from must be a SQLite file, not a URL")
	}
	if !postgres.IsURL(*to) {
		return errors.New("copy: --to must be a postgres:// URL")
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("copy: --from: %w", err)
	}
	src, err := sqlite.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	began := time.Now()
	var sites []string
	var total int64
	err = src.ReadSnapshot(ctx, func(snap *sqlite.Snapshot) error {
		return dst.ImportInto(ctx, func(im *postgres.Import) error {
			var err error
			sites, total, err = copyTables(ctx, snap, im, stdout)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("copy: %w (nothing was written to the target)", err)
	}
	fmt.Fprintf(stdout, "copied %d rows of %d sites in %.1f s; row counts match\n", total, len(sites), time.Since(began).Seconds())
	if err := compareSummaries(ctx, src, dst, sites); err != nil {
		return fmt.Errorf("copy: %w; the target holds the copy: drop it and make it again before trying again", err)
	}
	fmt.Fprintf(stdout, "report summaries match for every site (%s)\n", strings.Join(sites, ", "))
	return nil
}

// copyTables copies every table of the target that the source has too,
// refusing a target with any row already, and checks each table's count.
func copyTables(ctx context.Context, snap *sqlite.Snapshot, im *postgres.Import, stdout io.Writer) ([]string, int64, error) {
	tables, err := im.Tables(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range tables {
		if n, err := im.Count(ctx, t.Name); err != nil || n > 0 {
			if err != nil {
				return nil, 0, err
			}
			return nil, 0, fmt.Errorf("the target is not empty (table %s has %d rows): copy only into a new database", t.Name, n)
		}
	}
	var total int64
	for _, t := range tables {
		have, err := snap.Columns(ctx, t.Name)
		if err != nil {
			return nil, 0, err
		}
		cols := common(t.Columns, have)
		if len(cols) == 0 {
			continue
		}
		if err := im.Load(ctx, t, cols, func(emit func([]any) error) error {
			return snap.Rows(ctx, t.Name, cols, emit)
		}); err != nil {
			return nil, 0, err
		}
		want, err := snap.Count(ctx, t.Name)
		if err != nil {
			return nil, 0, err
		}
		got, err := im.Count(ctx, t.Name)
		if err != nil {
			return nil, 0, err
		}
		if got != want {
			return nil, 0, fmt.Errorf("table %s: %d rows copied of %d", t.Name, got, want)
		}
		fmt.Fprintf(stdout, "%-24s %9d rows\n", t.Name, got)
		total += got
	}
	var sites []string
	if err := snap.Rows(ctx, "sites", []string{"id"}, func(v []any) error {
		sites = append(sites, fmt.Sprint(v[0]))
		return nil
	}); err != nil {
		return nil, 0, err
	}
	return sites, total, im.Finish(ctx)
}

// common is the columns of want that have holds too, in want's order.
func common(want, have []string) []string {
	in := map[string]bool{}
	for _, h := range have {
		in[h] = true
	}
	var out []string
	for _, w := range want {
		if in[w] {
			out = append(out, w)
		}
	}
	return out
}

// compareSummaries checks that each site's report summary over its whole
// history, with its own unit costs, is the same on both databases, read on
// one clock.
func compareSummaries(ctx context.Context, src *sqlite.DB, dst *postgres.DB, sites []string) error {
	now := time.Now().UTC()
	src.Now = func() time.Time { return now }
	dst.Now = func() time.Time { return now }
	stores := [2]app.Stores{src.Stores(), dst.Stores()}
	f := app.ReportFilter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: now.AddDate(0, 0, 1).Truncate(24 * time.Hour)}
	for _, id := range sites {
		act := kith.Actor{Site: id, Kind: "cli", ID: "copy", Role: kith.RoleLead}
		var got [2]string
		for i, st := range stores {
			site, err := st.Sites.Site(ctx, id)
			if err != nil {
				return err
			}
			sum, err := st.Reports.Summary(ctx, act, f, site.Settings.UnitCosts)
			if err != nil {
				return fmt.Errorf("site %s: report summary: %w", id, err)
			}
			js, err := json.Marshal(sum)
			if err != nil {
				return err
			}
			got[i] = string(js)
		}
		if got[0] != got[1] {
			return fmt.Errorf("site %s: the report summary differs after the copy:\nSQLite:     %.600s\nPostgreSQL: %.600s", id, got[0], got[1])
		}
	}
	return nil
}
