package screening

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// Request is a screening as the visitor submits it. The web layer decodes it
// strictly and checks the struct tags (naming fields by their json tags);
// Assess then checks the rules that span fields.
type Request struct {
	Person      *Person             `json:"person" validate:"required"`
	Consent     *Consent            `json:"consent" validate:"required"`
	S42         *S42                `json:"s42" validate:"required"`
	SafeContact *SafeContactAnswers `json:"safe_contact,omitempty"`
	SeenAlone   *bool               `json:"seen_alone,omitempty"`
	Indicators  []string            `json:"indicators" validate:"max=100"`
	// DisclosesAbuseTypes are the kinds of harm the person describes, with
	// discloses_abuse (physical and psychological when not given).
	DisclosesAbuseTypes []string                   `json:"discloses_abuse_types,omitempty" validate:"max=11"`
	Instruments         map[string]InstrumentInput `json:"instruments,omitempty"`
	Wishes              string                     `json:"wishes,omitempty" validate:"max=5000"`
	DesiredOutcomes     []string                   `json:"desired_outcomes,omitempty" validate:"max=20,dive,max=500"`
	Observer            *Observer                  `json:"observer,omitempty"`
	ClientRef           string                     `json:"client_ref,omitempty" validate:"max=200"`
}

// Person is who was screened. Housebound, anxiety about going out, language
// and interests are for the pathways that suggest community support.
type Person struct {
	Name      string   `json:"name" validate:"required,max=200"`
	NameLatin string   `json:"name_latin,omitempty" validate:"max=200"`
	Postcode  string   `json:"postcode,omitempty" validate:"max=16"`
	Latitude  *float64 `json:"latitude,omitempty" validate:"omitempty,gte=-90,lte=90"`
	Longitude *float64 `json:"longitude,omitempty" validate:"omitempty,gte=-180,lte=180"`
	Address   string   `json:"address,omitempty" validate:"max=1000"`
	Age       *int     `json:"age,omitempty" validate:"omitempty,gte=0,lte=130"`
	Language  string   `json:"language,omitempty" validate:"max=50"`
	// Phone is the person's own number, for a navigator to call back only
	// where safe_contact says phoning is safe.
	Phone                string   `json:"phone,omitempty" validate:"max=30"`
	Housebound           *bool    `json:"housebound,omitempty"`
	AnxiousAboutGoingOut *bool    `json:"anxious_about_going_out,omitempty"`
	Interests            []string `json:"interests,omitempty" validate:"max=20,dive,max=200"`
}

// Consent answers: "yes", "no" or "not_asked" (unsafe or not possible to ask
// now). Refer and Feedback default to Share.
type Consent struct {
	Share    string `json:"share" validate:"required,oneof=yes no not_asked"`
	Refer    string `json:"refer,omitempty" validate:"omitempty,oneof=yes no not_asked"`
	Feedback string `json:"feedback,omitempty" validate:"omitempty,oneof=yes no not_asked"`
}

// S42 holds the visitor's answers that bear on the Care Act 2014 s.42 test
// and the safeguarding decision. Every field is required: a missing boolean
// is not taken as false, because silence is not an answer.
type S42 struct {
	CareAndSupportNeeds       string   `json:"care_and_support_needs" validate:"required,oneof=yes no unsure"`
	UnableToProtectSelf       string   `json:"unable_to_protect_self" validate:"required,oneof=yes no unsure"`
	ImmediateDanger           *bool    `json:"immediate_danger" validate:"required"`
	OthersAtRisk              *bool    `json:"others_at_risk" validate:"required"`
	CapacityConcern           *bool    `json:"capacity_concern" validate:"required"`
	CrimeSuspected            *bool    `json:"crime_suspected" validate:"required"`
	StaffOrProviderImplicated *bool    `json:"staff_or_provider_implicated" validate:"required"`
	VisitorConcerned          *bool    `json:"visitor_concerned" validate:"required"`
	OthersAtRiskWho           []string `json:"others_at_risk_who,omitempty" validate:"max=3,unique,dive,oneof=child adult public"`

	// Optional. OwnOrganisationImplicated: the visitor's own organisation
	// or manager may be involved. LocationOfRisk and SourceOfRisk are the
	// national return's codes, left empty when not known (the safeguarding
	// team completes them). DashRisk is a domestic abuse risk assessment
	// already done: standard, medium or high.
	OwnOrganisationImplicated *bool  `json:"own_organisation_implicated,omitempty"`
	LocationOfRisk            string `json:"location_of_risk,omitempty" validate:"max=40"`
	SourceOfRisk              string `json:"source_of_risk,omitempty" validate:"max=40"`
	DashRisk                  string `json:"dash_risk,omitempty" validate:"max=20"`
}

// SafeContactAnswers says whether it is safe to phone, write to the home, or
// visit ("yes" or "no"). An unanswered field means not safe.
type SafeContactAnswers struct {
	Phone        *string `json:"phone,omitempty" validate:"omitempty,oneof=yes no"`
	Post         *string `json:"post,omitempty" validate:"omitempty,oneof=yes no"`
	Visit        *string `json:"visit,omitempty" validate:"omitempty,oneof=yes no"`
	Times        string  `json:"times,omitempty" validate:"max=200"`
	DoNotContact string  `json:"do_not_contact,omitempty" validate:"max=200"`
}

// Observer is who screened, for the funnel by referring agency and, where
// a concern is raised, for the safeguarding team to call back: Name and
// Phone are the visitor's own (Phone a UK number).
type Observer struct {
	Name         string `json:"name,omitempty" validate:"max=200"`
	Phone        string `json:"phone,omitempty" validate:"max=30"`
	Role         string `json:"role,omitempty" validate:"max=200"`
	Organisation string `json:"organisation,omitempty" validate:"max=200"`
	Agency       string `json:"agency,omitempty" validate:"omitempty,oneof=home_care fire_service housing police ambulance primary_care pharmacy voluntary_sector other"`
}

// Agencies are the referring agency codes.
var Agencies = []string{"home_care", "fire_service", "housing", "police", "ambulance", "primary_care", "pharmacy", "voluntary_sector", "other"}

// InstrumentInput carries an instrument's answers as raw JSON, so that a
// wrong type is reported against the exact element rather than failing the
// whole body. Single-answer instruments use Answer, the others Answers.
type InstrumentInput struct {
	Answers []json.RawMessage `json:"answers,omitempty"`
	Answer  json.RawMessage   `json:"answer,omitempty"`
}

// Answers to consent, s.42 and safe contact questions.
const (
	Yes      = "yes"
	No       = "no"
	Unsure   = "unsure"
	NotAsked = "not_asked"
)

// Who else may be at risk.
const (
	OthersChild  = "child"
	OthersAdult  = "adult"
	OthersPublic = "public"
)

var othersOrder = []string{OthersChild, OthersAdult, OthersPublic}

// maxIndicators bounds the list; there are fewer codes than this, so a longer
// list can only hold repeats or junk.
const maxIndicators = 100

// problems collects every field error, so the visitor can fix them all at once.
type problems []kith.FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, kith.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// checked is a request after the semantic checks, with its parts parsed and
// resolved for scoring and the decision.
type checked struct {
	req        *Request
	has        []bool    // by index into Indicators
	scored     []*scored // by index into Instruments; nil when not asked
	postcode   string
	phone      string
	obsPhone   string
	seenAlone  bool
	s42        s42Answers
	consent    Consent
	safeAnswer SafeContactAnswers
}

// s42Answers is S42 with the pointers resolved after checking.
type s42Answers struct {
	needs, unableToProtect                                         string
	immediateDanger, othersAtRisk, capacityConcern, crimeSuspected bool
	staffOrProviderImplicated, visitorConcerned                    bool
	ownOrganisation                                                bool
	location, source, dash                                         string
	othersWho                                                      []string
}

// check applies the rules that struct tags cannot express. It also re-checks
// the required fields and values the decision reads, so that a caller who
// skipped the tags can never get a safeguarding decision from a half-filled
// request.
func check(req *Request) (*checked, problems) {
	var p problems
	c := &checked{
		req:    req,
		has:    make([]bool, len(Indicators)),
		scored: make([]*scored, len(Instruments)),
	}
	c.checkPerson(&p)
	c.checkObserver(&p)
	c.checkConsent(&p)
	c.checkS42(&p)
	c.checkIndicators(&p)
	c.checkSafeContact(&p)
	c.seenAlone = req.SeenAlone != nil && *req.SeenAlone
	c.checkInstruments(&p)
	return c, p
}

// checkObserver checks the visitor's number to call back, when given.
func (c *checked) checkObserver(p *problems) {
	o := c.req.Observer
	if o == nil || strings.TrimSpace(o.Phone) == "" {
		return
	}
	ph, ok := NormalizeUKPhone(o.Phone)
	if !ok {
		p.add("observer.phone", "must be a UK phone number, like 07700 900123 or 0113 496 0000")
	}
	c.obsPhone = ph
}

func (c *checked) checkPerson(p *problems) {
	per := c.req.Person
	if per == nil {
		p.add("person", "is required")
		return
	}
	if strings.TrimSpace(per.Name) == "" {
		p.add("person.name", "is required")
	}
	if strings.TrimSpace(per.Postcode) != "" {
		pc, ok := postcode.Normalize(per.Postcode)
		if !ok {
			p.add("person.postcode", "%q is not a well-formed UK postcode", per.Postcode)
		}
		c.postcode = pc
	}
	if strings.TrimSpace(per.Phone) != "" {
		ph, ok := NormalizeUKPhone(per.Phone)
		if !ok {
			p.add("person.phone", "must be a UK phone number, like 07700 900123 or 0113 496 0000")
		}
		c.phone = ph
	}
	switch {
	case per.Latitude != nil && per.Longitude == nil:
		p.add("person.longitude", "is required with latitude: give both or neither")
	case per.Latitude == nil && per.Longitude != nil:
		p.add("person.latitude", "is required with longitude: give both or neither")
	case per.Latitude == nil && strings.TrimSpace(per.Postcode) == "":
		p.add("person.postcode", "is required unless latitude and longitude are given")
	}
}

func (c *checked) checkConsent(p *problems) {
	in := c.req.Consent
	if in == nil {
		p.add("consent", "is required")
		return
	}
	const allowed = `"yes", "no" or "not_asked"`
	if !oneOf(in.Share, Yes, No, NotAsked) {
		p.add("consent.share", "must be %s", allowed)
	}
	c.consent = Consent{Share: in.Share, Refer: in.Refer, Feedback: in.Feedback}
	for _, f := range []struct {
		name string
		v    *string
	}{{"consent.refer", &c.consent.Refer}, {"consent.feedback", &c.consent.Feedback}} {
		switch {
		case *f.v == "":
			*f.v = in.Share
		case !oneOf(*f.v, Yes, No, NotAsked):
			p.add(f.name, "must be %s", allowed)
		}
	}
}

func (c *checked) checkS42(p *problems) {
	in := c.req.S42
	if in == nil {
		p.add("s42", "is required")
		return
	}
	for _, f := range []struct {
		name string
		v    string
		dst  *string
	}{
		{"s42.care_and_support_needs", in.CareAndSupportNeeds, &c.s42.needs},
		{"s42.unable_to_protect_self", in.UnableToProtectSelf, &c.s42.unableToProtect},
	} {
		if !oneOf(f.v, Yes, No, Unsure) {
			p.add(f.name, `must be "yes", "no" or "unsure"`)
		}
		*f.dst = f.v
	}
	for _, f := range []struct {
		name string
		v    *bool
		dst  *bool
	}{
		{"s42.immediate_danger", in.ImmediateDanger, &c.s42.immediateDanger},
		{"s42.others_at_risk", in.OthersAtRisk, &c.s42.othersAtRisk},
		{"s42.capacity_concern", in.CapacityConcern, &c.s42.capacityConcern},
		{"s42.crime_suspected", in.CrimeSuspected, &c.s42.crimeSuspected},
		{"s42.staff_or_provider_implicated", in.StaffOrProviderImplicated, &c.s42.staffOrProviderImplicated},
		{"s42.visitor_concerned", in.VisitorConcerned, &c.s42.visitorConcerned},
	} {
		if f.v == nil {
			p.add(f.name, "is required: answer true or false")
			continue
		}
		*f.dst = *f.v
	}

	seen := map[string]bool{}
	for i, who := range in.OthersAtRiskWho {
		switch {
		case !oneOf(who, othersOrder...):
			p.add(fmt.Sprintf("s42.others_at_risk_who[%d]", i), `must be "child", "adult" or "public"`)
		case seen[who]:
			p.add(fmt.Sprintf("s42.others_at_risk_who[%d]", i), "%q is repeated", who)
		}
		seen[who] = true
	}
	switch {
	case in.OthersAtRisk == nil:
	case *in.OthersAtRisk && len(in.OthersAtRiskWho) == 0:
		p.add("s42.others_at_risk_who", `is required when others_at_risk is true: say who, "child", "adult" and/or "public"`)
	case !*in.OthersAtRisk && len(in.OthersAtRiskWho) > 0:
		p.add("s42.others_at_risk_who", "must be empty when others_at_risk is false")
	}
	for _, who := range othersOrder {
		if seen[who] {
			c.s42.othersWho = append(c.s42.othersWho, who)
		}
	}
	c.s42.ownOrganisation = in.OwnOrganisationImplicated != nil && *in.OwnOrganisationImplicated
	for _, f := range []struct {
		name, v string
		terms   []Term
		dst     *string
	}{
		{"s42.location_of_risk", in.LocationOfRisk, LocationsOfRisk, &c.s42.location},
		{"s42.source_of_risk", in.SourceOfRisk, SourcesOfRisk, &c.s42.source},
		{"s42.dash_risk", in.DashRisk, DashRisks, &c.s42.dash},
	} {
		if f.v != "" && !oneOf(f.v, termCodes(f.terms)...) {
			p.add(f.name, "%q is not a known code: use one of %s, or leave it out when not known", f.v, strings.Join(termCodes(f.terms), ", "))
			continue
		}
		*f.dst = f.v
	}
}

func (c *checked) checkIndicators(p *problems) {
	if len(c.req.Indicators) > maxIndicators {
		p.add("indicators", "has %d entries; at most %d are allowed", len(c.req.Indicators), maxIndicators)
	}
	for i, code := range c.req.Indicators {
		idx, ok := indicatorIndex[code]
		switch {
		case !ok:
			p.add(fmt.Sprintf("indicators[%d]", i), "%q is not a known indicator code", code)
		case c.has[idx]:
			p.add(fmt.Sprintf("indicators[%d]", i), "%q is repeated", code)
		default:
			c.has[idx] = true
		}
	}
	types := c.req.DisclosesAbuseTypes
	if len(types) > 0 && !c.hasAny("discloses_abuse") {
		p.add("discloses_abuse_types", "can only be given with the indicator discloses_abuse (they tell you someone is harming them)")
	}
	seen := map[string]bool{}
	for i, t := range types {
		switch {
		case !oneOf(t, TypesOfRisk...):
			p.add(fmt.Sprintf("discloses_abuse_types[%d]", i), "%q is not a known type of risk", t)
		case seen[t]:
			p.add(fmt.Sprintf("discloses_abuse_types[%d]", i), "%q is repeated", t)
		}
		seen[t] = true
	}
}

func (c *checked) hasAny(codes ...string) bool {
	for _, code := range codes {
		if i, ok := indicatorIndex[code]; ok && c.has[i] {
			return true
		}
	}
	return false
}

// needsSafeContact reports whether an indicator is present that makes it
// dangerous to contact the person without knowing how.
func (c *checked) needsSafeContact() bool {
	for i, ind := range Indicators {
		if c.has[i] && (ind.Group == MeansOfAbuse || ind.Group == FearOfIsolation || ind.Code == "carer_may_harm") {
			return true
		}
	}
	return false
}

func (c *checked) checkSafeContact(p *problems) {
	in := c.req.SafeContact
	if in == nil {
		if c.needsSafeContact() {
			p.add("safe_contact", "is required when someone may be controlling or harming the person: say whether it is safe to phone, write or visit")
		}
		return
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"safe_contact.phone", in.Phone}, {"safe_contact.post", in.Post}, {"safe_contact.visit", in.Visit}} {
		if f.v != nil && !oneOf(*f.v, Yes, No) {
			p.add(f.name, `must be "yes" or "no"`)
		}
	}
	c.safeAnswer = *in
}

func (c *checked) checkInstruments(p *problems) {
	for _, code := range sortedKeys(c.req.Instruments) {
		field := "instruments." + code
		idx, ok := instrumentIndex[code]
		if !ok {
			p.add(field, "%q is not a known instrument", code)
			continue
		}
		if code == EASI && !c.seenAlone {
			p.add(field, "can only be used when the person was seen alone (seen_alone true): asking about abuse in front of a possible abuser is unsafe")
		}
		s, ok := scoreInstrument(&Instruments[idx], c.req.Instruments[code], field, p)
		if ok {
			c.scored[idx] = s
		}
	}
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Redacted is the request with the person's personal data taken out, as
// retention keeps it: names, address, postcode, coordinates, interests,
// their own words, safe-contact details and who the visitor was go; the
// answers, codes and counts the statistics use stay. name replaces the
// person's name, so a redacted screening is recognisable.
func (r Request) Redacted(name string) Request {
	if r.Person != nil {
		p := *r.Person
		p.Name, p.NameLatin, p.Address = name, "", ""
		p.Postcode, p.Latitude, p.Longitude, p.Interests = "", nil, nil, nil
		r.Person = &p
	}
	r.Wishes, r.DesiredOutcomes, r.ClientRef = "", nil, ""
	if r.SafeContact != nil {
		sc := *r.SafeContact
		sc.Times, sc.DoNotContact = "", ""
		r.SafeContact = &sc
	}
	if r.Observer != nil {
		o := *r.Observer
		o.Name, o.Phone, o.Role, o.Organisation = "", "", "", ""
		r.Observer = &o
	}
	return r
}
