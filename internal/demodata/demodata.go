// Package demodata fills a site with realistic, invented screenings,
// referrals walked through their states, concern outcomes and follow-up
// measures, spread over a period: for the demo, the reports' tests and
// their benchmarks. Deterministic for a seed.
package demodata

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/internal/gen"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

// Options say how much to make and over when.
type Options struct {
	Screenings int
	Seed       int64
	// Start and End bound when screenings are made (End defaults to now,
	// Start to a year before End).
	Start, End time.Time
	// Pilot records pathway versions: version 1 in the first half of the
	// period, then a pilot of version 2 (arm a) against version 3 (arm b).
	Pilot bool
	// PerTransaction is how many screenings (with their referrals) each
	// transaction holds; 0 means 2,000.
	PerTransaction int
	// Progress, when set, is told how many screenings are made so far
	// after each transaction.
	Progress func(made int)
}

// Result counts what was made.
type Result struct {
	Screenings, Referrals, ConcernOutcomes int
}

// Generate makes the screenings for site through the store's own write
// methods (so every row, trigger and audit entry is what the service
// would write), many to a transaction. db should be opened with
// sqlite.OpenBulk and used by nothing else meanwhile.
func Generate(ctx context.Context, db *sqlite.DB, site string, o Options) (Result, error) {
	var out Result
	st, err := db.Site(ctx, site)
	if err != nil {
		return out, err
	}
	end := o.End
	if end.IsZero() {
		end = time.Now().UTC()
	}
	start := o.Start
	if start.IsZero() {
		start = end.AddDate(-1, 0, 0)
	}
	per := o.PerTransaction
	if per <= 0 {
		per = 2000
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 7))
	// A second source for what the first did not always make (concern
	// outcomes, pilot arms), so the first's draws stay as they were.
	more := rand.New(rand.NewPCG(uint64(o.Seed), 11))
	real := db.Now
	defer func() { db.Now = real }()
	a := kith.Actor{Site: site, Kind: "system", ID: "demo-generate", Role: kith.RoleLead}
	services, _, err := db.ListServices(ctx, site, app.ServiceFilter{Page: kith.Page{Number: 1, Size: 100}})
	if err != nil {
		return out, err
	}
	if len(services) == 0 {
		return out, fmt.Errorf("demo data: site %s has no services to refer to", site)
	}
	located := map[string]app.Location{}
	locate := func(pc string) app.Location {
		if l, ok := located[pc]; ok {
			return l
		}
		loc := app.Location{Source: "unknown"}
		if lat, lon, ok, err := db.LocatePostcode(ctx, pc); err == nil && ok {
			loc = app.Location{Latitude: &lat, Longitude: &lon, Source: "postcode"}
		}
		located[pc] = loc
		return loc
	}
	opts := screening.Options{SafeguardingPhone: st.Settings.SafeguardingPhone, SiteName: st.Name,
		FraudService: st.Settings.FraudService, FraudPhone: st.Settings.FraudPhone}
	one := func(i int) error {
		at := start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
		db.Now = func() time.Time { return at }
		req := gen.Screening(rng, i)
		res, err := screening.Assess(req, opts)
		if err != nil {
			return fmt.Errorf("generated screening %d: %w", i, err)
		}
		canon, _ := json.Marshal(req)
		hash := sha256.Sum256(canon)
		concern, err := app.ConcernToRaise(res, req)
		if err != nil {
			return err
		}
		in := app.NewScreening{RequestHash: hash[:], Request: req, Result: res, Location: locate(req.Person.Postcode), Concern: concern}
		if o.Pilot {
			in.PathwayID, in.PathwayVersion = "default", 1
			if at.After(start.Add(end.Sub(start) / 2)) {
				in.PathwayVersion, in.Arm = 2, "a"
				if more.IntN(2) == 1 {
					in.PathwayVersion, in.Arm = 3, "b"
				}
			}
		}
		stored, _, err := db.CreateScreening(ctx, a, in)
		if err != nil {
			return err
		}
		out.Screenings++
		if stored.Safeguarding.Reference != "" && more.Float64() < 0.7 {
			if err := concernOutcome(ctx, db, a, more, stored.ID, at, end); err != nil {
				return err
			}
			out.ConcernOutcomes++
		}
		if res.Consent.Refer != screening.Yes || rng.Float64() > 0.45 {
			return nil
		}
		svc := services[rng.IntN(len(services))]
		id, err := db.CreateReferral(ctx, a, stored.ID, svc.ID)
		if err != nil {
			return err
		}
		out.Referrals++
		// Walk the referral forward, a working day or few per step.
		path := []referral.Move{{To: referral.Assigned}, {To: referral.Contacted}, {To: referral.Sent}}
		switch r := rng.Float64(); {
		case r < 0.55:
			path = append(path, referral.Move{To: referral.Accepted}, referral.Move{To: referral.Engaged}, referral.Move{To: referral.Closed,
				Outcome: &referral.Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: []string{"fully", "partially", "not_achieved"}[rng.IntN(3)],
					FeelsSafer: []string{"strongly_agree", "agree", "neither", "disagree"}[rng.IntN(4)],
					FollowUp:   &referral.FollowUp{Instrument: "ucla3", Answers: gen.UCLA(rng)}}})
		case r < 0.7:
			path = append(path, referral.Move{To: referral.Declined, Reason: referral.DeclineReasons[rng.IntN(len(referral.DeclineReasons))]})
		}
		steps := rng.IntN(len(path) + 1)
		for _, m := range path[:steps] {
			at = at.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
			if at.After(end) {
				break
			}
			if _, err := db.Transition(ctx, a, id, m, nil); err != nil {
				return fmt.Errorf("generated referral: %w", err)
			}
		}
		return nil
	}
	for i := 0; i < o.Screenings; {
		n := min(per, o.Screenings-i)
		err := db.Batch(ctx, func() error {
			for k := 0; k < n; k++ {
				if err := one(i + k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		i += n
		if o.Progress != nil {
			o.Progress(i)
		}
	}
	return out, nil
}

// concernOutcome records what the council reported back about a
// screening's concern, some working days later, within the national
// return's rules.
func concernOutcome(ctx context.Context, db *sqlite.DB, a kith.Actor, rng *rand.Rand, screeningID string, at, end time.Time) error {
	id, err := db.ScreeningConcernID(ctx, a, screeningID)
	if err != nil {
		return err
	}
	var o referral.ConcernOutcome
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	if rng.Float64() < 0.6 {
		o = referral.ConcernOutcome{Enquiry: "no_enquiry", Instead: pick(referral.InsteadValues)}
	} else {
		o = referral.ConcernOutcome{Enquiry: pick([]string{"s42_enquiry", "other_enquiry"}), MSPAsked: pick(referral.AskedValues),
			RiskAssessment: pick(referral.RiskAssessmentValues)}
		if o.MSPAsked == "asked_expressed" {
			o.MSPAchieved = pick(referral.AchievedValues)
		}
		if strings.HasPrefix(o.RiskAssessment, "risk_identified") || strings.HasPrefix(o.RiskAssessment, "inconclusive") {
			o.RiskOutcome = pick(referral.RiskOutcomeValues)
		}
	}
	if errs := o.Check(); len(errs) > 0 {
		return fmt.Errorf("generated concern outcome: %v", errs)
	}
	when := at.Add(time.Duration(24+rng.IntN(24*10)) * time.Hour)
	if when.After(end) {
		when = end
	}
	db.Now = func() time.Time { return when }
	_, err = db.RecordConcernOutcome(ctx, a, id, o)
	db.Now = func() time.Time { return at }
	return err
}

// Seed makes a site with the demo directory and the demo postcodes, when
// it has none, for tests and benchmarks that need somewhere to generate
// into (the service's own demo seeding also makes sign-ins).
func Seed(ctx context.Context, db *sqlite.DB, site, name string) error {
	a := kith.Actor{Site: site, Kind: "system", ID: "demo-seed"}
	if _, err := db.Site(ctx, site); kith.ErrorCode(err) == kith.ENOTFOUND {
		if err := db.CreateSite(ctx, a, app.NewSite(site, name, kith.SiteSettings{SafeguardingPhone: "0113 496 0000"})); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	return SeedDirectory(ctx, db, a, site)
}

// SeedDirectory loads the demo postcodes, and the demo directory into the
// site when it has no services yet.
func SeedDirectory(ctx context.Context, db *sqlite.DB, a kith.Actor, site string) error {
	pcs := assets.DemoPostcodes()
	rows := make([]app.Postcode, 0, len(pcs))
	for _, p := range pcs {
		rows = append(rows, app.Postcode{Postcode: p.Postcode, Latitude: p.Latitude, Longitude: p.Longitude})
	}
	if err := db.LoadPostcodes(ctx, rows); err != nil {
		return err
	}
	if _, n, err := db.ListServices(ctx, site, app.ServiceFilter{Page: kith.Page{Number: 1, Size: 1}}); err != nil {
		return err
	} else if n == 0 {
		if _, _, err := db.ImportServices(ctx, a, assets.DemoServicesAt(db.Now())); err != nil {
			return err
		}
	}
	return nil
}
