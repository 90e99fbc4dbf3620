package sqlite

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
)

// fullScan is a plan step that reads every row (or index entry) of the
// referrals or screenings, under any alias. Virtual tables (FTS5) always
// say SCAN; their own index answers them.
var fullScan = regexp.MustCompile(`^SCAN (r|referrals|sc|screenings|n|referral_names|referral_counts)\b`)

// siteWide reads every referral of the site in an index: fine for a page's
// run read in order up to its LIMIT, not for a count or a search.
var siteWide = regexp.MustCompile(`^SEARCH (r|referrals) USING .*\(site_id=\?( AND safeguarding=\?)?\)$`)

// TestWorklistPlans runs every worklist view the benchmark times, and the
// screenings waiting for a navigator, and checks with EXPLAIN QUERY PLAN
// that no query they run reads all of a site's referrals or screenings:
// each reaches its rows through an index, and a page's runs are read in
// index order, not sorted.
func TestWorklistPlans(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	lead := kith.Actor{Site: "bench", Kind: "system", ID: "test", Role: kith.RoleLead}
	if err := db.CreateSite(ctx, lead, app.NewSite("bench", "Bench", kith.SiteSettings{})); err != nil {
		t.Fatal(err)
	}
	svc := assets.DemoServicesAt(time.Now().UTC())[0]
	if err := db.CreateService(ctx, lead, &svc); err != nil {
		t.Fatal(err)
	}
	// Enough referrals that every run of every view has rows to read.
	if err := db.writeTx(ctx, func(tx *sql.Tx) error { return fillWorklist(ctx, tx, svc.ID, 2000) }); err != nil {
		t.Fatal(err)
	}
	type query struct {
		q    string
		args []any
	}
	var seen []query
	db.onQuery = func(q string, args []any) { seen = append(seen, query{q, args}) }
	a := kith.Actor{Site: "bench", Kind: "user", ID: "7", Role: kith.RoleNavigator}
	check := func(name string, searched bool) {
		t.Helper()
		if len(seen) == 0 {
			t.Fatalf("%s: no query was traced", name)
		}
		for _, q := range seen {
			rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.q, q.args...)
			if err != nil {
				t.Fatalf("%s: explain: %v", name, err)
			}
			var plan []string
			var parents []int
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan, parents = append(plan, detail), append(parents, parent)
			}
			rows.Close()
			t.Logf("%s: %s\n  %s", name, strings.Join(strings.Fields(q.q), " "), strings.Join(plan, "\n  "))
			// A sort is allowed of the page's own rows (the outer query
			// of a run, whose ids the inner one chose), of what a search
			// found, and of the overdue (sent, and not yet expired by the
			// timers: a few days' referrals) read from referrals_sent.
			pageOnly := strings.Contains(q.q, "WHERE r.id IN (SELECT r.id FROM referrals r")
			overdueSet := strings.Contains(strings.Join(plan, "\n"), "INDEX referrals_sent")
			for i, step := range plan {
				sorts := strings.Contains(step, "TEMP B-TREE FOR ORDER BY") && !searched && !overdueSet && !(pageOnly && parents[i] == 0)
				wide := siteWide.MatchString(step) && (searched || !strings.Contains(q.q, "LIMIT"))
				if fullScan.MatchString(step) || sorts || wide {
					t.Errorf("%s: %q\nreads every row or sorts: %s\nplan:\n  %s", name, q.q, step, strings.Join(plan, "\n  "))
				}
			}
		}
		seen = nil
	}
	for _, c := range worklistCases() {
		f := c.f
		if f.Page.Size == 0 {
			f.Page = kith.Page{Number: 1, Size: 20}
		}
		f.Now, f.Thresholds = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC), referral.Thresholds{}.OrDefault()
		if _, _, err := db.worklist(ctx, a, f); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		check(c.name, f.Q != "")
	}
	if _, _, err := db.WaitingScreenings(ctx, a, kith.Page{Number: 1, Size: 20}); err != nil {
		t.Fatal(err)
	}
	check("waiting screenings", false)
	// The search found what it looked for (the plans are of real work).
	f := app.ReferralFilter{Q: "R-00000042", Page: kith.Page{Number: 1, Size: 20}, Now: time.Now()}
	if got, n, err := db.worklist(ctx, a, f); err != nil || n != 1 || len(got) != 1 || got[0].ID != "r-00000042" {
		t.Fatalf("by reference: %v %d %v", got, n, err)
	}
	f.Q = "Person 42"
	if got, n, err := db.worklist(ctx, a, f); err != nil || n != 11 || len(got) != 11 { // 42 and 420 to 429: the last word is a start
		t.Fatalf("by name: %d of %d, %v", len(got), n, err)
	}
	f.Q = "PERSON 425 ad"
	if got, n, err := db.worklist(ctx, a, f); err != nil || n != 1 || got[0].ID != "r-00000425" { // the other words are whole
		t.Fatalf("by whole words and a start: %v %d, %v", got, n, err)
	}
}
