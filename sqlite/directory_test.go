package sqlite

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// candidateSet is what a candidate search found: each service's distance
// (-1 for none).
func candidateSet(cs []pathways.Candidate) map[string]float64 {
	out := map[string]float64{}
	for _, c := range cs {
		d := -1.0
		if c.DistanceKm != nil {
			d = *c.DistanceKm
		}
		out[c.Service.ID] = d
	}
	return out
}

// The in-memory directory finds exactly what the spatial index finds.
func TestDirectorySnapshotAgreesWithIndex(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "system", ID: "test"}
	svcs := assets.GenerateServices(2000, 5)
	// Some services with no place at all, which work by phone or online.
	for i := 0; i < len(svcs); i += 7 {
		svcs[i].Latitude, svcs[i].Longitude = nil, nil
		svcs[i].Locations = nil
	}
	if _, _, err := db.ImportServices(ctx, a, svcs); err != nil {
		t.Fatal(err)
	}
	cats := assets.CategoryCodes()
	for i, p := range centres(30) {
		lat, lon := p[0], p[1]
		want := cats[i%len(cats) : i%len(cats)+1]
		if i%3 == 0 {
			want = cats
		}
		for _, loc := range [][2]*float64{{&lat, &lon}, {nil, nil}} {
			got, err := db.Candidates(ctx, "s", want, loc[0], loc[1], 25)
			if err != nil {
				t.Fatal(err)
			}
			idx, err := db.indexedCandidates(ctx, "s", want, loc[0], loc[1], 25)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(candidateSet(idx), candidateSet(got)); diff != "" {
				t.Fatalf("at %v, categories %v: memory differs from index (-index +memory):\n%s", p, want, diff)
			}
		}
	}
}

// A change to the directory, from this process or another (the CLI), is
// seen by the next search.
func TestDirectorySnapshotSeesChanges(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "system", ID: "test"}
	svcs := assets.GenerateServices(50, 6)
	if _, _, err := db.ImportServices(ctx, a, svcs); err != nil {
		t.Fatal(err)
	}
	cats := assets.CategoryCodes()
	ids := func() map[string]float64 {
		t.Helper()
		got, err := db.Candidates(ctx, "s", cats, nil, nil, 25)
		if err != nil {
			t.Fatal(err)
		}
		return candidateSet(got)
	}
	if n := len(ids()); n != len(svcs) {
		t.Fatalf("%d candidates, want %d", n, len(svcs))
	}
	// Another process (the CLI) deletes one service and moves another.
	other, err := Open(ctx, db.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.DeleteService(ctx, a, svcs[0].ID); err != nil {
		t.Fatal(err)
	}
	moved := svcs[1]
	moved.Name = "Moved"
	if err := other.UpdateService(ctx, a, &moved); err != nil {
		t.Fatal(err)
	}
	other.Close()
	got := ids()
	if _, ok := got[svcs[0].ID]; ok {
		t.Fatal("a service deleted by another process is still offered")
	}
	found, err := db.Candidates(ctx, "s", []string{moved.Category}, nil, nil, 25)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range found {
		if c.Service.ID == moved.ID && c.Service.Name != "Moved" {
			t.Fatalf("a service changed by another process is offered as it was: %q", c.Service.Name)
		}
	}
	// And a change made here.
	if err := db.DeleteService(ctx, a, svcs[2].ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := ids()[svcs[2].ID]; ok {
		t.Fatal("a deleted service is still offered")
	}
}

// A directory larger than the in-memory limit is searched through the index.
func TestDirectoryTooLargeUsesIndex(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	a := kith.Actor{Site: "s", Kind: "system", ID: "test"}
	if _, _, err := db.ImportServices(ctx, a, assets.GenerateServices(snapshotLimit+1, 8)); err != nil {
		t.Fatal(err)
	}
	snap, err := db.directory(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if !snap.tooLarge || len(snap.services) != 0 {
		t.Fatalf("snapshot of %d services held in memory", snapshotLimit+1)
	}
	lat, lon := 53.8, -1.55
	got, err := db.Candidates(ctx, "s", assets.CategoryCodes(), &lat, &lon, 25)
	if err != nil || len(got) == 0 {
		t.Fatalf("candidates: %d, %v", len(got), err)
	}
}
