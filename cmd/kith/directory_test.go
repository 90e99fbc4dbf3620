package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/sqlite"
)

func TestAssetsImportAndPostcodesLoad(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kith.db")
	if _, err := runKith(t, "", "site", "create", "--db", db, "--id", "north", "--name", "North"); err != nil {
		t.Fatal(err)
	}
	out, err := runKith(t, "", "assets", "import", "--db", db, "--site", "north", "../../assets/testdata/hsds/uk-profile/service_full.json")
	if err != nil || !strings.Contains(out, "imported 1 services: 1 new") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`[{"id":"x"}]`), 0o644)
	if _, err := runKith(t, "", "assets", "import", "--db", db, "--site", "north", bad); err == nil {
		t.Fatal("an invalid document imported")
	}
	csv := filepath.Join(dir, "onspd.csv")
	os.WriteFile(csv, []byte("pcd,pcd2,pcds,lat,long\nLS1  4AP,LS1  4AP,LS1 4AP,53.796600,-1.546700\nZZ99 9ZZ,ZZ99 9ZZ,GIR 0AA,99.999999,0.000000\n"), 0o644)
	out, err = runKith(t, "", "postcodes", "load", "--db", db, csv)
	if err != nil || !strings.Contains(out, "loaded 1 postcodes") {
		t.Fatalf("postcodes load: %q %v", out, err)
	}
	d, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if lat, _, ok, err := d.LocatePostcode(context.Background(), "LS1 4AP"); err != nil || !ok || lat != 53.7966 {
		t.Fatalf("LS1 4AP = %v %v %v", lat, ok, err)
	}
	if _, total, err := d.ListServices(context.Background(), "north", app.ServiceFilter{Page: kith.Page{Number: 1, Size: 10}}); err != nil || total != 1 {
		t.Fatalf("services = %d %v", total, err)
	}
	os.WriteFile(csv, []byte("postcode,lat\nLS1 4AP,53\n"), 0o644)
	if _, err := runKith(t, "", "postcodes", "load", "--db", db, csv); err == nil {
		t.Fatal("a CSV without the ONSPD columns loaded")
	}
}

func TestDemoGenerate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	out, err := runKith(t, "", "demo", "generate", "--db", db, "--screenings", "50")
	if err != nil || !strings.Contains(out, "made 50 screenings") {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := runKith(t, "", "demo", "generate", "--db", db, "--screenings", "0"); err == nil {
		t.Fatal("0 screenings accepted")
	}
	if out, err := runKith(t, "", "reports", "rebuild", "--db", db); err != nil || !strings.Contains(out, "report aggregates rebuilt") {
		t.Fatalf("reports rebuild: %q %v", out, err)
	}
}
