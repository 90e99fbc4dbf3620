package pathways

import (
	"fmt"
	"slices"
	"sort"

	"cel.dev/cel-go/cel"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/screening"
)

// Input is what a rule can see of a screening. Build it with InputFrom.
type Input struct {
	Levels          map[string]string // relationship code to level
	Quadrant        string
	Loneliness      string
	Isolation       string
	Action          string // the safeguarding action: read-only to pathways
	Instruments     map[string]string
	Indicators      []string
	Consent         map[string]string // share, refer, feedback
	Housebound      bool
	Anxious         bool
	Carer           bool
	Language        string
	Age             int64 // -1 when unknown
	ChoiceRespected bool
	AbuseIndicated  bool
}

// InputFrom builds a rule's input from a stored screening.
func InputFrom(res *screening.Result, req *screening.Request) Input {
	in := Input{
		Levels: map[string]string{}, Instruments: map[string]string{}, Age: -1,
		Quadrant: res.Quadrant, Loneliness: res.Loneliness.Status, Isolation: res.Isolation.Status,
		Action: res.Safeguarding.Action, ChoiceRespected: res.ChoiceRespected, AbuseIndicated: res.AbuseIndicated,
		Consent: map[string]string{"share": res.Consent.Share, "refer": res.Consent.Refer, "feedback": res.Consent.Feedback},
	}
	for code, r := range res.Relationships {
		in.Levels[code] = r.Level
	}
	for code, r := range res.Instruments {
		in.Instruments[code] = r.Classification
	}
	if req != nil {
		in.Indicators = slices.Clone(req.Indicators)
		in.Carer = slices.Contains(req.Indicators, "is_unpaid_carer")
		in.Anxious = slices.Contains(req.Indicators, "afraid_to_go_out")
		if p := req.Person; p != nil {
			if p.Housebound != nil {
				in.Housebound = *p.Housebound
			}
			if p.AnxiousAboutGoingOut != nil {
				in.Anxious = in.Anxious || *p.AnxiousAboutGoingOut
			}
			in.Language = p.Language
			if p.Age != nil {
				in.Age = int64(*p.Age)
			}
		}
	}
	if in.Indicators == nil {
		in.Indicators = []string{}
	}
	return in
}

var levelNumber = map[string]int64{screening.LevelNone: 0, screening.LevelLow: 1, screening.LevelMedium: 2, screening.LevelHigh: 3}

func (in Input) activation() map[string]any {
	levels := make(map[string]int64, len(in.Levels))
	for k, v := range in.Levels {
		levels[k] = levelNumber[v]
	}
	return map[string]any{
		"level": levels, "relationships": in.Levels, "quadrant": in.Quadrant, "loneliness": in.Loneliness,
		"isolation": in.Isolation, "action": in.Action, "instruments": in.Instruments, "indicators": in.Indicators,
		"consent": in.Consent, "housebound": in.Housebound, "anxious_about_going_out": in.Anxious, "carer": in.Carer,
		"language": in.Language, "age": in.Age, "choice_respected": in.ChoiceRespected, "abuse_indicated": in.AbuseIndicated,
	}
}

// Variables documents what a rule's `when` expression can use.
var Variables = []struct{ Name, Type, Meaning string }{
	{"level", "map(string, int)", "each relationship's level as a number: none 0, low 1, medium 2, high 3 (level.risk_factor >= 2)"},
	{"relationships", "map(string, string)", "each relationship's level by name (relationships.carers == 'high')"},
	{"quadrant", "string", "isolated_and_lonely, isolated_not_lonely, lonely_not_isolated, connected or unknown"},
	{"loneliness", "string", "lonely, not_lonely or unknown"},
	{"isolation", "string", "isolated, not_isolated or unknown"},
	{"action", "string", "the safeguarding action (emergency, raise_concern, discuss, none); read-only"},
	{"instruments", "map(string, string)", "each instrument asked, to its classification ('ucla3' in instruments && instruments.ucla3 == 'lonely')"},
	{"indicators", "list(string)", "the indicator codes ticked ('fire_risk' in indicators)"},
	{"consent", "map(string, string)", "share, refer and feedback: yes, no or not_asked"},
	{"housebound", "bool", "the person cannot leave home unaided"},
	{"anxious_about_going_out", "bool", "the person is anxious about going out (or afraid_to_go_out was ticked)"},
	{"carer", "bool", "the person is an unpaid carer"},
	{"language", "string", "the person's preferred language code, or empty"},
	{"age", "int", "the person's age, or -1 when unknown"},
	{"choice_respected", "bool", "an informed choice to be alone is respected"},
	{"abuse_indicated", "bool", "abuse or neglect is indicated"},
}

func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("level", cel.MapType(cel.StringType, cel.IntType)),
		cel.Variable("relationships", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("quadrant", cel.StringType),
		cel.Variable("loneliness", cel.StringType),
		cel.Variable("isolation", cel.StringType),
		cel.Variable("action", cel.StringType),
		cel.Variable("instruments", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("indicators", cel.ListType(cel.StringType)),
		cel.Variable("consent", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("housebound", cel.BoolType),
		cel.Variable("anxious_about_going_out", cel.BoolType),
		cel.Variable("carer", cel.BoolType),
		cel.Variable("language", cel.StringType),
		cel.Variable("age", cel.IntType),
		cel.Variable("choice_respected", cel.BoolType),
		cel.Variable("abuse_indicated", cel.BoolType),
	)
}

// costLimit bounds the work one condition may do, so a hostile pathway
// cannot make evaluation slow.
const costLimit = 10_000

// Pathway is a compiled, checked pathway, ready to evaluate.
type Pathway struct {
	Doc   Document
	rules []compiledRule
}

type compiledRule struct {
	Rule
	prg cel.Program
}

// Compile checks a document and compiles every rule's condition. A bad
// pathway is an EINVALID error naming each rule and what is wrong with it.
// siteCategories are the site's own extra asset categories.
func Compile(d *Document, siteCategories []string) (*Pathway, error) {
	known := append(slices.Clone(assets.CategoryCodes()), siteCategories...)
	errs := checkDocument(d, known, assets.RelationshipCodes())
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("pathway environment: %w", err)
	}
	p := &Pathway{Doc: *d}
	for i, r := range d.Rules {
		field := fmt.Sprintf("rules[%d].when", i)
		ast, iss := env.Compile(r.When)
		if iss.Err() != nil {
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("rule %q does not compile: %s", r.ID, iss.Err())})
			continue
		}
		if ast.OutputType() != cel.BoolType {
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("rule %q must give true or false, not %s", r.ID, ast.OutputType())})
			continue
		}
		prg, err := env.Program(ast, cel.CostLimit(costLimit), cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("rule %q: %s", r.ID, err)})
			continue
		}
		p.rules = append(p.rules, compiledRule{Rule: r, prg: prg})
	}
	if len(errs) > 0 {
		return nil, kith.Invalid(errs...)
	}
	return p, nil
}

// Offer is one asset category to offer, and why.
type Offer struct {
	Category          string `json:"category"`
	RuleID            string `json:"rule_id"`
	Relationship      string `json:"relationship"`
	RelationshipLevel string `json:"relationship_level"`
	Priority          int    `json:"priority"`
	// Order is the offer's place in the pathway (rule order, then the
	// rule's list), the tie-break after priority.
	Order int `json:"order"`
}

// Outcome is what a pathway makes of one screening.
type Outcome struct {
	MatchedRules []string `json:"matched_rules"`
	Offers       []Offer  `json:"offers"`
	FollowUpDays int      `json:"follow_up_days"`
	Urgency      string   `json:"urgency"`
	NextSteps    []string `json:"next_steps"`
}

// Evaluate runs the pathway's rules, in order, against one screening.
//
// Two guarantees hold whatever the rules say: where an informed choice to
// be alone is respected, no social activity is offered; and a fire risk
// always brings a fire safety visit. The urgency is never below the floor
// the safeguarding action sets.
func (p *Pathway) Evaluate(in Input) (Outcome, error) {
	out := Outcome{MatchedRules: []string{}, Offers: []Offer{}, NextSteps: []string{},
		FollowUpDays: p.Doc.Defaults.FollowUpDays, Urgency: p.Doc.Defaults.Urgency}
	if out.FollowUpDays == 0 {
		out.FollowUpDays = 28
	}
	if out.Urgency == "" {
		out.Urgency = UrgencyRoutine
	}
	act := in.activation()
	offered := map[string]bool{}
	followSet := false
	order := 0
	for _, r := range p.rules {
		val, _, err := r.prg.Eval(act)
		if err != nil {
			// A rule that cannot be evaluated for this screening (a missing
			// map key, say) does not match; it never stops the others.
			continue
		}
		if matched, ok := val.Value().(bool); !ok || !matched {
			continue
		}
		out.MatchedRules = append(out.MatchedRules, r.ID)
		rel := r.Relationship
		for _, c := range r.Offer {
			order++
			if offered[c] || (in.ChoiceRespected && assets.IsSocialActivity(c)) {
				continue
			}
			offered[c] = true
			out.Offers = append(out.Offers, Offer{Category: c, RuleID: r.ID, Relationship: rel, RelationshipLevel: in.Levels[rel], Priority: r.Priority, Order: order})
		}
		if r.FollowUpDays > 0 && (!followSet || r.FollowUpDays < out.FollowUpDays) {
			out.FollowUpDays, followSet = r.FollowUpDays, true
		}
		if r.Urgency != "" && urgencyRank(r.Urgency) > urgencyRank(out.Urgency) {
			out.Urgency = r.Urgency
		}
		for _, s := range r.NextSteps {
			if !slices.Contains(out.NextSteps, s) {
				out.NextSteps = append(out.NextSteps, s)
			}
		}
		if r.Stop {
			break
		}
	}
	if slices.Contains(in.Indicators, "fire_risk") && !offered["fire_safety_visit"] {
		order++
		out.Offers = append(out.Offers, Offer{Category: "fire_safety_visit", RuleID: "core:fire_risk", Relationship: "self_neglect",
			RelationshipLevel: in.Levels["self_neglect"], Order: order})
	}
	if floor := urgencyFloor(in.Action); urgencyRank(floor) > urgencyRank(out.Urgency) {
		out.Urgency = floor
	}
	sortOffers(out.Offers)
	return out, nil
}

// urgencyFloor is the least urgency a safeguarding action allows.
func urgencyFloor(action string) string {
	switch action {
	case screening.ActionEmergency, screening.ActionRaiseConcern:
		return UrgencyUrgent
	case screening.ActionDiscuss:
		return UrgencySoon
	}
	return UrgencyRoutine
}

// sortOffers orders offers by the level of the relationship they answer
// (highest first), then the pathway's priority (lower first), then order.
func sortOffers(o []Offer) {
	sort.SliceStable(o, func(i, j int) bool {
		li, lj := levelNumber[o[i].RelationshipLevel], levelNumber[o[j].RelationshipLevel]
		if li != lj {
			return li > lj
		}
		if o[i].Priority != o[j].Priority {
			return o[i].Priority < o[j].Priority
		}
		return o[i].Order < o[j].Order
	})
}
