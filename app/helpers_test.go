package app_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

// TestMain stops the PostgreSQL server the job tests started, if any.
func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is a settable clock shared by the application and its store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testDB is a backend the application's tests run on: *sqlite.DB or
// *postgres.DB.
type testDB interface {
	Stores() app.Stores
	PendingMessages(ctx context.Context, site string, limit, maxAttempts int) ([]app.Message, error)
	MarkNudged(ctx context.Context, a kith.Actor, id string, queue ...app.Message) (bool, error)
}

// world is an application over a new store with sites alpha and beta, and
// a navigator of each.
type world struct {
	app   *app.App
	db    testDB
	clock *clock
	ctx   context.Context
	// instance opens another instance of the store on the same database,
	// on the world's clock, as a second process would.
	instance func(t *testing.T) testDB
}

// newWorld is a world on SQLite.
func newWorld(t *testing.T) *world { return newWorldOn(t, "sqlite") }

// backends are the stores the job tests run on.
var backends = []string{"sqlite", "postgres"}

// onEachBackend runs test on a new world of each backend, PostgreSQL's
// from internal/pgtest.
func onEachBackend(t *testing.T, test func(t *testing.T, w *world)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { test(t, newWorldOn(t, b)) })
	}
}

func newWorldOn(t *testing.T, backend string) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)} // a Monday
	w := &world{clock: c, ctx: ctx}
	switch backend {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "kith.db")
		w.instance = func(t *testing.T) testDB {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			db.Now = c.Now
			return db
		}
	case "postgres":
		url := pgtest.NewDatabase(t)
		w.instance = func(t *testing.T) testDB {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			db.Now = c.Now
			return db
		}
	default:
		t.Fatalf("no backend %q", backend)
	}
	w.db = w.instance(t)
	w.app = app.New(w.db.Stores(), app.Options{Clock: c.Now})
	for _, id := range []string{"alpha", "beta"} {
		if err := w.app.CreateSite(ctx, kith.Actor{Kind: "cli", ID: "test"}, id, "Site "+id, kith.SiteSettings{SafeguardingPhone: "0113 496 0000"}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func nav(site string) kith.Actor {
	return kith.Actor{Site: site, Kind: "user", ID: "nav-" + site, Role: kith.RoleNavigator}
}

func lead(site string) kith.Actor {
	return kith.Actor{Site: site, Kind: "user", ID: "lead-" + site, Role: kith.RoleLead}
}

const lonely = `{"person": {"name": "Ada Example", "postcode": "LS1 4AP", "address": "1 Example Street"},
  "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
          "capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "indicators": ["lives_alone"], "instruments": {"ucla3": {"answers": [3, 3, 2]}}, "wishes": "someone to talk to"}`

// sentReferral makes a screening in site and a referral from it to a
// demo service with an email address, and sends it.
func (w *world) sentReferral(t *testing.T, site string, svcIndex int) referral.Referral {
	t.Helper()
	var req screening.Request
	if err := json.Unmarshal([]byte(lonely), &req); err != nil {
		t.Fatal(err)
	}
	s, _, err := w.app.SubmitScreening(w.ctx, kith.Actor{Site: site, Kind: "user", ID: "v", Role: kith.RoleVisitor}, &req, "", app.Links{})
	if err != nil {
		t.Fatal(err)
	}
	svc := assets.DemoServicesAt(w.clock.Now())[svcIndex]
	svc.Email = "referrals@provider.example"
	if err := w.app.CreateService(w.ctx, lead(site), &svc); err != nil {
		t.Fatal(err)
	}
	r, err := w.app.CreateReferral(w.ctx, nav(site), s.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []referral.State{referral.Assigned, referral.Contacted, referral.Sent} {
		if _, err := w.app.Transition(w.ctx, nav(site), r.ID, referral.Move{To: to}, app.Links{}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (w *world) state(t *testing.T, site, id string) referral.State {
	t.Helper()
	r, err := w.app.Referral(w.ctx, nav(site), id)
	if err != nil {
		t.Fatal(err)
	}
	return r.State
}

// setTimers sets a site's referral timers.
func (w *world) setTimers(t *testing.T, site string, timers kith.ReferralTimers) {
	t.Helper()
	st, err := w.app.Site(w.ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	st.Settings.Timers = timers
	if err := w.app.UpdateSiteSettings(w.ctx, lead(site), st.Name, st.Settings); err != nil {
		t.Fatal(err)
	}
}
