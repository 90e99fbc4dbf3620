package person

import (
	"slices"

	"github.com/kith-project/kith"
)

// Link is a record that belongs to a person: a screening, a concern, a
// referral or a letter, by kind and id.
type Link struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Merged is what a merge produces: the one person that remains, which
// fields the two records disagreed on (the navigator sees these before
// confirming), and the record that undoes it.
type Merged struct {
	Person    Person   `json:"person"`
	Conflicts []string `json:"conflicts,omitempty"`
	Undo      Undo     `json:"undo"`
}

// Undo is everything needed to take a merge apart again: both records as
// they were, what the merge made (so that a later edit to the kept person
// survives the undo), and the links that moved from one to the other.
type Undo struct {
	Kept     Person `json:"kept"`
	Absorbed Person `json:"absorbed"`
	Result   Person `json:"result"`
	Moved    []Link `json:"moved,omitempty"`
}

// Merge makes two records of one person into one. The kept record keeps its
// id and every value it holds; where it has none, the absorbed record's
// value is taken. A need recorded on either is a need of the person, so
// languages and needs are the union of both, the kept record's first. An
// address or a date of birth (or age) is taken whole from one record, never
// pieced together from two. absorbedLinks are the absorbed record's links;
// they all move to the kept record.
//
// Two records with different NHS numbers are two people and are never
// merged.
func Merge(kept, absorbed Person, absorbedLinks []Link) (Merged, error) {
	switch {
	case kept.ID == "" || absorbed.ID == "":
		return Merged{}, kith.Errorf(kith.EINVALID, "Both people must be saved records to merge them.")
	case kept.ID == absorbed.ID:
		return Merged{}, kith.Errorf(kith.EINVALID, "A person cannot be merged with themselves.")
	case kept.Site != absorbed.Site:
		return Merged{}, kith.Errorf(kith.ENOTFOUND, "No such person at this site.")
	case kept.NHSNumber != "" && absorbed.NHSNumber != "" && kept.NHSNumber != absorbed.NHSNumber:
		return Merged{}, kith.Errorf(kith.ECONFLICT, "These records have different NHS numbers, so they are two people and cannot be merged.")
	}
	out := kept
	var conflicts []string
	for _, f := range personFields {
		if f.empty(kept) {
			f.copy(&out, absorbed)
			continue
		}
		if !f.empty(absorbed) && !f.equal(kept, absorbed) {
			if f.union == nil {
				conflicts = append(conflicts, f.name)
			} else {
				f.union(&out, absorbed)
			}
		}
	}
	return Merged{
		Person:    out,
		Conflicts: conflicts,
		Undo:      Undo{Kept: kept, Absorbed: absorbed, Result: out, Moved: slices.Clone(absorbedLinks)},
	}, nil
}

// Unmerge undoes a merge, given the kept person as they are now. It gives
// back both records and the links to move back to the absorbed one. A field
// of the kept person changed since the merge keeps its new value (it was
// an edit about that person, made after the merge); every other field goes
// back to what it was. The absorbed person comes back exactly as they were.
func Unmerge(current Person, u Undo) (kept, absorbed Person, moveBack []Link, err error) {
	if current.ID != u.Kept.ID || current.Site != u.Kept.Site {
		return Person{}, Person{}, nil, kith.Errorf(kith.ECONFLICT, "This undo record belongs to another person.")
	}
	kept = current
	for _, f := range personFields {
		if f.equal(current, u.Result) {
			f.copy(&kept, u.Kept)
		}
	}
	return kept, u.Absorbed, slices.Clone(u.Moved), nil
}

// ChangedSinceMerge names the fields of the kept person edited after the
// merge, which an undo leaves as they are now.
func ChangedSinceMerge(current Person, u Undo) []string {
	var out []string
	for _, f := range personFields {
		if !f.equal(current, u.Result) {
			out = append(out, f.name)
		}
	}
	return out
}

// personField is one part of a person record as merge sees it: a value, or
// a group of values that only make sense together.
type personField struct {
	name  string
	empty func(Person) bool
	equal func(a, b Person) bool
	copy  func(dst *Person, src Person)
	// union, for lists, adds src's items that dst lacks; nil for values
	// where the kept record's value wins.
	union func(dst *Person, src Person)
}

func value[T comparable](name string, get func(*Person) *T) personField {
	var zero T
	return personField{
		name:  name,
		empty: func(p Person) bool { return *get(&p) == zero },
		equal: func(a, b Person) bool { return *get(&a) == *get(&b) },
		copy:  func(dst *Person, src Person) { *get(dst) = *get(&src) },
	}
}

func list(name string, get func(*Person) *[]string) personField {
	return personField{
		name:  name,
		empty: func(p Person) bool { return len(*get(&p)) == 0 },
		equal: func(a, b Person) bool { return slices.Equal(*get(&a), *get(&b)) },
		copy:  func(dst *Person, src Person) { *get(dst) = slices.Clone(*get(&src)) },
		union: func(dst *Person, src Person) {
			out := slices.Clone(*get(dst))
			for _, v := range *get(&src) {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
			*get(dst) = out
		},
	}
}

// birth is the date of birth or the age given and its date, as one.
type birth struct {
	date    Date
	age     int
	givenOn Date
}

var personFields = []personField{
	value("name", func(p *Person) *string { return &p.Name }),
	value("name_latin", func(p *Person) *string { return &p.NameLatin }),
	{
		name:  "birth_date",
		empty: func(p Person) bool { return p.BirthDate.IsZero() && p.AgeGiven == 0 },
		equal: func(a, b Person) bool {
			return birth{a.BirthDate, a.AgeGiven, a.AgeGivenOn} == birth{b.BirthDate, b.AgeGiven, b.AgeGivenOn}
		},
		copy: func(dst *Person, src Person) {
			dst.BirthDate, dst.AgeGiven, dst.AgeGivenOn = src.BirthDate, src.AgeGiven, src.AgeGivenOn
		},
	},
	value("nhs_number", func(p *Person) *string { return &p.NHSNumber }),
	{
		name:  "address",
		empty: func(p Person) bool { return p.Address.IsZero() },
		equal: func(a, b Person) bool {
			return slices.Equal(a.Address.Lines, b.Address.Lines) && a.Address.Town == b.Address.Town &&
				a.Address.Postcode == b.Address.Postcode && a.Address.UPRN == b.Address.UPRN
		},
		copy: func(dst *Person, src Person) {
			dst.Address = src.Address
			dst.Address.Lines = slices.Clone(src.Address.Lines)
		},
	},
	value("phone", func(p *Person) *string { return &p.Phone }),
	list("languages", func(p *Person) *[]string { return &p.Languages }),
	list("needs.formats", func(p *Person) *[]string { return &p.Needs.Formats }),
	list("needs.support", func(p *Person) *[]string { return &p.Needs.Support }),
	value("needs.interpreter", func(p *Person) *string { return &p.Needs.Interpreter }),
	list("needs.contact", func(p *Person) *[]string { return &p.Needs.Contact }),
	value("characteristics.gender", func(p *Person) *string { return &p.Characteristics.Gender }),
	value("characteristics.ethnicity", func(p *Person) *string { return &p.Characteristics.Ethnicity }),
	value("characteristics.primary_support_reason", func(p *Person) *string { return &p.Characteristics.PrimarySupportReason }),
}
