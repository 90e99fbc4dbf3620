package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/sqlite"
)

// The same demo directory searched on both backends finds the same
// services at the same distances: by place and radius (ordered nearest
// first), with filters, by text (the same set: bm25 and ts_rank order
// matches differently), and as a pathway's candidates.
func TestDirectorySearchMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, _ := openStores(t)
	cli := kith.Actor{Kind: "cli", ID: "test"}
	lead := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	now := time.Date(2026, 11, 2, 10, 30, 0, 0, time.UTC) // a Monday morning
	stores := map[string]app.Stores{"sqlite": lite.Stores(), "postgres": pg.Stores()}
	for name, st := range stores {
		if err := st.Sites.CreateSite(ctx, cli, app.NewSite("alpha", "Alpha", kith.SiteSettings{})); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, _, err := st.Directory.ImportServices(ctx, lead, assets.DemoServicesAt(now)); err != nil {
			t.Fatalf("%s: import: %v", name, err)
		}
	}
	var searches []app.Search
	for _, pc := range assets.DemoPostcodes() {
		for _, r := range []float64{0.5, 2, 10} {
			lat, lon := pc.Latitude, pc.Longitude
			searches = append(searches, app.Search{SearchFilter: assets.SearchFilter{Lat: &lat, Lon: &lon, RadiusKm: r}})
		}
	}
	lat, lon, age := 53.7997, -1.5492, 70
	for _, f := range []assets.SearchFilter{
		{FreeOnly: true}, {Age: &age}, {Language: "pa"}, {Relationship: "risk_factor"}, {SupportToAttend: "transport"},
		{Lat: &lat, Lon: &lon, RadiusKm: 5, FreeOnly: true}, {OpenNow: true}, {Lat: &lat, Lon: &lon, RadiusKm: 3, OpenNow: true},
	} {
		searches = append(searches, app.Search{SearchFilter: f})
	}
	for _, s := range searches {
		s.Now, s.Page = now, kith.Page{Number: 1, Size: 500}
		want, wantN, err := stores["sqlite"].Directory.SearchServices(ctx, "alpha", s)
		if err != nil {
			t.Fatal(err)
		}
		got, gotN, err := stores["postgres"].Directory.SearchServices(ctx, "alpha", s)
		if err != nil {
			t.Fatalf("postgres: search %+v: %v", s.SearchFilter, err)
		}
		if w, g := hitList(want), hitList(got); w != g || wantN != gotN {
			t.Errorf("search %+v:\n sqlite   %d %s\n postgres %d %s", s.SearchFilter, wantN, w, gotN, g)
		}
	}
	for _, q := range []string{"lunch", "walking group", "befriending calls", "Tea", "café", "cafe", "garden", "the"} {
		s := app.Search{SearchFilter: assets.SearchFilter{Q: q}, Now: now, Page: kith.Page{Number: 1, Size: 500}}
		want, _, err := stores["sqlite"].Directory.SearchServices(ctx, "alpha", s)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := stores["postgres"].Directory.SearchServices(ctx, "alpha", s)
		if err != nil {
			t.Fatal(err)
		}
		if w, g := sortedIDs(want), sortedIDs(got); w != g {
			t.Errorf("text %q:\n sqlite   %s\n postgres %s", q, w, g)
		}
	}
	checkCandidatesMatch(t, stores)
}

func checkCandidatesMatch(t *testing.T, stores map[string]app.Stores) {
	ctx := context.Background()
	cats := map[string]bool{}
	for _, s := range assets.DemoServices() {
		cats[s.Category] = true
	}
	var all []string
	for c := range cats {
		all = append(all, c)
	}
	sort.Strings(all)
	for _, pc := range append(assets.DemoPostcodes(), assets.Postcode{}) {
		var lat, lon *float64
		if pc.Postcode != "" {
			lat, lon = &pc.Latitude, &pc.Longitude
		}
		for _, cs := range [][]string{all, all[:1], all[len(all)/2:]} {
			list := map[string]string{}
			for name, st := range stores {
				cands, err := st.Directory.Candidates(ctx, "alpha", cs, lat, lon, 5)
				if err != nil {
					t.Fatalf("%s: candidates: %v", name, err)
				}
				var parts []string
				for _, c := range cands {
					parts = append(parts, c.Service.ID+"@"+km(c.DistanceKm))
				}
				sort.Strings(parts)
				list[name] = strings.Join(parts, " ")
			}
			if list["sqlite"] != list["postgres"] {
				t.Errorf("candidates at %q in %v:\n sqlite   %s\n postgres %s", pc.Postcode, cs, list["sqlite"], list["postgres"])
			}
		}
	}
}

func km(d *float64) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *d)
}

func hitList(hits []app.SearchHit) string {
	var parts []string
	for _, h := range hits {
		parts = append(parts, fmt.Sprintf("%s@%s", h.ID, km(h.DistanceKm)))
	}
	return strings.Join(parts, " ")
}

func sortedIDs(hits []app.SearchHit) string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	sort.Strings(ids)
	return strings.Join(ids, " ")
}
