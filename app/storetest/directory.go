package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

func testDirectory(t *testing.T, f *fixture) {
	svc := f.service(t, 0)
	if svc.ID == "" || svc.Name == "" || svc.Email != "referrals@provider.example" {
		t.Fatalf("stored service: %+v", svc)
	}
	_, err := f.st.Directory.Service(f.ctx, "beta", svc.ID)
	wantCode(t, "another site's service", err, kith.ENOTFOUND)
	dup := svc
	wantCode(t, "a service id used twice", f.st.Directory.CreateService(f.ctx, f.lead, &dup), kith.ECONFLICT)
	items, total, err := f.st.Directory.ListServices(f.ctx, "alpha", app.ServiceFilter{Page: kith.Page{Number: 1, Size: 10}})
	if err != nil || total != 1 || items[0].ID != svc.ID {
		t.Fatalf("list services: %d %v", total, err)
	}
	hits, total, err := f.st.Directory.SearchServices(f.ctx, "alpha", app.Search{SearchFilter: assets.SearchFilter{Category: svc.Category}, Page: kith.Page{Number: 1, Size: 10}})
	if err != nil || total != 1 || hits[0].ID != svc.ID {
		t.Fatalf("search by category: %d %v", total, err)
	}
	if n, err := f.st.Directory.CountServicesInCategory(f.ctx, "alpha", svc.Category); err != nil || n != 1 {
		t.Fatalf("count in category: %d %v", n, err)
	}
	cands, err := f.st.Directory.Candidates(f.ctx, "alpha", []string{svc.Category}, nil, nil, 15)
	if err != nil || len(cands) != 1 {
		t.Fatalf("candidates: %d %v", len(cands), err)
	}
	svc.Name = "Renamed"
	must(t, "update service", f.st.Directory.UpdateService(f.ctx, f.lead, &svc))
	if got, _ := f.st.Directory.Service(f.ctx, "alpha", svc.ID); got.Name != "Renamed" {
		t.Fatalf("after update: %q", got.Name)
	}
	created, updated, err := f.st.Directory.ImportServices(f.ctx, f.lead, assets.DemoServicesAt(time.Now().UTC())[1:3])
	if err != nil || created != 2 || updated != 0 {
		t.Fatalf("import: %d created, %d updated, %v", created, updated, err)
	}
	must(t, "delete service", f.st.Directory.DeleteService(f.ctx, f.lead, svc.ID))
	if _, total, _ := f.st.Directory.ListServices(f.ctx, "alpha", app.ServiceFilter{Page: kith.Page{Number: 1, Size: 10}}); total != 2 {
		t.Fatalf("after delete: %d live services, want 2", total)
	}
}

func testPathways(t *testing.T, f *fixture) {
	v1, err := f.st.Pathways.PathwayVersion(f.ctx, "alpha", "default", 1)
	must(t, "the first version", err)
	doc, err := pathways.ParseDocument(v1.Document)
	must(t, "parse the first version", err)
	doc.Name = "Changed"
	body, _ := json.Marshal(doc)
	v2, err := f.st.Pathways.SavePathwayVersion(f.ctx, f.lead, "default", doc.Name, body)
	if err != nil || v2.Version != 2 {
		t.Fatalf("save: %+v %v", v2, err)
	}
	_, err = f.st.Pathways.PathwayVersion(f.ctx, "beta", "default", 2)
	wantCode(t, "another site's version", err, kith.ENOTFOUND)
	must(t, "activate", f.st.Pathways.ActivatePathway(f.ctx, f.lead, pathways.Active{PathwayID: "default", Version: 2}))
	act, ok, err := f.st.Pathways.ActivePathway(f.ctx, "alpha")
	if err != nil || !ok || act.Version != 2 {
		t.Fatalf("active: %+v %v %v", act, ok, err)
	}
	items, total, err := f.st.Pathways.ListPathways(f.ctx, "alpha", kith.Page{Number: 1, Size: 10})
	if err != nil || total != 1 || items[0].LatestVersion != 2 || !items[0].Active {
		t.Fatalf("list: %+v %d %v", items, total, err)
	}
}
