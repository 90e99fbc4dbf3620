package assets

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

func csvDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		files[e.Name()] = readTestdata(t, filepath.Join(dir, e.Name()))
	}
	return files
}

func TestParseCSVOfficialExamples(t *testing.T) {
	for _, dir := range []string{"hsds/uk-profile/csv", "hsds/hsds-3.0/csv"} {
		t.Run(dir, func(t *testing.T) {
			imp, err := ParseCSV(csvDir(t, dir), nil)
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if len(imp.Services) != 1 {
				t.Fatalf("got %d services", len(imp.Services))
			}
			s := imp.Services[0]
			if !hasWarning(imp.Warnings, "locations.csv[2].latitude", "100 is not a possible latitude") {
				t.Errorf("no coordinate warning in %+v", imp.Warnings)
			}
			if s.Organization.Name != "Example Organization Inc." || len(s.Locations) != 1 || s.Locations[0].Located ||
				s.Locations[0].PostalCode != "ABC 1234" || s.Cost.Amount == nil || *s.Cost.Amount != 35 ||
				len(s.Schedules) != 1 || len(s.Contacts) != 1 || s.Contacts[0].Phone != "+44 1234 234567" || len(s.Accessibility) != 1 {
				t.Errorf("joined service = %+v", s)
			}
			if errs := Validate(&s, nil); len(errs) > 0 {
				t.Errorf("imported service fails Validate: %v", errs)
			}
		})
	}
}

// kithCSV is a small directory in HSDS tables with Kith's attributes.
func kithCSV() map[string][]byte {
	return map[string][]byte{
		"services.csv": []byte("id,organization_id,name,description,status,minimum_age\n" +
			"s1,o1,Tea and Talk,\"A chat, and tea\",active,60\n" +
			"s2,o1,Phone Friends,Calls,active,\n"),
		"organizations.csv":       []byte("id,name,description\no1,Leeds Friends,A charity\n"),
		"locations.csv":           []byte("id,location_type,name,latitude,longitude\nl1,physical,Hall,53.7972,-1.5403\n"),
		"service_at_location.csv": []byte("id,service_id,location_id\nsal1,s1,l1\n"),
		"addresses.csv":           []byte("id,location_id,address_1,city,state_province,postal_code,country,address_type\na1,l1,Vicar Lane,Leeds,,ls2 7hy,GB,physical\n"),
		"phones.csv":              []byte("id,service_id,number\np1,s2,0113 496 0001\n"),
		"schedules.csv":           []byte("id,service_id,freq,byday,opens_at,closes_at\nsc1,s1,WEEKLY,\"MO,WE\",10:00:00,12:00:00\n"),
		"languages.csv":           []byte("id,service_id,name,code\nla1,s1,Urdu,ur\nla2,s2,Polish,\n"),
		"attributes.csv":          []byte("id,link_id,taxonomy_term_id\nat1,s1,t-cat-social\nat2,s1,t-rel-risk\nat3,s2,t-cat-phone\nat4,s2,t-cap-wait\nat5,s2,t-rel-risk\n"),
		"taxonomy_terms.csv": []byte("id,name,description,taxonomy,term\n" +
			"t-cat-social,category:social_group,Social group,kith,category:social_group\n" +
			"t-cat-phone,category:telephone_befriending,Telephone befriending,kith,category:telephone_befriending\n" +
			"t-cap-wait,capacity:waiting_list,Waiting list,kith,capacity:waiting_list\n" +
			"t-rel-risk,relationship:risk_factor,Risk factor,kith,relationship:risk_factor\n"),
	}
}

func TestParseCSVJoinsKithFields(t *testing.T) {
	imp, err := ParseCSV(kithCSV(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Service{{
		ID: "s1", Name: "Tea and Talk", Description: "A chat, and tea", Status: "active",
		Organization: Organization{ID: "o1", Name: "Leeds Friends", Description: "A charity"},
		Locations: []Location{{ID: "l1", Name: "Hall", Address1: "Vicar Lane", City: "Leeds", PostalCode: "LS2 7HY", Country: "GB",
			Latitude: ptr(53.7972), Longitude: ptr(-1.5403), Located: true}},
		Latitude: ptr(53.7972), Longitude: ptr(-1.5403),
		Schedules:     []Schedule{{Freq: "WEEKLY", ByDay: "MO,WE", OpensAt: "10:00", ClosesAt: "12:00"}},
		Cost:          Cost{Free: true},
		Eligibility:   Eligibility{MinimumAge: ptr(60)},
		Languages:     []string{"ur"},
		Relationships: []string{"risk_factor"}, Category: "social_group", Capacity: "open",
	}, {
		ID: "s2", Name: "Phone Friends", Description: "Calls", Status: "active",
		Organization:  Organization{ID: "o1", Name: "Leeds Friends", Description: "A charity"},
		Phones:        []Phone{{Number: "0113 496 0001"}},
		Cost:          Cost{Free: true},
		Languages:     []string{"pl"},
		Relationships: []string{"risk_factor"}, Category: "telephone_befriending", Capacity: "waiting_list",
	}}
	if diff := cmp.Diff(want, imp.Services); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	if !hasWarning(imp.Warnings, "services.csv[2].attributes", `"open" was assumed`) {
		t.Errorf("no capacity warning for row 2 in %+v", imp.Warnings)
	}
}

func TestParseCSVProblemsNameFileAndRow(t *testing.T) {
	tests := []struct {
		name   string
		change func(map[string][]byte)
		code   string
		want   []kith.FieldError
	}{
		{"bad values", func(f map[string][]byte) {
			f["services.csv"] = []byte("id,name,status,minimum_age\ns1,,active,60\ns2,Calls,open,sixty\n")
			f["locations.csv"] = []byte("id,location_type,name,latitude,longitude\nl1,physical,Hall,north,-1.5\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "locations.csv[2].latitude", Message: "must be a number"},
			{Field: "services.csv[2].name", Message: "is required"},
			{Field: "services.csv[3].minimum_age", Message: "must be a number"},
			{Field: "services.csv[3].status", Message: `must be one of "active", "inactive", "defunct", "temporarily closed"`},
		}},
		{"unknown Kith code", func(f map[string][]byte) {
			f["taxonomy_terms.csv"] = []byte("id,taxonomy,term\nt-cat-social,kith,category:knitting\nt-rel-risk,kith,relationship:lonely\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "taxonomy_terms.csv[3].term", Message: `"lonely" is not a known relationship: use one of "risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"`},
			{Field: "taxonomy_terms.csv[2].term", Message: `"knitting" is not a known category`},
		}},
		{"ragged rows", func(f map[string][]byte) {
			f["phones.csv"] = []byte("id,service_id,number\np1,s2\np2,s2,0113,extra\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "phones.csv[2]", Message: "has 2 fields where the header has 3"},
			{Field: "phones.csv[3]", Message: "has 4 fields where the header has 3"},
		}},
		{"bad quoting", func(f map[string][]byte) {
			f["services.csv"] = []byte("id,name\ns1,\"Tea and \"Talk\"\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv[2]", Message: `line 2, column 13: extraneous or missing " in quoted-field`},
		}},
		{"missing columns", func(f map[string][]byte) {
			f["services.csv"] = []byte("identifier,title\ns1,Tea\n")
			f["locations.csv"] = []byte("name\nHall\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv", Message: `has no "id" column`},
			{Field: "services.csv", Message: `has no "name" column`},
			{Field: "locations.csv", Message: `has no "id" column`},
		}},
		{"no services", func(f map[string][]byte) { delete(f, "services.csv") }, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv", Message: "is required"},
		}},
		{"empty and repeated columns", func(f map[string][]byte) {
			f["services.csv"] = nil
			f["phones.csv"] = []byte("id,number,number\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv", Message: "is empty: it needs a header row naming the columns"},
			{Field: "phones.csv", Message: `has the column "number" twice`},
		}},
		{"not UTF-8", func(f map[string][]byte) { f["services.csv"] = []byte("id,name\ns1,Caf\xe9\n") }, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv", Message: "is not UTF-8 text: save it as CSV UTF-8"},
		}},
		{"two files of one name", func(f map[string][]byte) {
			f["export/services.csv"] = f["services.csv"]
		}, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv", Message: "has the same name as export/services.csv"},
		}},
		{"repeated ids", func(f map[string][]byte) {
			f["services.csv"] = []byte("id,name,status\ns1,A,active\ns1,B,active\n")
		}, kith.EINVALID, []kith.FieldError{
			{Field: "services.csv[3].id", Message: `"s1" is also the id of services.csv[2]`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := kithCSV()
			tt.change(files)
			imp, err := ParseCSV(files, nil)
			if imp != nil {
				t.Errorf("imported %d services from bad files", len(imp.Services))
			}
			if kith.ErrorCode(err) != tt.code {
				t.Fatalf("error = %v, want %s", err, tt.code)
			}
			if diff := cmp.Diff(tt.want, kith.FieldErrors(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCSVWarnsAboutBrokenLinks(t *testing.T) {
	files := kithCSV()
	files["service_at_location.csv"] = []byte("id,service_id,location_id\nsal1,s1,nowhere\n")
	files["attributes.csv"] = append(files["attributes.csv"], []byte("at6,s1,no-such-term\n")...)
	files["services.csv"] = []byte("id,organization_id,name,status\ns1,o9,Tea,active\n")
	imp, err := ParseCSV(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"service_at_location.csv[2].location_id", "attributes.csv[7].taxonomy_term_id", "services.csv[2].organization_id"} {
		if !hasWarning(imp.Warnings, f, "names no row") {
			t.Errorf("no warning for %s in %+v", f, imp.Warnings)
		}
	}
}

func zipOf(t testing.TB, files map[string][]byte, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseZip(t *testing.T) {
	official := map[string][]byte{"README.md": []byte("ignored"), "export/datapackage.json": []byte("{}")}
	for name, data := range csvDir(t, "hsds/hsds-3.0/csv") {
		official["export/"+name] = data
	}
	imp, err := ParseZip(zipOf(t, official, zip.Deflate), nil)
	if err != nil || len(imp.Services) != 1 {
		t.Fatalf("official CSV in a zip: %v", err)
	}

	bomb := map[string][]byte{"services.csv": append([]byte("id,name\n"), bytes.Repeat([]byte("0"), maxZipBytes+1)...)}
	many := map[string][]byte{}
	for i := range maxZipFiles + 1 {
		many[strings.Repeat("x", i+1)+".txt"] = nil
	}
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"zip bomb", zipOf(t, bomb, zip.Deflate), kith.ETOOLARGE},
		{"too many entries", zipOf(t, many, zip.Store), kith.ETOOLARGE},
		{"not a zip", []byte("id,name\ns1,Tea\n"), kith.EBADREQUEST},
		{"no services", zipOf(t, map[string][]byte{"phones.csv": []byte("id,number\n")}, zip.Deflate), kith.EINVALID},
		{"two services files", zipOf(t, map[string][]byte{"a/services.csv": []byte("id,name\n"), "b/services.csv": []byte("id,name\n")}, zip.Deflate), kith.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.data) > maxZipBytes/10 && tt.code == kith.ETOOLARGE {
				t.Fatalf("the bomb should be small compressed, is %d bytes", len(tt.data))
			}
			_, err := ParseZip(tt.data, nil)
			if kith.ErrorCode(err) != tt.code {
				t.Errorf("error = %v, want %s", err, tt.code)
			}
		})
	}
}
