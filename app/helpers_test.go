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
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

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

// world is an application over a new SQLite store with sites alpha and
// beta, and a navigator of each.
type world struct {
	app   *app.App
	db    *sqlite.DB
	clock *clock
	ctx   context.Context
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)} // a Monday
	db.Now = c.Now
	w := &world{app: app.New(db.Stores(), app.Options{Clock: c.Now}), db: db, clock: c, ctx: ctx}
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
