package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
)

// The worklist benchmark: one site with 100,000 referrals over two years,
// about a quarter of them open, 15% safeguarding, spread over 20
// navigators, written straight into the tables (the report triggers
// still run) so the set-up takes seconds, not the hours of generating
// their screenings.
const benchReferrals = 100_000

var (
	worklistOnce sync.Once
	worklistDB   *DB
	worklistErr  error
)

func benchWorklistDB(b *testing.B) *DB {
	worklistOnce.Do(func() {
		ctx := context.Background()
		dir, err := osMkdirTemp()
		if err != nil {
			worklistErr = err
			return
		}
		db, err := Open(ctx, filepath.Join(dir, "worklist.db"))
		if err != nil {
			worklistErr = err
			return
		}
		worklistDB = db
		a := kith.Actor{Site: "bench", Kind: "system", ID: "bench", Role: kith.RoleLead}
		if worklistErr = db.CreateSite(ctx, a, app.NewSite("bench", "Bench", kith.SiteSettings{})); worklistErr != nil {
			return
		}
		svc := assets.DemoServicesAt(time.Now().UTC())[0]
		if worklistErr = db.CreateService(ctx, a, &svc); worklistErr != nil {
			return
		}
		worklistErr = db.writeTx(ctx, func(tx *sql.Tx) error { return fillWorklist(ctx, tx, svc.ID, benchReferrals) })
	})
	if worklistErr != nil {
		b.Fatal(worklistErr)
	}
	return worklistDB
}

func fillWorklist(ctx context.Context, tx *sql.Tx, serviceID string, n int) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO screenings (id, site_id, created_at, created_by, request_hash, request, result, scoring_version, action, quadrant, loneliness, isolation)
		VALUES ('s-bench', 'bench', '2025-01-01T00:00:00.000000Z', 'system:bench', x'00', '{"person":{"name":"Bench"}}', '{}', '2026.2', 'none', 'unknown', 'unknown', 'unknown')`); err != nil {
		return err
	}
	// States by share: most referrals of two years are finished.
	_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO referrals (id, site_id, screening_id, service_id, state, assignee, safeguarding, red_flags, created_at, updated_at, state_at, sent_at, created_by, search_name, reference)
		SELECT printf('r-%08d', i), 'bench', 's-bench', ?,
			CASE WHEN i % 100 < 55 THEN 'closed' WHEN i % 100 < 65 THEN 'withdrawn' WHEN i % 100 < 72 THEN 'rerouted' WHEN i % 100 < 75 THEN 'escalated'
				WHEN i % 100 < 79 THEN 'new' WHEN i % 100 < 83 THEN 'assigned' WHEN i % 100 < 87 THEN 'contacted' WHEN i % 100 < 93 THEN 'sent'
				WHEN i % 100 < 96 THEN 'accepted' WHEN i % 100 < 98 THEN 'engaged' WHEN i % 100 < 99 THEN 'declined' ELSE 'expired' END,
			printf('user:%d', i % 20), (i * 7) % 100 < 15, 0,
			strftime('%Y-%m-%dT%H:%M:%f000Z', '2024-12-01', printf('+%d minutes', i * 10)),
			strftime('%Y-%m-%dT%H:%M:%f000Z', '2024-12-01', printf('+%d minutes', i * 10)),
			strftime('%Y-%m-%dT%H:%M:%f000Z', '2024-12-01', printf('+%d minutes', i * 10)),
			strftime('%Y-%m-%dT%H:%M:%f000Z', '2024-12-01', printf('+%d minutes', i * 10 + 1440)),
			'system:bench', printf('person %d %s', i, CASE i % 5 WHEN 0 THEN 'ada' WHEN 1 THEN 'bea' WHEN 2 THEN 'cy' WHEN 3 THEN 'dev' ELSE 'eli' END),
			printf('R-%08d', i)
		FROM n`, n, serviceID)
	return err
}

// worklistCases are the views the benchmark times and TestWorklistPlans
// checks the plans of.
func worklistCases() []struct {
	name string
	f    app.ReferralFilter
} {
	yes, no := true, false
	return []struct {
		name string
		f    app.ReferralFilter
	}{
		{"open_first_page", app.ReferralFilter{Open: true}},
		{"open_page_100", app.ReferralFilter{Open: true, Page: kith.Page{Number: 100, Size: 20}}},
		{"everything_first_page", app.ReferralFilter{}},
		{"everything_page_2000", app.ReferralFilter{Page: kith.Page{Number: 2000, Size: 20}}},
		{"mine", app.ReferralFilter{Open: true, Assignee: "user:7"}},
		{"overdue", app.ReferralFilter{Open: true, Overdue: &yes}},
		{"not_overdue", app.ReferralFilter{Open: true, Overdue: &no}},
		{"safeguarding", app.ReferralFilter{Open: true, Safeguarding: &yes}},
		{"mine_safeguarding_overdue", app.ReferralFilter{Open: true, Assignee: "user:7", Safeguarding: &yes, Overdue: &yes}},
		{"state_sent", app.ReferralFilter{State: "sent"}},
		{"state_expired", app.ReferralFilter{State: "expired"}},
		{"search_name", app.ReferralFilter{Open: true, Q: "person 4242"}},
		{"search_reference", app.ReferralFilter{Q: "R-00042424"}},
	}
}

// BenchmarkWorklist reads a page of the worklist with 16 clients at once
// (8 per CPU on the 2-CPU machine), each read audited as the service does.
func BenchmarkWorklist(b *testing.B) {
	db := benchWorklistDB(b)
	cases := worklistCases()
	a := kith.Actor{Site: "bench", Kind: "user", ID: "7", Role: kith.RoleNavigator}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	list := db.ListReferrals
	if os.Getenv("KITH_BENCH_NO_AUDIT") != "" {
		list = db.worklist // the queries alone, to see what the audit row costs
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f := c.f
			if f.Page.Size == 0 {
				f.Page = kith.Page{Number: 1, Size: 20}
			}
			f.Now, f.Thresholds = now, referral.Thresholds{}.OrDefault()
			var mu sync.Mutex
			var took []time.Duration
			b.SetParallelism(8)
			cpu := processCPU()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					start := time.Now()
					if _, _, err := list(context.Background(), a, f); err != nil {
						panic(fmt.Sprint(c.name, err))
					}
					d := time.Since(start)
					mu.Lock()
					took = append(took, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			// The CPU the process spent per operation: on a machine shared
			// with other work the wall-clock percentiles include waiting for
			// a core others hold, this does not.
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			reportPercentiles(b, took)
		})
	}
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
