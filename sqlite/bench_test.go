package sqlite

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
)

// The directory benchmarks share one database of 100,000 generated services
// spread over England, built once per run.
var (
	benchOnce sync.Once
	benchDB   *DB
	benchErr  error
	benchRate float64
)

const benchServices = 100_000

func benchDirectory(b *testing.B) *DB {
	benchOnce.Do(func() {
		ctx := context.Background()
		dir, err := osMkdirTemp()
		if err != nil {
			benchErr = err
			return
		}
		benchDB, benchErr = Open(ctx, filepath.Join(dir, "bench.db"))
		if benchErr != nil {
			return
		}
		a := kith.Actor{Site: "bench", Kind: "system", ID: "bench"}
		if benchErr = benchDB.CreateSite(ctx, a, app.NewSite("bench", "Bench", kith.SiteSettings{})); benchErr != nil {
			return
		}
		svcs := assets.GenerateServices(benchServices, 1)
		start := time.Now()
		_, _, benchErr = benchDB.ImportServices(ctx, a, svcs)
		benchRate = float64(len(svcs)) / time.Since(start).Seconds()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

// centres are random search centres inside the generated area.
func centres(n int) [][2]float64 {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([][2]float64, n)
	for i := range out {
		out[i] = [2]float64{50.5 + rng.Float64()*4.8, -4.8 + rng.Float64()*6.3}
	}
	return out
}

func reportPercentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	ms := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}

// BenchmarkDirectorySearch compares a 10 km search through the R*Tree with
// a scan of every located service in the same database.
func BenchmarkDirectorySearch(b *testing.B) {
	db := benchDirectory(b)
	b.Logf("import rate: %.0f services/s", benchRate)
	ctx := context.Background()
	pts := centres(512)
	b.Run("index", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			p := pts[i%len(pts)]
			i++
			start := time.Now()
			lat, lon := p[0], p[1]
			_, _, err := db.SearchServices(ctx, "bench", app.Search{SearchFilter: assets.SearchFilter{Lat: &lat, Lon: &lon, RadiusKm: 10},
				Now: time.Now(), Page: kith.Page{Number: 1, Size: 20}})
			if err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		reportPercentiles(b, d)
	})
	b.Run("scan", func(b *testing.B) {
		d := make([]time.Duration, 0, b.N)
		i := 0
		for b.Loop() {
			p := pts[i%len(pts)]
			i++
			start := time.Now()
			if _, err := db.BruteForceNearest(ctx, "bench", p[0], p[1], 10); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		reportPercentiles(b, d)
	})
}

// TestIndexAgreesWithScan checks on generated data that the spatial index
// finds exactly what a scan of every row finds.
func TestIndexAgreesWithScan(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "system", ID: "test"}
	if _, _, err := db.ImportServices(ctx, a, assets.GenerateServices(3000, 3)); err != nil {
		t.Fatal(err)
	}
	for _, p := range centres(40) {
		lat, lon := p[0], p[1]
		hits, total, err := db.SearchServices(ctx, "s", app.Search{SearchFilter: assets.SearchFilter{Lat: &lat, Lon: &lon, RadiusKm: 40},
			Now: time.Now(), Page: kith.Page{Number: 1, Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.BruteForceNearest(ctx, "s", lat, lon, 40)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(want) {
			t.Fatalf("at %v: index found %d, scan %d", p, total, len(want))
		}
		got := map[string]bool{}
		for _, h := range hits {
			got[h.ID] = true
		}
		if len(want) <= 100 {
			for _, id := range want {
				if !got[id] {
					t.Fatalf("index missed %s", id)
				}
			}
		}
	}
}

// BenchmarkImport measures storing generated services in one import (the
// parsing is measured in the assets package).
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	svcs := assets.GenerateServices(5000, 9)
	for b.Loop() {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		a := kith.Actor{Site: "s", Kind: "system", ID: "bench"}
		if err := db.CreateSite(ctx, a, app.NewSite("s", "S", kith.SiteSettings{})); err != nil {
			b.Fatal(err)
		}
		batch := slices.Clone(svcs)
		b.StartTimer()
		if _, _, err := db.ImportServices(ctx, a, batch); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(svcs)*b.N)/b.Elapsed().Seconds(), "services/s")
}
