package person_test

import (
	"fmt"
	"time"

	"github.com/kith-project/kith/person"
)

func ExampleFind() {
	today := person.Date{Year: 2026, Month: time.December, Day: 3}
	held := []person.Person{
		{ID: "p1", Site: "north", Name: "Muhammad Khan", BirthDate: person.Date{Year: 1948, Month: 3, Day: 7}, Address: person.Address{Postcode: "LS6 1LF"}},
		{ID: "p2", Site: "north", Name: "Mohammed Khan", BirthDate: person.Date{Year: 1975, Month: 1, Day: 2}, Address: person.Address{Postcode: "LS6 1LF"}},
	}
	seen, err := person.Person{Site: "north", Name: "Mr Mohammed Khan", BirthDate: person.Date{Year: 1948, Month: 3, Day: 7}, Address: person.Address{Postcode: "ls61lf"}}.Normalize(today)
	if err != nil {
		panic(err)
	}
	r := person.Find(seen, held)
	fmt.Println(r.Outcome)
	for _, m := range r.Matches {
		fmt.Println(m.PersonID, m.Reason)
	}
	// Output:
	// likely
	// p1 Same date of birth and postcode, and the names are alike (spelled differently but alike).
}

func ExampleMerge() {
	kept := person.Person{ID: "p1", Site: "north", Name: "Zoë Müller", Needs: person.Needs{Formats: []string{"large_print_20"}}}
	absorbed := person.Person{ID: "p2", Site: "north", Name: "Zoe Mueller", Phone: "0113 496 0123", Needs: person.Needs{Formats: []string{"easy_read"}}}
	m, err := person.Merge(kept, absorbed, []person.Link{{Kind: "screening", ID: "s9"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Person.Name, m.Person.Phone, m.Person.Needs.Formats, m.Conflicts)
	k, a, back, _ := person.Unmerge(m.Person, m.Undo)
	fmt.Println(k.Phone == "", a.Name, back)
	// Output:
	// Zoë Müller 0113 496 0123 [large_print_20 easy_read] [name]
	// true Zoe Mueller [{screening s9}]
}
