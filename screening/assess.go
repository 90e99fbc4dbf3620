package screening

import (
	"encoding/json"

	"github.com/kith-project/kith"
)

// Options are the site's settings used in the wording of the result. They
// never change the decision.
type Options struct {
	SafeguardingPhone string
	SiteName          string
	// FraudService and FraudPhone name the national fraud reporting
	// service; Report Fraud by default.
	FraudService string
	FraudPhone   string
}

// The national fraud reporting service for England and Wales, where a site
// names no other.
const (
	DefaultFraudService = "Report Fraud"
	DefaultFraudPhone   = "0300 123 2040"
)

func (o Options) fraudService() string {
	name, phone := o.FraudService, o.FraudPhone
	if name == "" {
		name, phone = DefaultFraudService, DefaultFraudPhone
		if o.FraudPhone != "" {
			phone = o.FraudPhone
		}
	}
	if phone == "" {
		return name
	}
	return name + " on " + phone
}

// SafeContact is how the person may safely be contacted, with unanswered
// taken as not safe.
type SafeContact struct {
	Phone        bool   `json:"phone"`
	Post         bool   `json:"post"`
	Visit        bool   `json:"visit"`
	Times        string `json:"times"`
	DoNotContact string `json:"do_not_contact"`
}

// Result is a scored screening. ID is set by storage; Recommendations are
// added by the site's pathway. Every list is non-nil so that it is [] in JSON.
type Result struct {
	ID              string                        `json:"id"`
	ScoringVersion  string                        `json:"scoring_version"`
	Relationships   map[string]RelationshipResult `json:"relationships"`
	Instruments     map[string]InstrumentResult   `json:"instruments"`
	Loneliness      Status                        `json:"loneliness"`
	Isolation       Status                        `json:"isolation"`
	Quadrant        string                        `json:"quadrant"`
	ChoiceRespected bool                          `json:"choice_respected"`
	AbuseIndicated  bool                          `json:"abuse_indicated"`
	Safeguarding    Safeguarding                  `json:"safeguarding"`
	SafeContact     SafeContact                   `json:"safe_contact"`
	Consent         Consent                       `json:"consent"`
	NextSteps       []string                      `json:"next_steps"`
	Recommendations []json.RawMessage             `json:"recommendations"`
	LevelsNote      string                        `json:"levels_note"`
}

// Assess checks a screening request, scores it and makes the safeguarding
// decision. A request that breaks a rule gives a *kith.Error (EINVALID)
// naming every offending field by its JSON path.
//
// On success Assess also normalises req in place, so that what is stored
// matches the result: the postcode in canonical form, consent.refer and
// consent.feedback defaulted to consent.share, and indicators an empty list
// rather than null. The result depends only on req and opts.
func Assess(req *Request, opts Options) (*Result, error) {
	if req == nil {
		req = &Request{}
	}
	c, p := check(req)
	if len(p) > 0 {
		return nil, kith.Invalid(p...)
	}
	c.normalize()

	rels := current.relationships(c)
	lonely, isolated := current.loneliness(c), current.isolation(c)
	d := decide(c, rels, lonely, opts)

	instruments := make(map[string]InstrumentResult, len(req.Instruments))
	for i, s := range c.scored {
		if s != nil {
			instruments[Instruments[i].Code] = s.InstrumentResult
		}
	}
	return &Result{
		ScoringVersion:  current.ScoringVersion,
		Relationships:   rels,
		Instruments:     instruments,
		Loneliness:      lonely,
		Isolation:       isolated,
		Quadrant:        quadrant(lonely, isolated),
		ChoiceRespected: d.choiceRespected,
		AbuseIndicated:  d.indicated,
		Safeguarding:    d.Safeguarding,
		SafeContact:     c.safeContact(),
		Consent:         c.consent,
		NextSteps:       d.nextSteps,
		Recommendations: []json.RawMessage{},
		LevelsNote:      current.LevelsNote,
	}, nil
}

func (c *checked) normalize() {
	if c.req.Person.Postcode != "" {
		c.req.Person.Postcode = c.postcode
	}
	if c.req.Person.Phone != "" {
		c.req.Person.Phone = c.phone
	}
	if o := c.req.Observer; o != nil && o.Phone != "" {
		o.Phone = c.obsPhone
	}
	*c.req.Consent = c.consent
	if c.req.Indicators == nil {
		c.req.Indicators = []string{}
	}
}

// safeContact takes an unanswered question as not safe: no call, letter or
// visit until a navigator confirms it. A withheld phone or post is never safe
// to use, whatever was answered, because the person withholding it sees it.
func (c *checked) safeContact() SafeContact {
	a := c.safeAnswer
	yes := func(v *string) bool { return v != nil && *v == Yes }
	withheld := c.hasAny("phone_or_post_withheld")
	return SafeContact{
		Phone:        yes(a.Phone) && !withheld,
		Post:         yes(a.Post) && !withheld,
		Visit:        yes(a.Visit),
		Times:        a.Times,
		DoNotContact: a.DoNotContact,
	}
}
