package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/internal/gen"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

// runDemoGenerate makes realistic screenings and referrals for the demo
// site, spread over the past year, for trying the reports and measuring
// them. Deterministic for a seed.
func runDemoGenerate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("demo generate", stderr, getenv)
	n := fs.Int("screenings", 1000, "how many screenings to make")
	seed := fs.Int64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 5_000_000 {
		return fmt.Errorf("demo generate: --screenings must be from 1 to 5,000,000")
	}
	db, err := sqlite.OpenBulk(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := seedDemo(ctx, db, discardLog()); err != nil {
		return err
	}
	site, err := db.Site(ctx, demoSite)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(*seed), 7))
	end := time.Now().UTC()
	start := end.AddDate(-1, 0, 0)
	real := db.Now
	defer func() { db.Now = real }()
	a := kith.Actor{Site: demoSite, Kind: "system", ID: "demo-generate", Role: kith.RoleLead}
	services, _, err := db.ListServices(ctx, demoSite, sqlite.ServiceFilter{Page: kith.Page{Number: 1, Size: 100}})
	if err != nil {
		return err
	}
	made, referred := 0, 0
	for i := 0; i < *n; i++ {
		at := start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
		db.Now = func() time.Time { return at }
		req := gen.Screening(rng, i)
		res, err := screening.Assess(req, screening.Options{SafeguardingPhone: site.Settings.SafeguardingPhone, SiteName: site.Name})
		if err != nil {
			return fmt.Errorf("generated screening %d: %w", i, err)
		}
		canon, _ := json.Marshal(req)
		hash := sha256.Sum256(canon)
		loc := sqlite.Location{Source: "unknown"}
		if lat, lon, ok, err := db.LocatePostcode(ctx, req.Person.Postcode); err == nil && ok {
			loc = sqlite.Location{Latitude: &lat, Longitude: &lon, Source: "postcode"}
		}
		st, _, err := db.CreateScreening(ctx, a, sqlite.NewScreening{RequestHash: hash[:], Request: req, Result: res, Location: loc})
		if err != nil {
			return err
		}
		made++
		if res.Consent.Refer != screening.Yes || rng.Float64() > 0.45 {
			continue
		}
		svc := services[rng.IntN(len(services))]
		id, err := db.CreateReferral(ctx, a, st.ID, svc.ID)
		if err != nil {
			return err
		}
		referred++
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
			if _, err := db.Transition(ctx, a, id, m); err != nil {
				return fmt.Errorf("generated referral: %w", err)
			}
		}
		if made%10000 == 0 {
			fmt.Fprintf(stderr, "%d screenings...\n", made)
		}
	}
	fmt.Fprintf(stdout, "made %d screenings and %d referrals for the demo site\n", made, referred)
	return nil
}
