package screening

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The safeguarding decision follows DESIGN.md's core rules and nothing else:
// no site setting, pathway or pilot arm can change it. A pathway may add steps
// or raise urgency after it, never lower it.

// Safeguarding actions, most urgent first.
const (
	ActionEmergency    = "emergency"
	ActionRaiseConcern = "raise_concern"
	ActionDiscuss      = "discuss"
	ActionNone         = "none"
)

// Bases to share a concern, in the order they are reported.
const (
	BasisConsent                   = "consent"
	BasisOthersAtRisk              = "others_at_risk"
	BasisCapacityConcern           = "capacity_concern"
	BasisCrimeSuspected            = "crime_suspected"
	BasisCoercion                  = "coercion"
	BasisStaffOrProviderImplicated = "staff_or_provider_implicated"
	BasisRiskToLife                = "risk_to_life"
)

// coercionIndicators are signs that the person's "no" may not be their own.
var coercionIndicators = []string{
	"contact_controlled", "undue_influence", "only_contact_is_harmful",
	"fears_losing_carer", "someone_answers_for_them", "afraid_of_someone_at_home",
}

// Safeguarding is the decision, why, and what the visitor does now.
// Reference is empty from Assess: storage assigns one to a raised concern.
type Safeguarding struct {
	Action             string   `json:"action"`
	WhatToDoNow        string   `json:"what_to_do_now"`
	Limbs              Limbs    `json:"limbs"`
	ShareBasis         []string `json:"share_basis"`
	Reasons            []string `json:"reasons"`
	TypesOfRisk        []string `json:"types_of_risk"`
	OthersAtRiskRoutes []string `json:"others_at_risk_routes"`
	Reference          string   `json:"reference"`
	SafeguardingPhone  string   `json:"safeguarding_phone"`
}

// Limbs report the three limbs of the Care Act 2014 s.42 test as the visitor
// saw them. The council applies the test; only the first two shape the
// action, and the third is recorded but never a gate.
type Limbs struct {
	CareAndSupportNeeds         AnsweredLimb `json:"care_and_support_needs"`
	ExperiencingOrAtRiskOfAbuse AbuseLimb    `json:"experiencing_or_at_risk_of_abuse"`
	UnableToProtectSelf         AnsweredLimb `json:"unable_to_protect_self"`
}

// AnsweredLimb is a limb the visitor answered: Met is "yes", "no" or
// "unsure", because an unsure visitor has not shown the limb is not met.
type AnsweredLimb struct {
	Answer string `json:"answer"`
	Met    string `json:"met"`
}

// AbuseLimb is met when abuse or neglect is indicated. Because lists what
// indicated it: indicator codes, "easi", "cir", "self_neglect_high",
// "crime_suspected", "others_at_risk", "immediate_danger".
type AbuseLimb struct {
	Met     bool     `json:"met"`
	Because []string `json:"because"`
}

// Reasons the abuse limb can be met besides indicator codes.
const (
	becauseSelfNeglectHigh = "self_neglect_high"
	becauseCrimeSuspected  = "crime_suspected"
	becauseOthersAtRisk    = "others_at_risk"
	becauseImmediateDanger = "immediate_danger"
)

// decision is the safeguarding decision with what the rest of the result
// needs from it.
type decision struct {
	Safeguarding
	indicated       bool
	choiceRespected bool
	nextSteps       []string
}

func decide(c *checked, rels map[string]RelationshipResult, loneliness Status, opts Options) decision {
	s := c.s42
	d := decision{Safeguarding: Safeguarding{
		ShareBasis:         []string{},
		Reasons:            []string{},
		OthersAtRiskRoutes: []string{},
		SafeguardingPhone:  opts.SafeguardingPhone,
	}}

	because, types := indications(c, rels)
	d.indicated = len(because) > 0
	d.TypesOfRisk = types
	d.Limbs = Limbs{
		CareAndSupportNeeds:         AnsweredLimb{s.needs, s.needs},
		ExperiencingOrAtRiskOfAbuse: AbuseLimb{Met: d.indicated, Because: because},
		UnableToProtectSelf:         AnsweredLimb{s.unableToProtect, s.unableToProtect},
	}

	if c.consent.Share == Yes {
		d.ShareBasis = append(d.ShareBasis, BasisConsent)
	}
	for _, o := range []struct {
		basis string
		on    bool
	}{
		{BasisOthersAtRisk, s.othersAtRisk},
		{BasisCapacityConcern, s.capacityConcern},
		{BasisCrimeSuspected, s.crimeSuspected},
		{BasisCoercion, c.hasAny(coercionIndicators...)},
		{BasisStaffOrProviderImplicated, s.staffOrProviderImplicated},
		{BasisRiskToLife, s.immediateDanger || c.hasAny("suicidal_thoughts")},
	} {
		if o.on {
			d.ShareBasis = append(d.ShareBasis, o.basis)
		}
	}
	basis := len(d.ShareBasis) > 0
	needs := s.needs == Yes || s.needs == Unsure

	switch {
	case s.immediateDanger:
		d.Action = ActionEmergency
	case s.othersAtRisk, d.indicated && needs && basis:
		d.Action = ActionRaiseConcern
	case d.indicated, s.visitorConcerned:
		d.Action = ActionDiscuss
	default:
		d.Action = ActionNone
	}
	for _, who := range s.othersWho {
		d.OthersAtRiskRoutes = append(d.OthersAtRiskRoutes, othersRoutes[who])
	}
	d.Reasons = reasons(c, &d, because, basis)
	d.WhatToDoNow = headline(c, d.Action, opts)
	d.choiceRespected = respectsChoice(c, loneliness, d.indicated)
	d.nextSteps = nextSteps(c, &d, rels, basis, opts)
	return d
}

// respectsChoice: an informed choice to be alone is respected only when the
// person is not lonely and nothing suggests the choice is someone else's.
func respectsChoice(c *checked, loneliness Status, indicated bool) bool {
	chosen := false
	for i, ind := range Indicators {
		chosen = chosen || (c.has[i] && ind.Group == ChosenIsolation)
	}
	return chosen && loneliness.Status != Lonely && !indicated
}

// indications lists what indicates abuse or neglect, and the types of risk
// the red flags and instruments suggest (sorted, without repeats).
func indications(c *checked, rels map[string]RelationshipResult) (because, types []string) {
	because, types = []string{}, []string{}
	for i, ind := range Indicators {
		if c.has[i] && ind.RedFlag {
			because = append(because, ind.Code)
			types = append(types, ind.TypesOfRisk...)
		}
	}
	for _, rel := range Relationships {
		for _, e := range rels[rel.Code].Evidence {
			if e.Source == SourceInstrument && e.RedFlag && !slices.Contains(because, e.Code) {
				because = append(because, e.Code)
			}
		}
	}
	for i := range current.Contributions {
		if cr := &current.Contributions[i]; cr.RedFlag && cr.matches(c) {
			types = append(types, cr.TypesOfRisk...)
		}
	}
	if easi := c.scored[instrumentIndex[EASI]]; easi != nil && easi.Classification == "suspicion" {
		if !slices.Contains(because, EASI) {
			because = append(because, EASI)
		}
		for _, item := range easi.YesItems {
			types = append(types, Instruments[instrumentIndex[EASI]].Items[item-1].TypesOfRisk...)
		}
	}
	if rels[SelfNeglect].Level == LevelHigh {
		because = append(because, becauseSelfNeglectHigh)
		types = append(types, SelfNeglectRisk)
	}
	s := c.s42
	for _, o := range []struct {
		code string
		on   bool
	}{{becauseCrimeSuspected, s.crimeSuspected}, {becauseOthersAtRisk, s.othersAtRisk}, {becauseImmediateDanger, s.immediateDanger}} {
		if o.on {
			because = append(because, o.code)
		}
	}
	slices.Sort(types)
	return because, slices.Compact(types)
}

var othersRoutes = map[string]string{
	OthersChild:  "A child may be at risk: contact children's social care the same day (999 if the child is in danger now).",
	OthersAdult:  "Another adult may be at risk: raise a safeguarding concern about them too.",
	OthersPublic: "The public may be at risk: tell the fire service, the police or the council's environmental health team, whichever fits.",
}

var becauseLabels = map[string]string{
	CIR:                    "severe clutter (Clutter Image Rating 7 or more)",
	becauseSelfNeglectHigh: "a high level of self-neglect",
	becauseCrimeSuspected:  "a suspected crime",
	becauseOthersAtRisk:    "others at risk",
	becauseImmediateDanger: "immediate danger",
}

var basisLabels = map[string]string{
	BasisConsent:                   "the person agrees to share",
	BasisOthersAtRisk:              "others are at risk",
	BasisCapacityConcern:           "there is doubt about their ability to make this decision",
	BasisCrimeSuspected:            "a crime is suspected, or sharing could prevent one",
	BasisCoercion:                  "someone may be controlling or pressuring them",
	BasisStaffOrProviderImplicated: "staff or a care provider may be involved",
	BasisRiskToLife:                "there is a risk to life",
}

func reasons(c *checked, d *decision, because []string, basis bool) []string {
	s := c.s42
	var r []string
	if s.immediateDanger {
		r = append(r, "The person is in immediate danger.")
	}
	if len(because) == 0 {
		r = append(r, "No abuse or neglect is indicated.")
	} else {
		labels := make([]string, len(because))
		for i, b := range because {
			switch ind, ok := IndicatorByCode(b); {
			case ok:
				labels[i] = strings.ToLower(ind.Wording[:1]) + ind.Wording[1:]
			case b == EASI:
				yes := c.scored[instrumentIndex[EASI]].YesItems
				q := "question "
				if len(yes) > 1 {
					q = "questions "
				}
				labels[i] = "yes to " + q + joinInts(yes) + " of the Elder Abuse Suspicion Index"
			default:
				labels[i] = becauseLabels[b]
			}
		}
		r = append(r, "Abuse or neglect is indicated by: "+strings.Join(labels, "; ")+".")
		switch s.needs {
		case Yes:
			r = append(r, "The person appears to have care and support needs.")
		case Unsure:
			r = append(r, "The person may have care and support needs; being unsure is enough to raise a concern.")
		case No:
			if d.Action == ActionDiscuss {
				r = append(r, "The person does not appear to have care and support needs, so another route fits better than a safeguarding concern about them.")
			} else {
				r = append(r, "The person does not appear to have care and support needs.")
			}
		}
		if basis {
			labels := make([]string, len(d.ShareBasis))
			for i, b := range d.ShareBasis {
				labels[i] = basisLabels[b]
			}
			r = append(r, "There is a basis to share: "+strings.Join(labels, "; ")+".")
		} else {
			r = append(r, "There is no basis to share yet: the person has not agreed, and no reason to share without agreement applies.")
		}
	}
	if s.othersAtRisk {
		r = append(r, "Others are at risk, so a concern is raised whatever the person's needs or agreement.")
	}
	if s.visitorConcerned {
		if len(because) == 0 {
			r = append(r, "The visitor is still concerned, so the worry is talked through with someone who can advise.")
		} else {
			r = append(r, "The visitor is also concerned.")
		}
	}
	if s.capacityConcern {
		r = append(r, "A doubt about the person's ability to make this decision is a reason to share; it is not a finding about their capacity.")
	}
	if d.Action != ActionNone {
		r = append(r, fmt.Sprintf("Whether the person can protect themselves (answered %q) is recorded for the council, which applies the s.42 test; it does not decide whether to raise a concern.", s.unableToProtect))
	}
	return r
}

// joinInts writes 2, 3 and 5.
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// team names who to call, with the site's number when it has one.
func team(opts Options) string {
	t := "your council's adult safeguarding team"
	if opts.SiteName != "" {
		t = "the " + opts.SiteName + " adult safeguarding team"
	}
	if opts.SafeguardingPhone != "" {
		t += " on " + opts.SafeguardingPhone
	}
	return t
}

const mentalHealthNow = "Get urgent mental health help today: call NHS 111 and choose the mental health option, or 999 if their life is at risk now."

func headline(c *checked, action string, opts Options) string {
	var h string
	switch action {
	case ActionEmergency:
		return "Call 999 now. Then raise a safeguarding concern with " + team(opts) + "."
	case ActionRaiseConcern:
		h = "Raise a safeguarding concern now: call " + team(opts) + "."
	case ActionDiscuss:
		h = "Talk to your manager or the safeguarding advice line today."
	default:
		h = "No safeguarding concern. Carry on, and offer community support as agreed."
	}
	if c.hasAny("suicidal_thoughts") {
		if action == ActionNone {
			return mentalHealthNow
		}
		return mentalHealthNow + " " + h
	}
	return h
}

// Indicators that point to a route when a concern is discussed rather than
// raised.
var (
	scamIndicators = []string{"scam_contact", "responds_to_scams", "scammer_is_only_visitor", "recent_abuse_or_scam"}
	gpIndicators   = []string{"memory_problems", "low_mood", "untreated_health_condition", "poor_self_care", "alcohol_or_drug_use", "unexplained_injuries", "home_unsafe", "hoarding", "refuses_help"}
	carerIndicator = []string{"is_unpaid_carer", "carer_isolated", "carer_strain", "carer_harmed"}
)

func nextSteps(c *checked, d *decision, rels map[string]RelationshipResult, basis bool, opts Options) []string {
	s := c.s42
	steps := []string{}
	add := func(on bool, step string) {
		if on {
			steps = append(steps, step)
		}
	}
	concern := d.Action == ActionEmergency || d.Action == ActionRaiseConcern
	fraud := s.crimeSuspected || slices.Contains(d.TypesOfRisk, FinancialOrMaterial)
	cir := c.scored[instrumentIndex[CIR]]

	add(c.hasAny("suicidal_thoughts"), "They have talked about ending their life or harming themselves. "+mentalHealthNow)
	add(d.Action == ActionEmergency, "Call 999 now. Stay with them if it is safe for you; do not put yourself at risk.")
	add(concern, "Raise a safeguarding concern with "+team(opts)+" now, and note the reference number you are given.")
	steps = append(steps, d.OthersAtRiskRoutes...)
	if d.Action == ActionDiscuss {
		steps = append(steps, "Talk to your manager or the safeguarding advice line today.")
		add(fraud, "If a crime or fraud may have happened, tell the police on 101 (999 in an emergency) or report it to Action Fraud.")
		add(c.hasAny(scamIndicators...), "For scams, contact Trading Standards through the Citizens Advice consumer helpline.")
		add(slices.Contains(d.TypesOfRisk, DomesticAbuse), "If a partner or family member is harming them, contact a domestic abuse service; where the risk is high, your safeguarding lead can refer to MARAC.")
		add(c.hasAny(gpIndicators...) || rels[SelfNeglect].Level != LevelNone, "With their agreement, ask their GP to review their health.")
		add(!basis && d.indicated, "They have not agreed to share, so seek advice without naming the person.")
	}
	add(c.hasAny("fire_risk", "hoarding") || cir != nil && *cir.Score >= 4, "Offer a free fire safety (Safe and Well) visit from the fire service.")
	add(s.needs == Yes || s.needs == Unsure, "Offer a Care Act needs assessment from adult social care.")
	add(c.hasAny(carerIndicator...) || c.scored[instrumentIndex[CSI]] != nil, "Offer a carer's assessment: as a carer they have a right to one.")
	add(d.indicated || s.visitorConcerned, "Tell your own organisation's safeguarding lead today.")
	add(d.Action != ActionNone, "Tell the person what will be shared and why, unless telling them would raise the risk. Record their wishes either way.")
	add(s.capacityConcern, "Write down why you doubt they can make this decision now. Do not record a conclusion about their capacity: that is for the council to assess.")
	add(c.safeAnswer.DoNotContact != "", "Do not contact, tell or consult the person named as not to be contacted.")
	add(d.indicated || s.visitorConcerned, "Record what you saw and heard, in their own words where you can, with the date, the time and who was there.")
	add(d.indicated, "Do not confront the person suspected, investigate yourself, promise to keep it secret, leave letters at the home, or disturb any evidence.")
	add(d.choiceRespected, "They have chosen their own company: offer practical help and information only, not social activity.")
	add(d.Action == ActionNone && !d.choiceRespected, "Offer community support as agreed.")
	return steps
}
