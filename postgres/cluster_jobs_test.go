package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/referral"
)

// The same work sent through two instances at once, as a cluster behind a
// load balancer does: each test runs it from several goroutines on each
// instance and checks it was done once.

// together runs fn n times on each of a and b, all at once.
func together(a, b *postgres.DB, n int, fn func(db *postgres.DB, i int)) {
	var wg sync.WaitGroup
	for i := 0; i < 2*n; i++ {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(db, i)
		}()
	}
	wg.Wait()
}

// A referral's timers run on two instances at once: the provider is
// nudged once (one reminder queued), and the referral expires once (one
// history row).
func TestTimerFiresOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // a Monday
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	a.Now, b.Now = clock, clock
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	nav := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	s, _, err := a.CreateScreening(ctx, kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}, newScreening(t, plainBody, ""))
	if err != nil {
		t.Fatal(err)
	}
	svc := assets.DemoServicesAt(clock())[0]
	svc.Email = "referrals@provider.example"
	if err := a.CreateService(ctx, lead, &svc); err != nil {
		t.Fatal(err)
	}
	id, err := a.CreateReferral(ctx, nav, s.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []referral.State{referral.Assigned, referral.Contacted, referral.Sent} {
		if _, err := a.Transition(ctx, nav, id, referral.Move{To: to}, nil); err != nil {
			t.Fatal(err)
		}
	}
	apps := map[*postgres.DB]*app.App{a: app.New(a.Stores(), app.Options{Clock: clock}), b: app.New(b.Stores(), app.Options{Clock: clock})}
	run := func() {
		together(a, b, 3, func(db *postgres.DB, _ int) {
			if err := apps[db].ApplyTimers(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	advance(7 * 24 * time.Hour) // five working days: past the nudge, before expiry
	run()
	msgs, err := a.PendingMessages(ctx, "alpha", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	nudges := 0
	for _, m := range msgs {
		if m.Kind == "provider_nudge" {
			nudges++
		}
	}
	if nudges != 1 {
		t.Errorf("%d reminders queued, want 1", nudges)
	}
	advance(14 * 24 * time.Hour)
	run()
	r, err := a.Referral(ctx, nav, id)
	if err != nil {
		t.Fatal(err)
	}
	expired := 0
	for _, e := range r.History {
		if e.To == referral.Expired {
			expired++
		}
	}
	if r.State != referral.Expired || expired != 1 {
		t.Errorf("state %s with %d history rows to expired, want expired and 1", r.State, expired)
	}
}

// Pathway versions saved at once on two instances are numbered apart, with
// no gaps and no refusals: each save takes the pathway's row first.
func TestPathwayVersionsRacedOnTwoInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	const n = 4
	var mu sync.Mutex
	got := map[int]bool{}
	together(a, b, n, func(db *postgres.DB, _ int) {
		v, err := db.SavePathwayVersion(ctx, lead, "default", "Default", pathways.DefaultDocument())
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		got[v.Version] = true
		mu.Unlock()
	})
	for v := 2; v < 2+2*n; v++ {
		if !got[v] {
			t.Fatalf("versions %v: want each of 2 to %d once", got, 1+2*n)
		}
	}
}

// The same directory imported at once on two instances makes each service
// once: every service is created by one import and updated by the others.
func TestServicesImportedAtOnceOnTwoInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	svcs := assets.DemoServicesAt(time.Now().UTC())
	const n = 2
	var mu sync.Mutex
	created := 0
	together(a, b, n, func(db *postgres.DB, _ int) {
		c, _, err := db.ImportServices(ctx, lead, append([]assets.Service(nil), svcs...))
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		created += c
		mu.Unlock()
	})
	_, total, err := a.ListServices(ctx, "alpha", app.ServiceFilter{Page: kith.Page{Number: 1, Size: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(svcs) || created != len(svcs) {
		t.Errorf("%d services stored, %d created by the imports: want %d and %d", total, created, len(svcs), len(svcs))
	}
}

// Two referrals of one screening escalated at once on two instances raise
// one concern, and both moves answer with its reference.
func TestEscalationsRaiseOneConcernAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	nav := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	s, _, err := a.CreateScreening(ctx, kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}, newScreening(t, plainBody, ""))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, svc := range assets.DemoServicesAt(time.Now().UTC())[:2] {
		if err := a.CreateService(ctx, lead, &svc); err != nil {
			t.Fatal(err)
		}
		id, err := a.CreateReferral(ctx, nav, s.ID, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	refs := make([]string, 2)
	together(a, b, 1, func(db *postgres.DB, i int) {
		raise := &app.NewConcern{Concern: referral.Concern{ID: "concern-" + ids[i], ScreeningID: s.ID}}
		res, err := db.Transition(ctx, nav, ids[i], referral.Move{To: referral.Escalated, Reason: "worried"}, raise)
		if err != nil {
			t.Error(err)
			return
		}
		refs[i] = res.ConcernRef
	})
	list, total, err := a.ListConcerns(ctx, nav, app.ConcernFilter{Page: kith.Page{Number: 1, Size: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || refs[0] == "" || refs[0] != refs[1] || list[0].Reference != refs[0] {
		t.Errorf("%d concerns, references %v: want one, the same for both moves", total, refs)
	}
}
