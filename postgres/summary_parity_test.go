package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/internal/gen"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

// backend is one store under test with its clock.
type backend struct {
	name   string
	st     app.Stores
	setNow func(func() time.Time)
}

// The same history written through both backends (screenings across two
// months and a pilot, referrals walked to every end, concern outcomes,
// reroutes, withdrawals and retention) gives the same evaluation summary
// for every period and filter: SQLite's triggers and PostgreSQL's cohort
// recounts count the same things.
func TestSummaryMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, _ := openStores(t)
	backends := []backend{
		{"sqlite", lite.Stores(), func(f func() time.Time) { lite.Now = f }},
		{"postgres", pg.Stores(), func(f func() time.Time) { pg.Now = f }},
	}
	start := time.Date(2026, 9, 14, 9, 0, 0, 0, time.UTC)
	for _, b := range backends {
		writeHistory(t, b, start, 300)
	}
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	v1, v2 := 1, 2
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, f := range []app.ReportFilter{
		{From: day(2026, 9, 1), To: day(2026, 12, 1)},
		{From: day(2026, 9, 20), To: day(2026, 10, 17)},
		{From: day(2026, 10, 1), To: day(2026, 11, 1)},
		{From: day(2026, 9, 1), To: day(2026, 12, 1), PathwayVersion: &v1},
		{From: day(2026, 9, 1), To: day(2026, 12, 1), PathwayVersion: &v2, Arm: "a"},
		{From: day(2026, 9, 1), To: day(2026, 12, 1), Arm: "b", GapRadiusKm: 1},
		{From: day(2026, 9, 16), To: day(2026, 9, 17)},
	} {
		var got [2]string
		for i, b := range backends {
			sum, err := b.st.Reports.Summary(ctx, lead, f, []kith.CostItem{{Name: "navigator time", UnitCost: 12.5, Driver: "engaged_referrals", RateLow: 0.1, RateCentral: 0.2, RateHigh: 0.3}})
			if err != nil {
				t.Fatalf("%s: summary %+v: %v", b.name, f, err)
			}
			js, _ := json.MarshalIndent(sum, "", " ")
			got[i] = string(js)
		}
		if got[0] != got[1] {
			t.Errorf("summary %s to %s (version %s, arm %q) differs:\n%s", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly),
				versionOf(f.PathwayVersion), f.Arm, lineDiff(got[0], got[1]))
		}
	}
}

// writeHistory writes n screenings and what follows them through b, the
// same for every backend (a seeded generator; the clock moves on with it).
func writeHistory(t *testing.T, b backend, start time.Time, n int) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(42, 7))
	cli := kith.Actor{Kind: "cli", ID: "test"}
	a := kith.Actor{Site: "alpha", Kind: "system", ID: "history", Role: kith.RoleLead}
	at := start
	b.setNow(func() time.Time { return at })
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", b.name, what, err)
		}
	}
	must("site", b.st.Sites.CreateSite(ctx, cli, app.NewSite("alpha", "Alpha", kith.SiteSettings{SafeguardingPhone: "0113 496 0000"})))
	svcs := assets.DemoServicesAt(start)
	_, _, err := b.st.Directory.ImportServices(ctx, a, svcs)
	must("directory", err)
	places := assets.DemoPostcodes()
	var ids []string
	for i := 0; i < n; i++ {
		at = at.Add(time.Duration(2+rng.IntN(12)) * time.Hour)
		req := gen.Screening(rng, i)
		res, err := screening.Assess(req, screening.Options{SafeguardingPhone: "0113 496 0000", SiteName: "Alpha"})
		must("assess", err)
		canon, _ := json.Marshal(req)
		h := sha256.Sum256(canon)
		in := app.NewScreening{RequestHash: h[:], Request: req, Result: res, Location: app.Location{Source: "unknown"}}
		in.Concern, err = app.ConcernToRaise(res, req)
		must("concern", err)
		if p := places[rng.IntN(len(places))]; rng.IntN(3) > 0 {
			in.Location = app.Location{Latitude: &p.Latitude, Longitude: &p.Longitude, Source: "postcode"}
		}
		in.PathwayID, in.PathwayVersion = "default", 1
		if i > n/2 {
			in.PathwayVersion, in.Arm = 2+rng.IntN(2), ""
			in.Arm = map[int]string{2: "a", 3: "b"}[in.PathwayVersion]
		}
		s, _, err := b.st.Screenings.CreateScreening(ctx, a, in)
		must("screening", err)
		ids = append(ids, s.ID)
		if s.Safeguarding.Reference != "" && rng.IntN(3) > 0 {
			concernOutcomeFor(t, b, a, rng, s.ID, &at)
		}
		if res.Consent.Refer == screening.Yes && rng.Float64() < 0.6 {
			walkReferral(t, b, a, rng, s.ID, svcs, &at)
		}
	}
	// Retention clears where people lived (gaps) and free text.
	at = at.AddDate(0, 0, 30)
	items, err := b.st.Exports.RetentionCandidates(ctx, a, start.AddDate(0, 0, 10))
	must("retention candidates", err)
	for _, it := range items {
		r, err := app.Redact(it)
		must("redact", err)
		must("store redaction", b.st.Exports.Redact(ctx, a, r))
	}
}

func concernOutcomeFor(t *testing.T, b backend, a kith.Actor, rng *rand.Rand, screeningID string, at *time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := b.st.Concerns.ScreeningConcern(ctx, a, screeningID)
	if err != nil {
		t.Fatalf("%s: concern: %v", b.name, err)
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	o := referral.ConcernOutcome{Enquiry: "no_enquiry", Instead: pick(referral.InsteadValues)}
	if rng.IntN(2) == 0 {
		o = referral.ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "asked_expressed", MSPAchieved: pick(referral.AchievedValues),
			RiskAssessment: pick(referral.RiskAssessmentValues)}
		if strings.HasPrefix(o.RiskAssessment, "risk_identified") {
			o.RiskOutcome = pick(referral.RiskOutcomeValues)
		}
	}
	*at = at.Add(time.Duration(20+rng.IntN(100)) * time.Hour)
	if _, err := b.st.Concerns.RecordConcernOutcome(ctx, a, c.ID, o); err != nil {
		t.Fatalf("%s: concern outcome %+v: %v", b.name, o, err)
	}
}

// walkReferral makes a referral and moves it along one of the paths a
// referral takes, a few hours to days a step.
func walkReferral(t *testing.T, b backend, a kith.Actor, rng *rand.Rand, screeningID string, svcs []assets.Service, at *time.Time) {
	t.Helper()
	ctx := context.Background()
	id, err := b.st.Referrals.CreateReferral(ctx, a, screeningID, svcs[rng.IntN(len(svcs))].ID)
	if err != nil {
		if kith.ErrorCode(err) == kith.ECONFLICT {
			return // the person may not be referred
		}
		t.Fatalf("%s: referral: %v", b.name, err)
	}
	path := []referral.Move{{To: referral.Assigned}, {To: referral.Contacted}, {To: referral.Sent}}
	switch r := rng.Float64(); {
	case r < 0.5:
		path = append(path, referral.Move{To: referral.Accepted}, referral.Move{To: referral.Engaged}, referral.Move{To: referral.Closed,
			Outcome: &referral.Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: []string{"fully", "partially", "not_achieved"}[rng.IntN(3)],
				FeelsSafer: []string{"agree", "", "disagree"}[rng.IntN(3)], FollowUp: &referral.FollowUp{Instrument: "ucla3", Answers: gen.UCLA(rng)}}})
	case r < 0.65:
		path = append(path, referral.Move{To: referral.Declined, Reason: referral.DeclineReasons[rng.IntN(len(referral.DeclineReasons))]},
			referral.Move{To: referral.Rerouted, ServiceID: svcs[rng.IntN(len(svcs))].ID})
	case r < 0.75:
		path = append(path, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "changed their mind"})
	}
	for _, m := range path[:rng.IntN(len(path)+1)] {
		*at = at.Add(time.Duration(1+rng.IntN(60)) * time.Hour)
		if _, err := b.st.Referrals.Transition(ctx, a, id, m, nil); err != nil {
			t.Fatalf("%s: move to %s: %v", b.name, m.To, err)
		}
	}
}

// lineDiff shows the lines where two texts differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d:\n  sqlite   %s\n  postgres %s", i+1, x, y))
		}
		if len(out) > 30 {
			break
		}
	}
	return strings.Join(out, "\n")
}

func versionOf(v *int) string {
	if v == nil {
		return "any"
	}
	return fmt.Sprint(*v)
}
