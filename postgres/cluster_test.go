package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
)

// Instances starting together on an empty database migrate it once: the
// advisory lock makes the others wait, and they then find it done.
func TestInstancesMigrateOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	dbs := make([]*postgres.DB, 4)
	errs := make([]error, len(dbs))
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = postgres.Open(ctx, url)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	ok, err := dbs[0].MigrationsApplied(ctx)
	if err != nil || !ok {
		t.Fatalf("migrations applied: %v %v", ok, err)
	}
}

// A job lock held by one instance is refused to another until released,
// and given up when its holder's connections go (an instance that dies).
func TestJobLockAcrossInstances(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, ok, err := a.TryLock(ctx, "job:timers", time.Minute)
	if err != nil || !ok {
		t.Fatalf("first instance: %v %v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "job:timers", time.Minute); err != nil || ok {
		t.Fatalf("second instance took a held lock: %v %v", ok, err)
	}
	if r, ok, err := b.TryLock(ctx, "job:retention", time.Minute); err != nil || !ok {
		t.Fatalf("another job's lock: %v %v", ok, err)
	} else {
		r()
	}
	release()
	r, ok, err := b.TryLock(ctx, "job:timers", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	if _, ok, _ := a.TryLock(ctx, "job:timers", time.Minute); ok {
		t.Fatal("the first instance took the lock the second holds")
	}
	// The holder dies without releasing: its connection ends.
	if err := a.TerminateLockHoldersForTest(ctx); err != nil {
		t.Fatal(err)
	}
	defer r()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rel, ok, err := a.TryLock(ctx, "job:timers", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			rel()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a lock was not given up when its holder closed")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newScreening scores a request as the service would, ready to store.
func newScreening(t *testing.T, body, key string) app.NewScreening {
	t.Helper()
	var req screening.Request
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	res, err := screening.Assess(&req, screening.Options{SafeguardingPhone: "0113 496 0000", SiteName: "Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(body))
	// The concern, when the screening raises one, as the application
	// decides it (app.ConcernToRaise).
	nc, err := app.ConcernToRaise(res, &req)
	if err != nil {
		t.Fatal(err)
	}
	return app.NewScreening{IdempotencyKey: key, RequestHash: h[:], Request: &req, Result: res, Location: app.Location{Source: "unknown"}, Concern: nc}
}

const raceBody = `{"person": {"name": "Ada Example", "postcode": "LS1 4AP"}, "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "yes", "unable_to_protect_self": "yes", "immediate_danger": false, "others_at_risk": false,
          "capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": true},
  "indicators": ["discloses_abuse", "lives_alone"]}`

const plainBody = `{"person": {"name": "Ada Example", "postcode": "LS1 4AP"}, "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
          "capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "indicators": ["lives_alone", "no_regular_visitors"], "instruments": {"ucla3": {"answers": [3, 3, 2]}}}`

// twoInstances opens two DBs on one new database with one site, "alpha".
func twoInstances(t *testing.T) (*postgres.DB, *postgres.DB) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if err := dbs[0].CreateSite(ctx, kith.Actor{Kind: "cli", ID: "test"}, app.NewSite("alpha", "Alpha", kith.SiteSettings{})); err != nil {
		t.Fatal(err)
	}
	return dbs[0], dbs[1]
}

// One idempotency key sent many times at once through two instances makes
// one screening (and one concern, with one reference); every sender is
// answered with it.
func TestIdempotencyKeyRacedOnTwoInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	visitor := kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	const n = 16
	ids, created, errs := make([]string, n), make([]bool, n), make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, c, err := db.CreateScreening(ctx, visitor, newScreening(t, raceBody, "race-1"))
			if err == nil {
				ids[i] = s.ID
			}
			created[i], errs[i] = c, err
		}()
	}
	close(start)
	wg.Wait()
	made := 0
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("sender %d: %v", i, errs[i])
		}
		if created[i] {
			made++
		}
		if ids[i] != ids[0] {
			t.Fatalf("sender %d got screening %s, sender 0 %s", i, ids[i], ids[0])
		}
	}
	if made != 1 {
		t.Fatalf("%d senders were told they created the screening, want 1", made)
	}
	nav := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	if _, total, err := a.ListScreenings(ctx, nav, app.ScreeningFilter{Page: kith.Page{Number: 1, Size: 10}}); err != nil || total != 1 {
		t.Fatalf("screenings stored: %d (%v), want 1", total, err)
	}
	// The losers gave back the concern numbers they took: the next concern is SG-...-000002.
	s, _, err := b.CreateScreening(ctx, visitor, newScreening(t, raceBody, "race-2"))
	if err != nil || !strings.HasSuffix(s.Safeguarding.Reference, "-000002") {
		t.Fatalf("next concern reference %q (%v), want the second", s.Safeguarding.Reference, err)
	}
}

// Concerns raised at once through two instances get distinct references.
func TestConcernReferencesDistinctAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	visitor := kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	const n = 12
	refs := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, err := db.CreateScreening(ctx, visitor, newScreening(t, raceBody, ""))
			if err != nil {
				t.Error(err)
				return
			}
			refs[i] = s.Safeguarding.Reference
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, r := range refs {
		if r == "" || seen[r] {
			t.Fatalf("references %v: empty or repeated", refs)
		}
		seen[r] = true
	}
}

// Screenings that raise no concern, stored at once through two instances,
// all count towards the report: their report_counts rows are upserted in
// one order, so no two submissions deadlock (they did when the rows were
// written in a map's order).
func TestScreeningsCountedAtOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	visitor := kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	const n = 16
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := db.CreateScreening(ctx, visitor, newScreening(t, plainBody, "")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	now := time.Now().UTC().Truncate(24 * time.Hour)
	sum, err := a.Summary(ctx, lead, app.ReportFilter{From: now.AddDate(0, 0, -1), To: now.AddDate(0, 0, 1)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Funnel.Screenings != n {
		t.Errorf("the report counts %d screenings, want %d", sum.Funnel.Screenings, n)
	}
}

// sentReferral makes a screening, a service and a referral to it, moved
// through to sent, on db.
func sentReferral(t *testing.T, db *postgres.DB, msgs ...app.Message) string {
	t.Helper()
	ctx := context.Background()
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	nav := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	visitor := kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	s, _, err := db.CreateScreening(ctx, visitor, newScreening(t, plainBody, ""))
	if err != nil {
		t.Fatal(err)
	}
	svc := assets.DemoServicesAt(time.Now().UTC())[0]
	svc.ID = ""
	if err := db.CreateService(ctx, lead, &svc); err != nil {
		t.Fatal(err)
	}
	id, err := db.CreateReferral(ctx, nav, s.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []referral.State{referral.Assigned, referral.Contacted, referral.Sent} {
		var queue []app.Message
		if to == referral.Sent {
			queue = msgs
		}
		if _, err := db.Transition(ctx, nav, id, referral.Move{To: to}, nil, queue...); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// The same move sent at once through two instances is made once: one
// history row, and the others refused as the referral has moved on.
func TestReferralMoveRacedOnTwoInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	id := sentReferral(t, a)
	nav := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.Transition(ctx, nav, id, referral.Move{To: referral.Accepted}, nil)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case kith.ErrorCode(err) != kith.ECONFLICT:
			t.Fatalf("a raced move failed otherwise than as a conflict: %v", err)
		}
	}
	r, err := a.Referral(ctx, nav, id)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, e := range r.History {
		if e.To == referral.Accepted {
			accepted++
		}
	}
	if ok != 1 || accepted != 1 || r.State != referral.Accepted {
		t.Fatalf("%d moves succeeded, %d history rows to accepted, state %s: want 1, 1, accepted", ok, accepted, r.State)
	}
}

// Two instances sending the outbox at once each claim different messages:
// every message is handed out once, and a message claimed and not marked
// is not handed to the other instance.
func TestOutboxClaimedOnceAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	const n = 40
	var msgs []app.Message
	for i := 0; i < n; i++ {
		msgs = append(msgs, app.Message{Kind: "provider_referral", To: fmt.Sprintf("p%d@provider.example", i), Subject: "A referral", Body: "Open the link"})
	}
	sentReferral(t, a, msgs...)
	seen := make(chan int64, 2*n)
	var wg sync.WaitGroup
	for _, db := range []*postgres.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := db.ClaimMessages(ctx, 3, 0)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, m := range got {
					seen <- m.ID
					if err := db.MarkSent(ctx, m.ID, nil); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(seen)
	count := map[int64]int{}
	for id := range seen {
		count[id]++
	}
	for id, c := range count {
		if c != 1 {
			t.Fatalf("message %d handed out %d times", id, c)
		}
	}
	if len(count) != n {
		t.Fatalf("%d messages handed out, want %d", len(count), n)
	}
	// A claim holds against the other instance until it is marked, and
	// listing the outbox (the lead's page) neither claims nor is stopped
	// by a claim.
	sentReferral(t, a, msgs[0])
	if listed, _ := b.PendingMessages(ctx, "", 10, 0); len(listed) != 1 {
		t.Fatalf("listed %d before the claim, want 1", len(listed))
	}
	held, _ := a.ClaimMessages(ctx, 10, 0)
	if other, _ := b.ClaimMessages(ctx, 10, 0); len(held) != 1 || len(other) != 0 {
		t.Fatalf("claimed %d, the other instance then got %d: want 1 and 0", len(held), len(other))
	}
	if listed, _ := b.PendingMessages(ctx, "", 10, 0); len(listed) != 1 {
		t.Fatalf("listed %d while claimed, want 1", len(listed))
	}
	if err := a.MarkSent(ctx, held[0].ID, errors.New("mailbox unavailable")); err != nil {
		t.Fatal(err)
	}
	// A failed message waits out its backoff, then either instance may
	// claim it again.
	if again, _ := b.ClaimMessages(ctx, 10, 0); len(again) != 0 {
		t.Fatalf("claimed again at once after a failed send: %+v", again)
	}
	later := time.Now().UTC().Add(time.Minute)
	b.Now = func() time.Time { return later }
	if again, _ := b.ClaimMessages(ctx, 10, 0); len(again) != 1 || again[0].Attempts != 1 {
		t.Fatalf("after a failed send and its backoff the message is not offered again: %+v", again)
	}
}

// A failed message waits 30 seconds, doubling with each failure, never
// more than ten minutes.
func TestSendBackoff(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 5: 8 * time.Minute,
		6: 10 * time.Minute, 40: 10 * time.Minute} {
		if got := postgres.SendBackoff(attempts); got != want {
			t.Errorf("after %d failures: %s, want %s", attempts, got, want)
		}
	}
}
