package postgres_test

import (
	"context"
	"math/rand/v2"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/postgres"
)

// The distance search benchmark: 100,000 generated services spread over
// England in one site, searched within 10 km of random centres, through
// the location index (service_locations_box) and two ways without it:
//
//   - noindex: the very same SearchServices query on a connection where
//     the planner may not use an index (enable_indexscan, _bitmapscan and
//     _indexonlyscan off), so PostgreSQL reads every location row;
//   - scan: every located service of the site read and its distance worked
//     out one by one (what a store without a spatial index does, and what
//     package sqlite's benchmark calls its scan).
//
// Run: go test ./postgres -run XXX -bench BenchmarkDirectorySearch -benchtime 300x -timeout 30m
// (docs/benchmarks.md has the figures).

const benchServices = 100_000

// benchDirectory makes the benchmark's database on b's server, dropped
// when b ends, and returns its URL.
func benchDirectory(b *testing.B) (string, float64) {
	ctx := context.Background()
	u := pgtest.NewDatabase(b)
	db, err := postgres.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a := kith.Actor{Site: "bench", Kind: "system", ID: "bench"}
	if err := db.CreateSite(ctx, a, app.NewSite("bench", "Bench", kith.SiteSettings{})); err != nil {
		b.Fatal(err)
	}
	svcs := assets.GenerateServices(benchServices, 1)
	start := time.Now()
	if _, _, err := db.ImportServices(ctx, a, svcs); err != nil {
		b.Fatal(err)
	}
	return u, float64(len(svcs)) / time.Since(start).Seconds()
}

func benchCentres(n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([][2]float64, n)
	for i := range out {
		out[i] = [2]float64{50.5 + rng.Float64()*4.8, -4.8 + rng.Float64()*6.3}
	}
	return out
}

func benchPercentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	ms := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}

// withoutIndexes is u with the planner's index scans turned off for every
// connection it opens.
func withoutIndexes(b *testing.B, u string) string {
	p, err := url.Parse(u)
	if err != nil {
		b.Fatal(err)
	}
	q := p.Query()
	for _, k := range []string{"enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"} {
		q.Set(k, "off")
	}
	p.RawQuery = q.Encode()
	return p.String()
}

func BenchmarkDirectorySearch(b *testing.B) {
	u, rate := benchDirectory(b)
	b.Logf("import rate: %.0f services/s", rate)
	ctx := context.Background()
	pts := benchCentres(512)
	search := func(b *testing.B, u string) {
		db, err := postgres.Open(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		d := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			p := pts[i%len(pts)]
			i++
			lat, lon := p[0], p[1]
			start := time.Now()
			if _, _, err := db.SearchServices(ctx, "bench", app.Search{SearchFilter: assets.SearchFilter{Lat: &lat, Lon: &lon, RadiusKm: 10},
				Now: time.Now(), Page: kith.Page{Number: 1, Size: 20}}); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		benchPercentiles(b, d)
	}
	b.Run("index", func(b *testing.B) { search(b, u) })
	b.Run("noindex", func(b *testing.B) { search(b, withoutIndexes(b, u)) })
	b.Run("scan", func(b *testing.B) {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		d := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			p := pts[i%len(pts)]
			i++
			start := time.Now()
			if n := scanNearest(b, conn, p[0], p[1], 10); n < 0 {
				b.Fatal("no count")
			}
			d = append(d, time.Since(start))
		}
		benchPercentiles(b, d)
	})
}

// scanNearest counts the site's live services with a place within km of
// (lat, lon) by reading every located service.
func scanNearest(b *testing.B, conn *pgx.Conn, lat, lon, km float64) int {
	rows, err := conn.Query(context.Background(), `SELECT s.pk, l.latitude, l.longitude FROM service_locations l
		JOIN services s ON s.pk = l.service_pk WHERE l.site_id = 'bench' AND s.deleted_at IS NULL`)
	if err != nil {
		b.Fatal(err)
	}
	near := map[int64]bool{}
	var pk int64
	var la, lo float64
	if _, err := pgx.ForEachRow(rows, []any{&pk, &la, &lo}, func() error {
		if assets.DistanceKm(lat, lon, la, lo) <= km {
			near[pk] = true
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return len(near)
}
