package person

// The age bands of the Safeguarding Adults Collection (table SG1a), which
// counts adults at risk by their age on the last day of the reporting year.
// Kith records adults; a person under 18 is banded apart so that they are
// never counted in the adults' return by mistake.
const (
	BandUnder18  = "under_18"
	Band18To64   = "18_64"
	Band65To74   = "65_74"
	Band75To84   = "75_84"
	Band85To94   = "85_94"
	Band95Plus   = "95_plus"
	BandNotKnown = "age_unknown"
)

// AgeBandLabels are the bands in words, in the return's order.
var AgeBandLabels = map[string]string{
	BandUnder18:  "Under 18",
	Band18To64:   "18 to 64",
	Band65To74:   "65 to 74",
	Band75To84:   "75 to 84",
	Band85To94:   "85 to 94",
	Band95Plus:   "95 and over",
	BandNotKnown: "Age not known",
}

// MaxAge is the oldest age Kith accepts: older is a typing error.
const MaxAge = 120

func bandOf(age int) string {
	switch {
	case age < 18:
		return BandUnder18
	case age < 65:
		return Band18To64
	case age < 75:
		return Band65To74
	case age < 85:
		return Band75To84
	case age < 95:
		return Band85To94
	default:
		return Band95Plus
	}
}

// Age is how old a person is on a date, and how sure that is.
type Age struct {
	Years int
	// Known is false when there is neither a date of birth nor an age.
	Known bool
	// Exact: counted from the date of birth. Otherwise it is estimated from
	// an age given on an earlier date, and may be one year short, because
	// the birthday is not known.
	Exact bool
}

// AgeOn is the person's age on a date. From a date of birth it is exact;
// from an age given on an earlier date it is that age plus the whole years
// since, which is the youngest the person can be (they may have had one
// more birthday than that).
func (p Person) AgeOn(on Date) Age {
	switch {
	case !p.BirthDate.IsZero():
		return Age{Years: yearsBetween(p.BirthDate, on), Known: true, Exact: true}
	case p.AgeGiven > 0 && !p.AgeGivenOn.IsZero():
		return Age{Years: p.AgeGiven + max(0, yearsBetween(p.AgeGivenOn, on)), Known: true}
	}
	return Age{}
}

// Band is the person's Safeguarding Adults Collection age band on a date.
// Sure is false when the band comes from an estimated age that may lie in
// the next band up (the person may have had a birthday that takes them over
// the boundary): the return then counts the band of the age they have
// certainly reached, and a navigator can settle it by asking the date of
// birth.
func (p Person) Band(on Date) (band string, sure bool) {
	a := p.AgeOn(on)
	if !a.Known {
		return BandNotKnown, true
	}
	b := bandOf(a.Years)
	if a.Exact {
		return b, true
	}
	return b, bandOf(a.Years+1) == b
}
