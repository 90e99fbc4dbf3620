package person

// SNOMEDSystem is the FHIR system URI of SNOMED CT, for codes handed on.
const SNOMEDSystem = "http://snomed.info/sct"

// Code is one recorded need as the Accessible Information Standard asks it
// to be held: a SNOMED CT concept and its preferred term, with the plain
// label Kith shows. Concept is empty where no code was found for the need
// (docs/person.md says which): it is then recorded in words only, never with
// an invented code.
type Code struct {
	Key     string `json:"key"`
	Concept string `json:"snomed,omitempty"`
	Term    string `json:"term,omitempty"`
	Label   string `json:"label"`
}

// Information formats a person needs letters and leaflets in (the
// standard's "specific information format" category).
var Formats = []Code{
	{Key: "large_print_20", Concept: "957331000000109", Term: "Requires written information in at least 20 point sans serif font", Label: "Large print, at least 20 point"},
	{Key: "large_print_24", Concept: "957351000000102", Term: "Requires written information in at least 24 point sans serif font", Label: "Large print, at least 24 point"},
	{Key: "large_print_28", Concept: "957371000000106", Term: "Requires written information in at least 28 point sans serif font", Label: "Large print, at least 28 point"},
	{Key: "easy_read", Concept: "796161000000101", Term: "Requires information in Easyread", Label: "Easy read"},
	{Key: "braille_grade_1", Concept: "936681000000100", Term: "Requires information in uncontracted (Grade 1) Braille", Label: "Braille, uncontracted (grade 1)"},
	{Key: "braille_grade_2", Concept: "936661000000109", Term: "Requires information in contracted (Grade 2) Braille", Label: "Braille, contracted (grade 2)"},
	{Key: "audio", Concept: "936601000000105", Term: "Requires information in electronic audio format", Label: "Audio recording"},
	{Key: "by_email", Concept: "936581000000101", Term: "Requires information by email", Label: "Information by email"},
	{Key: "verbally", Concept: "367741000000102", Term: "Requires information verbally", Label: "Information told, not written"},
	{Key: "read_out", Concept: "985021000000106", Term: "Requires third party to read out written information", Label: "Someone to read letters out"},
}

// Support is communication support or a communication professional at
// contacts and visits (the standard's "communication professional" and
// "communication support" categories). A spoken language interpreter is
// Needs.Interpreter, coded per language.
var Support = []Code{
	{Key: "bsl_interpreter", Concept: "204331000000107", Term: "British Sign Language interpreter needed", Label: "British Sign Language interpreter"},
	{Key: "sign_supported_english", Concept: "936761000000104", Term: "Sign Supported English interpreter needed", Label: "Sign Supported English interpreter"},
	{Key: "lipspeaker", Concept: "945911000000109", Term: "Requires lipspeaker", Label: "Lipspeaker"},
	{Key: "speech_to_text", Concept: "966401000000100", Term: "Requires speech to text reporter", Label: "Speech-to-text reporter"},
	{Key: "deafblind_manual", Concept: "957051000000100", Term: "Requires deafblind manual alphabet interpreter", Label: "Deafblind manual alphabet interpreter"},
	{Key: "deafblind_guide", Concept: "796201000000109", Term: "Requires deafblind communicator guide", Label: "Deafblind communicator guide"},
	{Key: "hearing_loop", Concept: "198061000000105", Term: "Uses hearing loop", Label: "Uses a hearing loop"},
	{Key: "advocate", Concept: "225835008", Term: "Needs an advocate", Label: "Needs an advocate"},
}

// Contacts are the ways a person prefers to be contacted (the standard's
// "specific contact method" category), first preferred. Contact in person
// has no code in the sources found: it is recorded in words only.
var Contacts = []Code{
	{Key: "letter", Concept: "936721000000107", Term: "Requires contact by letter", Label: "By letter"},
	{Key: "email", Concept: "936741000000100", Term: "Requires contact by email", Label: "By email"},
	{Key: "phone", Concept: "795661000000104", Term: "Requires contact by telephone", Label: "By phone"},
	{Key: "text", Concept: "936701000000103", Term: "Requires contact by short message service text message", Label: "By text message"},
	{Key: "text_relay", Concept: "796081000000106", Term: "Requires contact by text relay", Label: "By text relay (Relay UK)"},
	{Key: "via_carer", Concept: "719561001", Term: "Requires contact via carer", Label: "Through their carer"},
	{Key: "in_person", Label: "In person"},
}

// InterpreterNeeded is the general concept for a spoken language
// interpreter, used when the language has no concept of its own.
var InterpreterNeeded = Code{Key: "interpreter", Concept: "315594003", Term: "Interpreter needed", Label: "Interpreter"}

// Needs are a person's information and communication needs.
type Needs struct {
	Formats []string `json:"formats,omitempty"` // keys of Formats
	Support []string `json:"support,omitempty"` // keys of Support
	// Interpreter is the ISO 639 code of the spoken language an interpreter
	// is needed for; empty when none is.
	Interpreter string   `json:"interpreter,omitempty"`
	Contact     []string `json:"contact,omitempty"` // keys of Contacts, first preferred
}

// IsZero reports whether no need is recorded.
func (n Needs) IsZero() bool {
	return len(n.Formats) == 0 && len(n.Support) == 0 && n.Interpreter == "" && len(n.Contact) == 0
}

// Has reports whether the person needs the given format, support or
// contact method, by key.
func (n Needs) Has(key string) bool {
	for _, l := range [][]string{n.Formats, n.Support, n.Contact} {
		for _, k := range l {
			if k == key {
				return true
			}
		}
	}
	return false
}

// LargePrintPoints is the smallest type size the person can read, in
// points, or 0 when they have not asked for large print.
func (n Needs) LargePrintPoints() int {
	pts := 0
	for _, k := range n.Formats {
		switch k {
		case "large_print_20":
			pts = max(pts, 20)
		case "large_print_24":
			pts = max(pts, 24)
		case "large_print_28":
			pts = max(pts, 28)
		}
	}
	return pts
}

// Coded lists every recorded need as a Code, in the order recorded: the
// form the standard asks for when needs are flagged or shared.
func (n Needs) Coded() []Code {
	var out []Code
	for _, k := range n.Formats {
		out = append(out, lookup(Formats, k))
	}
	for _, k := range n.Support {
		out = append(out, lookup(Support, k))
	}
	if n.Interpreter != "" {
		out = append(out, InterpreterFor(n.Interpreter))
	}
	for _, k := range n.Contact {
		out = append(out, lookup(Contacts, k))
	}
	return out
}

// InterpreterFor is the need for an interpreter in a language: its own
// concept where SNOMED CT has one, else the general concept with the
// language named in the label.
func InterpreterFor(lang string) Code {
	l, ok := languageByCode[lang]
	if !ok {
		return Code{Key: "interpreter", Label: "Interpreter"}
	}
	if l.Interpreter == "" {
		c := InterpreterNeeded
		c.Label = l.Name + " interpreter"
		return c
	}
	return Code{Key: "interpreter", Concept: l.Interpreter, Term: l.Term, Label: l.Name + " interpreter"}
}

func lookup(cs []Code, key string) Code {
	for _, c := range cs {
		if c.Key == key {
			return c
		}
	}
	return Code{Key: key, Label: key}
}

func known(cs []Code, key string) bool {
	for _, c := range cs {
		if c.Key == key {
			return true
		}
	}
	return false
}
