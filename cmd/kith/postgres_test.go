package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kith-project/kith/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const pgScreening = `{"person": {"name": "Ada Example", "postcode": "LS1 4AP"}, "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
          "capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "indicators": ["lives_alone", "no_regular_visitors"], "instruments": {"ucla3": {"answers": [3, 3, 2]}}}`

// A postgres:// URL as --db runs the service and the commands on
// PostgreSQL: two instances serve one database, a site and token made by
// the command line work on both at once, a screening sent to both with one
// idempotency key at the same time is stored once, and what only SQLite
// does is refused with what to do instead.
func TestServeTwoInstancesOnPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	if out, err := runKith(t, "", "migrate", "--db", db); err != nil || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	a, b := serve(t, db), serve(t, db)
	if _, err := runKith(t, "", "site", "create", "--db", db, "--id", "north", "--name", "North Council"); err != nil {
		t.Fatal(err)
	}
	out, err := runKith(t, "", "token", "create", "--db", db, "--site", "north", "--role", "visitor", "--name", "phone")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out)
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		base := a
		if i%2 == 1 {
			base = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", base+"/api/v1/screenings", strings.NewReader(pgScreening))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "phone-1")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var s struct {
				ID string `json:"id"`
			}
			if res.StatusCode != 201 && res.StatusCode != 200 {
				t.Errorf("instance %s: status %d", base, res.StatusCode)
			}
			_ = json.NewDecoder(res.Body).Decode(&s)
			ids[i] = s.ID
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("sender %d was answered with screening %q, sender 0 with %q", i, id, ids[0])
		}
	}
	for _, base := range []string{a, b} {
		if code, body := get(t, base+"/api/v1/screenings/"+ids[0], token); code != 200 {
			t.Fatalf("the screening from %s: %d %s", base, code, body)
		}
	}
	if _, err := runKith(t, "", "backup", "--db", db, "--out", t.TempDir()+"/x.db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
	if _, err := runKith(t, "", "serve", "--db", db, "--demo", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "SQLite") {
		t.Fatalf("--demo on PostgreSQL: %v", err)
	}
}
