package person

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

func mergePair() (kept, absorbed Person) {
	kept = Person{
		ID: "p1", Site: "north", Name: "Zoë Müller",
		AgeGiven: 78, AgeGivenOn: Date{2026, 3, 1},
		Address:   Address{Lines: []string{"14 Cardigan Road"}, Town: "Leeds", Postcode: "LS6 1LF"},
		Languages: []string{"de"},
		Needs:     Needs{Formats: []string{"large_print_20"}, Contact: []string{"phone"}},
	}
	absorbed = Person{
		ID: "p2", Site: "north", Name: "Zoe Mueller", NameLatin: "Zoe Mueller",
		BirthDate: Date{1948, 3, 7}, NHSNumber: "9434765919",
		Address:         Address{Lines: []string{"Flat 3", "14 Cardigan Rd"}, Town: "Leeds", Postcode: "LS6 1LF", UPRN: "72123"},
		Phone:           "0113 496 0123",
		Languages:       []string{"en", "de"},
		Needs:           Needs{Formats: []string{"easy_read", "large_print_20"}, Interpreter: "de", Contact: []string{"letter", "phone"}},
		Characteristics: Characteristics{Gender: "female"},
	}
	return kept, absorbed
}

func TestMerge(t *testing.T) {
	kept, absorbed := mergePair()
	links := []Link{{"screening", "s9"}, {"referral", "r4"}}
	m, err := Merge(kept, absorbed, links)
	if err != nil {
		t.Fatal(err)
	}
	want := Person{
		ID: "p1", Site: "north", Name: "Zoë Müller", NameLatin: "Zoe Mueller",
		// The kept record's age, not a date of birth pieced in beside it.
		AgeGiven: 78, AgeGivenOn: Date{2026, 3, 1},
		NHSNumber: "9434765919",
		// The kept record's address whole, not a mixture.
		Address:         Address{Lines: []string{"14 Cardigan Road"}, Town: "Leeds", Postcode: "LS6 1LF"},
		Phone:           "0113 496 0123",
		Languages:       []string{"de", "en"},
		Needs:           Needs{Formats: []string{"large_print_20", "easy_read"}, Interpreter: "de", Contact: []string{"phone", "letter"}},
		Characteristics: Characteristics{Gender: "female"},
	}
	if diff := cmp.Diff(want, m.Person); diff != "" {
		t.Errorf("merged person (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"name", "birth_date", "address"}, m.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Undo{Kept: kept, Absorbed: absorbed, Result: m.Person, Moved: links}, m.Undo); diff != "" {
		t.Errorf("undo (-want +got):\n%s", diff)
	}
}

func TestMergeUndoRoundTrip(t *testing.T) {
	kept, absorbed := mergePair()
	links := []Link{{"screening", "s9"}, {"letter", "l2"}}
	m, err := Merge(kept, absorbed, links)
	if err != nil {
		t.Fatal(err)
	}
	k, a, back, err := Unmerge(m.Person, m.Undo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(kept, k); diff != "" {
		t.Errorf("kept after undo (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(absorbed, a); diff != "" {
		t.Errorf("absorbed after undo (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(links, back); diff != "" {
		t.Errorf("links moved back (-want +got):\n%s", diff)
	}
	if got := ChangedSinceMerge(m.Person, m.Undo); got != nil {
		t.Errorf("ChangedSinceMerge right after = %v", got)
	}
	// The merge did not alter its inputs (lists are copies, not shared).
	k2, a2 := mergePair()
	if !cmp.Equal(kept, k2) || !cmp.Equal(absorbed, a2) {
		t.Error("Merge changed the records it was given")
	}
}

// Every pair of the test people round-trips, whichever is kept.
func TestMergeUndoRoundTripAllPairs(t *testing.T) {
	kept, absorbed := mergePair()
	blank := Person{ID: "p3", Site: "north", Name: "Z"}
	full := adult()
	full.ID, full.NHSNumber = "p4", ""
	people := []Person{kept, absorbed, blank, full}
	for _, x := range people {
		for _, y := range people {
			if x.ID == y.ID {
				continue
			}
			m, err := Merge(x, y, nil)
			if err != nil {
				t.Fatalf("Merge(%s, %s): %v", x.ID, y.ID, err)
			}
			k, a, _, err := Unmerge(m.Person, m.Undo)
			if err != nil || !cmp.Equal(k, x) || !cmp.Equal(a, y) {
				t.Errorf("Merge(%s, %s) did not undo: %v\n%s\n%s", x.ID, y.ID, err, cmp.Diff(x, k), cmp.Diff(y, a))
			}
		}
	}
}

func TestUndoKeepsEditsMadeAfterTheMerge(t *testing.T) {
	kept, absorbed := mergePair()
	m, _ := Merge(kept, absorbed, nil)
	now := m.Person
	now.Phone = "07700 900123"               // a new number, after the merge
	now.Needs.Support = []string{"advocate"} // a new need
	if diff := cmp.Diff([]string{"phone", "needs.support"}, ChangedSinceMerge(now, m.Undo)); diff != "" {
		t.Errorf("ChangedSinceMerge (-want +got):\n%s", diff)
	}
	k, a, _, err := Unmerge(now, m.Undo)
	if err != nil {
		t.Fatal(err)
	}
	want := kept
	want.Phone, want.Needs.Support = "07700 900123", []string{"advocate"}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("kept after undo (-want +got):\n%s", diff)
	}
	if !cmp.Equal(absorbed, a) {
		t.Error("absorbed not restored exactly")
	}
}

func TestMergeRefuses(t *testing.T) {
	kept, absorbed := mergePair()
	tests := []struct {
		name   string
		change func(k, a *Person)
		code   string
	}{
		{"different NHS numbers", func(k, a *Person) { k.NHSNumber = "4010232137" }, kith.ECONFLICT},
		{"another site", func(k, a *Person) { a.Site = "south" }, kith.ENOTFOUND},
		{"the same record", func(k, a *Person) { a.ID = k.ID }, kith.EINVALID},
		{"an unsaved record", func(k, a *Person) { a.ID = "" }, kith.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, a := kept, absorbed
			tt.change(&k, &a)
			if _, err := Merge(k, a, nil); kith.ErrorCode(err) != tt.code {
				t.Errorf("Merge err = %v, want %s", err, tt.code)
			}
		})
	}
	m, _ := Merge(kept, absorbed, nil)
	other := m.Person
	other.ID = "p9"
	if _, _, _, err := Unmerge(other, m.Undo); kith.ErrorCode(err) != kith.ECONFLICT {
		t.Errorf("Unmerge of another person: err = %v, want conflict", err)
	}
}

// A field added to Person must be added to the merge's field list too, or
// a merge would silently drop it and an undo not restore it.
func TestMergeCoversEveryField(t *testing.T) {
	n := 0
	pt := reflect.TypeFor[Person]()
	for i := range pt.NumField() {
		switch f := pt.Field(i); f.Type {
		case reflect.TypeFor[Needs](), reflect.TypeFor[Characteristics]():
			n += f.Type.NumField()
		default:
			n++
		}
	}
	if n != 18 {
		t.Errorf("Person has %d fields (counting those of needs and characteristics); personFields was written for 18: add the new one there, then update this count", n)
	}
	// Copying every merge field from a full record gives the whole record.
	src := adult()
	src.Needs.Support = []string{"advocate"}
	src.NameLatin = "Zoe Muller"
	dst := Person{ID: src.ID, Site: src.Site}
	for _, f := range personFields {
		f.copy(&dst, src)
	}
	if diff := cmp.Diff(src, dst); diff != "" {
		t.Errorf("copying every merge field does not copy the whole person (-want +got):\n%s", diff)
	}
	aged := Person{AgeGiven: 80, AgeGivenOn: today}
	var got Person
	for _, f := range personFields {
		f.copy(&got, aged)
	}
	if !cmp.Equal(got, aged) {
		t.Errorf("the age and its date are not copied together: %+v", got)
	}
}
