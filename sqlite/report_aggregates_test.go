package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/internal/demodata"
	"github.com/kith-project/kith/sqlite"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// generated makes a database with a few thousand generated screenings over
// 2025 (bank holidays, month ends, a pilot in the second half), referrals
// walked through their states, concern outcomes and follow-ups.
func generated(t *testing.T, n int) (*sqlite.DB, kith.Actor) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := demodata.Seed(ctx, db, "s1", "Site one"); err != nil {
		t.Fatal(err)
	}
	res, err := demodata.Generate(ctx, db, "s1", demodata.Options{Screenings: n, Seed: 3, Pilot: true,
		Start: day("2025-01-01"), End: day("2026-01-01"), PerTransaction: 500})
	if err != nil {
		t.Fatal(err)
	}
	if res.Referrals == 0 || res.ConcernOutcomes == 0 {
		t.Fatalf("generated too little: %+v", res)
	}
	return db, kith.Actor{Site: "s1", Kind: "user", ID: "1", Role: kith.RoleLead}
}

func filters() map[string]app.ReportFilter {
	v := func(n int) *int { return &n }
	return map[string]app.ReportFilter{
		"whole year":                {From: day("2025-01-01"), To: day("2026-01-01")},
		"wider than the data":       {From: day("2024-11-17"), To: day("2026-02-03")},
		"mid-month to mid-month":    {From: day("2025-03-17"), To: day("2025-09-12")},
		"one day":                   {From: day("2025-04-18"), To: day("2025-04-19")},
		"inside one month":          {From: day("2025-06-03"), To: day("2025-06-28")},
		"whole months only":         {From: day("2025-02-01"), To: day("2025-05-01")},
		"empty":                     {From: day("2025-05-01"), To: day("2025-05-01")},
		"pathway version 1":         {From: day("2025-01-01"), To: day("2026-01-01"), PathwayVersion: v(1)},
		"pathway version 3, part":   {From: day("2025-07-09"), To: day("2025-12-24"), PathwayVersion: v(3)},
		"arm a":                     {From: day("2025-01-01"), To: day("2026-01-01"), Arm: "a"},
		"arm b, part":               {From: day("2025-08-15"), To: day("2025-11-30"), Arm: "b"},
		"version and arm":           {From: day("2025-01-01"), To: day("2026-01-01"), PathwayVersion: v(2), Arm: "a"},
		"small gap radius":          {From: day("2025-01-01"), To: day("2026-01-01"), GapRadiusKm: 1.5},
		"large gap radius, partial": {From: day("2025-02-10"), To: day("2025-10-10"), GapRadiusKm: 40},
	}
}

// sameSummaries holds the aggregates to the row-reading oracle, every
// field of every filter.
func sameSummaries(t *testing.T, db *sqlite.DB, a kith.Actor) {
	t.Helper()
	ctx := context.Background()
	costs := []kith.CostItem{{Name: "GP appointment", UnitCost: 42, Driver: "engaged_referrals", RateLow: 0.1, RateCentral: 0.5, RateHigh: 1}}
	for name, f := range filters() {
		want, err := sqlite.SummaryByScan(db, ctx, a, f, costs)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Summary(ctx, a, f, costs)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: aggregates differ from the rows (-rows +aggregates):\n%s", name, d)
		}
	}
}

func TestSummaryAggregatesMatchRows(t *testing.T) {
	db, a := generated(t, 3000)
	ctx := context.Background()
	whole, err := db.Summary(ctx, a, filters()["whole year"], nil)
	if err != nil {
		t.Fatal(err)
	}
	// The data must exercise every part of the summary.
	if whole.Funnel.Screenings != 3000 || whole.Funnel.Closed == 0 || whole.Funnel.Concerns == 0 || whole.MSP.Enquiries == 0 ||
		len(whole.Safeguarding.InsteadOfEnquiry) == 0 || len(whole.Loneliness) == 0 || len(whole.Arms) != 2 || len(whole.Gaps) == 0 ||
		whole.Times.EngagedToClosed == nil || len(whole.Services) == 0 || whole.Services[0].MedianResponseWD == nil {
		t.Fatalf("generated data leaves parts of the summary empty: %+v", whole)
	}
	sameSummaries(t, db, a)

	// Rows changed after the fact (the retention job clearing locations, a
	// screening moved to another arm, a history row corrected, a screening
	// with nothing referring to it deleted) are followed too.
	for _, q := range []string{
		`UPDATE screenings SET latitude = NULL, longitude = NULL WHERE rowid % 7 = 0`,
		`UPDATE screenings SET arm = 'b', pathway_version = 3 WHERE rowid % 11 = 0 AND arm = 'a'`,
		`UPDATE screenings SET created_at = replace(created_at, '2025-03-', '2025-04-') WHERE rowid % 13 = 0`,
		`UPDATE referral_history SET at = replace(at, 'T', 'T0') WHERE 0`,
		`UPDATE referral_history SET at = '2025-12-31T23:00:00.000000Z' WHERE id % 17 = 0 AND to_state = 'sent'`,
		`DELETE FROM referral_history WHERE id % 19 = 0 AND to_state = 'accepted'`,
		`UPDATE concerns SET outcome = NULL WHERE rowid % 5 = 0`,
		`DELETE FROM screenings WHERE rowid % 23 = 0 AND id NOT IN (SELECT screening_id FROM referrals) AND id NOT IN (SELECT screening_id FROM concerns)`,
	} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sameSummaries(t, db, a)
}

// TestRebuildMatchesTriggers recounts the aggregates from the rows and
// finds the same counts the triggers kept.
func TestRebuildMatchesTriggers(t *testing.T) {
	db, _ := generated(t, 1500)
	ctx := context.Background()
	if err := db.ExecForTest(ctx, `UPDATE screenings SET latitude = NULL, longitude = NULL WHERE rowid % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	kept, err := db.ReportSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept["report_steps"]) == 0 || len(kept["report_changes"]) == 0 || len(kept["report_gaps"]) == 0 {
		t.Fatalf("nothing counted: %v", kept)
	}
	if err := db.RebuildReports(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := db.ReportSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(kept, rebuilt); d != "" {
		t.Errorf("rebuild differs from the triggers (-triggers +rebuild):\n%s", d)
	}
}

// TestMigrationFillsAggregates upgrades a database that has rows but no
// aggregates (as one made before migration 0008) and finds the summary
// and the counters as the triggers would have kept them.
func TestMigrationFillsAggregates(t *testing.T) {
	db, a := generated(t, 800)
	ctx := context.Background()
	kept, err := db.ReportSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Take migration 0008 away again: its triggers, views, tables and index.
	for _, q := range []string{
		`DELETE FROM schema_migrations WHERE name = '0008_report_aggregates.sql'`,
		`DROP INDEX concerns_screening`,
	} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"trigger", "view", "table"} {
		names, err := db.SchemaNamesForTest(ctx, kind, "report_%")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if err := db.ExecForTest(ctx, `DROP `+kind+` `+name); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := db.Path
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	filled, err := db.ReportSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(kept, filled); d != "" {
		t.Errorf("the migration filled different counts from the triggers' (-triggers +migration):\n%s", d)
	}
	sameSummaries(t, db, a)
}
