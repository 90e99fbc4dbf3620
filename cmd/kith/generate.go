package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kith-project/kith/internal/demodata"
	"github.com/kith-project/kith/sqlite"
)

// runDemoGenerate makes realistic screenings and referrals for the demo
// site, spread over the past year, for trying the reports and measuring
// them. Deterministic for a seed.
func runDemoGenerate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("demo generate", stderr, getenv)
	n := fs.Int("screenings", 1000, "how many screenings to make")
	seed := fs.Int64("seed", 1, "random seed")
	pilot := fs.Bool("pilot", false, "record pathway versions, with a pilot of two arms in the second half of the year")
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
	began := time.Now()
	res, err := demodata.Generate(ctx, db, demoSite, demodata.Options{Screenings: *n, Seed: *seed, Pilot: *pilot,
		Progress: func(made int) {
			if made%100_000 == 0 {
				fmt.Fprintf(stderr, "%d screenings...\n", made)
			}
		}})
	if err != nil {
		return err
	}
	secs := time.Since(began).Seconds()
	fmt.Fprintf(stdout, "made %d screenings and %d referrals for the demo site in %.0f s (%.0f screenings/s)\n",
		res.Screenings, res.Referrals, secs, float64(res.Screenings)/secs)
	return nil
}
