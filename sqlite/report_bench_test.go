package sqlite

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// BenchmarkSummary times the summary on a database made by `kith demo
// generate` (KITH_BENCH_DB names it; the benchmark is skipped without it),
// for the last 365 days ending today (the report page's default) and for
// the whole generated year.
//
//	kith demo generate --db /tmp/gen/kith.db --screenings 1000000 --pilot
//	KITH_BENCH_DB=/tmp/gen/kith.db go test ./sqlite -run XXX -bench BenchmarkSummary -benchtime 20x
func BenchmarkSummary(b *testing.B) {
	path := os.Getenv("KITH_BENCH_DB")
	if path == "" {
		b.Skip("KITH_BENCH_DB names a database made by kith demo generate")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a := kith.Actor{Site: "demo", Kind: "user", ID: "bench", Role: kith.RoleLead}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for name, f := range map[string]app.ReportFilter{
		"last365days": {From: today.AddDate(-1, 0, 1), To: today.AddDate(0, 0, 1)},
		"arm_a":       {From: today.AddDate(-1, 0, 1), To: today.AddDate(0, 0, 1), Arm: "a"},
	} {
		b.Run(name, func(b *testing.B) {
			var n int
			for b.Loop() {
				s, err := db.Summary(ctx, a, f, nil)
				if err != nil {
					b.Fatal(err)
				}
				n = s.Funnel.Screenings
			}
			b.ReportMetric(float64(n), "screenings")
		})
	}
}

// TestSummaryMatchesScanOnBenchDB holds the aggregates to the row-reading
// oracle on the benchmark's database too (skipped without KITH_BENCH_DB),
// over the last KITH_BENCH_DAYS days (default 365; the oracle's gaps look
// the directory up once per person, which takes a long time over a
// million).
func TestSummaryMatchesScanOnBenchDB(t *testing.T) {
	path := os.Getenv("KITH_BENCH_DB")
	if path == "" {
		t.Skip("KITH_BENCH_DB names a database made by kith demo generate")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := kith.Actor{Site: "demo", Kind: "user", ID: "bench", Role: kith.RoleLead}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	days := 365
	if v := os.Getenv("KITH_BENCH_DAYS"); v != "" {
		if days, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	f := app.ReportFilter{From: today.AddDate(0, 0, 1-days), To: today.AddDate(0, 0, 1)}
	began := time.Now()
	want, err := db.summaryByScan(ctx, a, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	scan := time.Since(began)
	began = time.Now()
	got, err := db.Summary(ctx, a, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d screenings, %d referrals: scan %v, aggregates %v", got.Funnel.Screenings, got.Funnel.Referrals, scan, time.Since(began))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("aggregates differ from the rows (-rows +aggregates):\n%s", d)
	}
}
