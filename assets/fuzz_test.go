package assets

import (
	"archive/zip"
	"errors"
	"testing"

	"github.com/kith-project/kith"
)

// checkImport holds what every import must guarantee, whatever the input:
// a *kith.Error on failure, and on success services that pass Kith's own
// validation and publish as valid ORUK.
func checkImport(t *testing.T, imp *Import, err error) {
	t.Helper()
	if err != nil {
		var ke *kith.Error
		if !errors.As(err, &ke) || ke.Code == kith.EINTERNAL {
			t.Fatalf("error %T %v is not a client *kith.Error", err, err)
		}
		if imp != nil {
			t.Fatal("an import with an error returned services")
		}
		return
	}
	for _, s := range imp.Services {
		if errs := Validate(&s, nil); len(errs) > 0 {
			t.Fatalf("imported service fails Validate: %v", errs)
		}
		if err := ValidateORUKService(mustJSON(t, ToORUK(s))); err != nil {
			t.Fatalf("imported service does not publish as ORUK: %v", err)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add(readTestdata(f, "hsds/uk-profile/service_full.json"))
	f.Add(kithService(nil, "category:befriending", "relationship:carers"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ParseJSON(data, nil)
		checkImport(t, imp, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add(kithCSV()["services.csv"])
	f.Fuzz(func(t *testing.T, services []byte) {
		files := kithCSV()
		files["services.csv"] = services
		imp, err := ParseCSV(files, nil)
		checkImport(t, imp, err)
	})
}

func FuzzParseZip(f *testing.F) {
	f.Add(zipOf(f, kithCSV(), zip.Deflate))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ParseZip(data, nil)
		checkImport(t, imp, err)
	})
}
