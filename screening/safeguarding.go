package screening

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The safeguarding decision follows DESIGN.md's core rules (scoring version
// 2026.2) and nothing else: no site setting, pathway or pilot arm can change
// it. A pathway may add steps or raise urgency after it, never lower it.
// Site settings only fill in words: the team's name and phone number, and
// the national fraud reporting service.

// Safeguarding actions, most urgent first.
const (
	ActionEmergency    = "emergency"
	ActionRaiseConcern = "raise_concern"
	ActionDiscuss      = "discuss"
	ActionNone         = "none"
)

// RaisesConcern reports whether a screening's action raises a concern
// (about the person or, where only others are at risk, about them), as the
// reports count it: a concern about the person itself is recorded only when
// Safeguarding.ConcernAboutPerson.
func RaisesConcern(action string) bool {
	return action == ActionRaiseConcern || action == ActionEmergency
}

// Bases to share a concern, in the order they are reported.
const (
	BasisConsent                    = "consent"
	BasisConsentNotSafelyObtainable = "consent_not_safely_obtainable"
	BasisOthersAtRisk               = "others_at_risk"
	BasisCapacityConcern            = "capacity_concern"
	BasisCrimeSuspected             = "crime_suspected"
	BasisStaffOrProviderImplicated  = "staff_or_provider_implicated"
	BasisCoercion                   = "coercion"
	BasisHighRiskDomesticAbuse      = "high_risk_domestic_abuse"
	BasisRiskToLife                 = "risk_to_life"
)

// Indicator lists the rules read.
var (
	// coercionIndicators are signs that the person's "no" may not be their
	// own: a no given under duress or control is not a free choice.
	coercionIndicators = []string{
		"contact_controlled", "undue_influence", "only_contact_is_harmful", "scammer_is_only_visitor",
		"fears_losing_carer", "someone_answers_for_them", "afraid_of_someone_at_home", "confined_or_kept_apart",
		"phone_or_post_withheld", "home_taken_over", "mate_crime", "attorney_suspected", "forced_to_work", "documents_held",
	}
	riskToLifeIndicators = []string{"suicidal_thoughts", "fire_risk_to_life", "scam_in_progress"}
	// childAtRiskSigns are the domestic abuse and exploitation signs that,
	// with children in the home, make the children victims too (Domestic
	// Abuse Act 2021).
	childAtRiskSigns = []string{
		"contact_controlled", "afraid_of_someone_at_home", "phone_or_post_withheld", "confined_or_kept_apart",
		"home_taken_over", "discloses_abuse", "unexplained_injuries",
	}
	scamIndicators        = []string{"scam_contact", "responds_to_scams", "scammer_is_only_visitor", "scam_in_progress"}
	fraudVictimIndicators = []string{"responds_to_scams", "scammer_is_only_visitor", "scam_in_progress"}
	// fraudIndicators are money taken by deceit: with a crime suspected they
	// go to the national fraud reporting service too.
	fraudIndicators         = []string{"recent_abuse_or_scam", "unexplained_money_problems", "undue_influence", "attorney_suspected", "scam_contact"}
	modernSlaveryIndicators = []string{"forced_to_work", "documents_held", "home_taken_over"}
	gpIndicators            = []string{"home_unsafe", "hoarding", "poor_self_care", "refuses_help", "untreated_health_condition", "alcohol_or_drug_use", "missed_care_calls"}
	carerIndicators         = []string{"is_unpaid_carer", "carer_isolated", "carer_strain", "carer_harmed", "carer_may_harm"}
	// unsafeToTell: the person may be overheard or controlled, so they are
	// told what is shared only when they can be spoken to alone.
	unsafeToTell = []string{"someone_answers_for_them", "afraid_of_someone_at_home"}
)

// Safeguarding is the decision, why, and what the visitor does now.
// Reference is empty from Assess: storage assigns one when a concern about
// the person is recorded (ConcernAboutPerson).
type Safeguarding struct {
	Action      string   `json:"action"`
	WhatToDoNow string   `json:"what_to_do_now"`
	Limbs       Limbs    `json:"limbs"`
	ShareBasis  []string `json:"share_basis"`
	Reasons     []string `json:"reasons"`
	TypesOfRisk []string `json:"types_of_risk"`
	// OthersAtRisk is who else may be at risk, as the visitor answered or
	// as the rest of the answers imply, with why.
	OthersAtRisk       []OtherAtRisk `json:"others_at_risk"`
	OthersAtRiskRoutes []string      `json:"others_at_risk_routes"`
	// Routes run in parallel with the action: the police, a domestic abuse
	// service, the Office of the Public Guardian and so on, each only where
	// it fits. Their steps are in next_steps after the headline.
	Routes []Route `json:"routes"`
	// ConcernAboutPerson is true when a concern about the screened person is
	// raised with the adult safeguarding team (and recorded, with a
	// reference). It is false where only others are at risk: the headline is
	// then their route.
	ConcernAboutPerson bool   `json:"concern_about_person"`
	Reference          string `json:"reference"`
	SafeguardingPhone  string `json:"safeguarding_phone"`
}

// OtherAtRisk is someone else who may be at risk: child, adult or public.
type OtherAtRisk struct {
	Who      string `json:"who"`
	Inferred bool   `json:"inferred"`
	Reason   string `json:"reason"`
}

// Route is a parallel route: a code a system can read, and the step.
type Route struct {
	Code string `json:"code"`
	Step string `json:"step"`
}

// Route codes.
const (
	RoutePolice           = "police"
	RouteReportFraud      = "report_fraud"
	RouteDomesticAbuse    = "domestic_abuse_service"
	RouteMARAC            = "marac"
	RouteGP               = "gp"
	RouteEnvironmental    = "environmental_health_and_housing"
	RouteOPG              = "office_of_the_public_guardian"
	RouteScamInProgress   = "scam_in_progress"
	RouteTradingStandards = "trading_standards"
	RouteModernSlavery    = "modern_slavery_helpline"
	RoutePrevent          = "prevent"
	RouteSexualAssault    = "sexual_assault_referral_centre"
	RouteCQC              = "care_quality_commission"
	RouteWhistleblowing   = "whistleblowing"
	RouteFireAndRescue    = "fire_and_rescue_referral"
	RouteWelfareCheck     = "welfare_check"
)

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
// indicated it: indicator codes, "easi", "cir", and the reasons below.
type AbuseLimb struct {
	Met     bool     `json:"met"`
	Because []string `json:"because"`
}

// Reasons the abuse limb can be met besides indicator and instrument codes.
const (
	becauseSelfNeglectHigh      = "self_neglect_high"
	becauseSelfNeglectUnprotect = "self_neglect_unable_to_protect_self"
	becauseStaffOrProvider      = "staff_or_provider_implicated"
	becauseCrimeSuspected       = "crime_suspected"
	becauseOthersAtRisk         = "others_at_risk"
	becauseImmediateDanger      = "immediate_danger"
)

// decision is the safeguarding decision with what the rest of the result
// needs from it.
type decision struct {
	Safeguarding
	indicated       bool // for anyone, the abuse limb
	indicatedSelf   bool // for this person, not only because others are at risk
	basis           bool
	needs           bool // care and support needs yes or unsure
	unsafeToTell    bool
	headline        string // the action's sentence, without 999 or mental health
	choiceRespected bool
	nextSteps       []string
}

func decide(c *checked, rels map[string]RelationshipResult, loneliness Status, opts Options) decision {
	s := c.s42
	d := decision{Safeguarding: Safeguarding{
		ShareBasis:         []string{},
		Reasons:            []string{},
		OthersAtRisk:       []OtherAtRisk{},
		OthersAtRiskRoutes: []string{},
		Routes:             []Route{},
		SafeguardingPhone:  opts.SafeguardingPhone,
	}}
	d.TypesOfRisk = typesOfRisk(c)
	d.OthersAtRisk = othersAtRisk(c, d.TypesOfRisk)
	because := indications(c, rels, len(d.OthersAtRisk) > 0)
	d.indicated = len(because) > 0
	d.indicatedSelf = slices.ContainsFunc(because, func(b string) bool { return b != becauseOthersAtRisk })
	d.needs = s.needs == Yes || s.needs == Unsure
	d.unsafeToTell = !c.seenAlone || c.hasAny(unsafeToTell...)
	d.Limbs = Limbs{
		CareAndSupportNeeds:         AnsweredLimb{s.needs, s.needs},
		ExperiencingOrAtRiskOfAbuse: AbuseLimb{Met: d.indicated, Because: because},
		UnableToProtectSelf:         AnsweredLimb{s.unableToProtect, s.unableToProtect},
	}
	d.ShareBasis = shareBasis(c, d.indicated && d.needs, len(d.OthersAtRisk) > 0)
	d.basis = len(d.ShareBasis) > 0

	personConcern := d.indicatedSelf && d.needs && d.basis
	switch {
	case s.immediateDanger:
		d.Action = ActionEmergency
		d.ConcernAboutPerson = d.needs
	case personConcern || len(d.OthersAtRisk) > 0:
		d.Action = ActionRaiseConcern
		d.ConcernAboutPerson = personConcern
	case d.indicated, s.visitorConcerned:
		d.Action = ActionDiscuss
	default:
		d.Action = ActionNone
	}
	for _, o := range d.OthersAtRisk {
		d.OthersAtRiskRoutes = append(d.OthersAtRiskRoutes, othersRoute(o.Who, opts))
	}
	if d.Action != ActionNone {
		d.Routes = routes(c, &d, opts)
	}
	d.Reasons = reasons(c, &d, because)
	d.headline = headline(c, &d, opts)
	d.WhatToDoNow = whatToDoNow(c, &d)
	d.choiceRespected = respectsChoice(c, loneliness, d.indicated)
	d.nextSteps = nextSteps(c, &d, opts)
	return d
}

// respectsChoice: an informed choice to be alone is respected only when the
// person is not lonely and nothing suggests the choice is someone else's, or
// that it hides a crisis (thoughts of suicide; low mood after a death). With
// a doubt about capacity it is not yet established, until a navigator has
// talked with the person.
func respectsChoice(c *checked, loneliness Status, indicated bool) bool {
	chosen := false
	for i, ind := range Indicators {
		chosen = chosen || (c.has[i] && ind.Group == ChosenIsolation)
	}
	switch {
	case !chosen, loneliness.Status == Lonely, indicated, c.s42.capacityConcern,
		c.hasAny("suicidal_thoughts"), c.hasAny("low_mood") && c.hasAny("recent_bereavement"):
		return false
	}
	return true
}

// indications lists what indicates abuse or neglect, in the catalogue's
// order and then the answers that indicate it.
func indications(c *checked, rels map[string]RelationshipResult, othersAtRisk bool) []string {
	because := []string{}
	for i, ind := range Indicators {
		// Fear of losing contact is what stops people reporting harm: every
		// fear_of_isolation indicator indicates it, red flag or not.
		if c.has[i] && (ind.RedFlag || ind.Group == FearOfIsolation) {
			because = append(because, ind.Code)
		}
	}
	for _, rel := range Relationships {
		for _, e := range rels[rel.Code].Evidence {
			if e.Source == SourceInstrument && e.RedFlag && !slices.Contains(because, e.Code) {
				because = append(because, e.Code)
			}
		}
	}
	if easi := c.scored[instrumentIndex[EASI]]; easi != nil && easi.Classification == "suspicion" && !slices.Contains(because, EASI) {
		because = append(because, EASI)
	}
	s := c.s42
	// For self-neglect the statutory guidance makes the person's ability to
	// protect themselves the test, not the number of signs.
	switch lvl := rels[SelfNeglect].Level; {
	case lvl == LevelHigh:
		because = append(because, becauseSelfNeglectHigh)
	case lvl == LevelMedium && (s.unableToProtect == Yes || s.unableToProtect == Unsure || s.capacityConcern):
		because = append(because, becauseSelfNeglectUnprotect)
	}
	for _, o := range []struct {
		code string
		on   bool
	}{
		{becauseStaffOrProvider, s.staffOrProviderImplicated},
		{becauseCrimeSuspected, s.crimeSuspected},
		{becauseOthersAtRisk, othersAtRisk},
		{becauseImmediateDanger, s.immediateDanger},
	} {
		if o.on {
			because = append(because, o.code)
		}
	}
	return because
}

// typesOfRisk are the types every present indicator and instrument answer
// suggests, red flag or not (sorted, without repeats). A disclosure is typed
// as the visitor says.
func typesOfRisk(c *checked) []string {
	types := []string{}
	for i, ind := range Indicators {
		switch {
		case !c.has[i]:
		case ind.Code == "discloses_abuse" && len(c.req.DisclosesAbuseTypes) > 0:
			types = append(types, c.req.DisclosesAbuseTypes...)
		default:
			types = append(types, ind.TypesOfRisk...)
		}
	}
	for i := range current.Contributions {
		if cr := &current.Contributions[i]; len(cr.TypesOfRisk) > 0 && cr.matches(c) {
			types = append(types, cr.TypesOfRisk...)
		}
	}
	if easi := c.scored[instrumentIndex[EASI]]; easi != nil {
		for _, item := range easi.YesItems {
			types = append(types, Instruments[instrumentIndex[EASI]].Items[item-1].TypesOfRisk...)
		}
	}
	if c.s42.staffOrProviderImplicated {
		types = append(types, Organisational, NeglectAndActsOfOmission)
	}
	if c.s42.dash != "" {
		types = append(types, DomesticAbuse)
	}
	slices.Sort(types)
	return slices.Compact(types)
}

// othersAtRisk is who the visitor said is at risk, and who the rest of the
// answers imply is, as if the visitor had said so.
func othersAtRisk(c *checked, types []string) []OtherAtRisk {
	out := []OtherAtRisk{}
	domestic := slices.Contains(types, DomesticAbuse)
	for _, who := range othersOrder {
		o := OtherAtRisk{Who: who}
		switch {
		case slices.Contains(c.s42.othersWho, who):
			o.Reason = "You said " + othersWords[who] + " may be at risk."
		case who == OthersAdult && c.hasAny("is_unpaid_carer") && c.hasAny("carer_may_harm"):
			o.Inferred, o.Reason = true, "They are an unpaid carer who may be harming or neglecting the person they care for, so that person (an adult with care needs) may be at risk."
		case who == OthersChild && c.hasAny("children_in_household") && (c.hasAny(childAtRiskSigns...) || domestic):
			o.Inferred, o.Reason = true, "Children live at the home where there are signs of domestic abuse or exploitation; the law treats children who live with domestic abuse as victims of it."
		default:
			continue
		}
		out = append(out, o)
	}
	return out
}

var othersWords = map[string]string{OthersChild: "a child", OthersAdult: "another adult", OthersPublic: "the public"}

// shareBasis lists every basis to share a concern without the person's
// agreement that applies, after their agreement itself.
func shareBasis(c *checked, indicatedWithNeeds, others bool) []string {
	s := c.s42
	out := []string{}
	for _, o := range []struct {
		basis string
		on    bool
	}{
		{BasisConsent, c.consent.Share == Yes},
		// Consent could not safely be asked: the law allows sharing where it
		// cannot reasonably be obtained or asking would put them at risk.
		{BasisConsentNotSafelyObtainable, c.consent.Share == NotAsked && indicatedWithNeeds},
		{BasisOthersAtRisk, others},
		{BasisCapacityConcern, s.capacityConcern},
		{BasisCrimeSuspected, s.crimeSuspected},
		{BasisStaffOrProviderImplicated, s.staffOrProviderImplicated},
		{BasisCoercion, c.hasAny(coercionIndicators...)},
		{BasisHighRiskDomesticAbuse, s.dash == "high"},
		{BasisRiskToLife, s.immediateDanger || c.hasAny(riskToLifeIndicators...)},
	} {
		if o.on {
			out = append(out, o.basis)
		}
	}
	return out
}

// othersRoute is the route for someone else at risk.
func othersRoute(who string, opts Options) string {
	switch who {
	case OthersChild:
		return "A child may be at risk: contact children's social care the same day (999 if the child is in danger now)."
	case OthersAdult:
		return "Another adult may be at risk: raise a safeguarding concern about them with " + team(opts) + " now."
	}
	return "The public may be at risk: tell the fire service, the police or the council's environmental health team, whichever fits."
}

// routes are the parallel routes that fit, in DESIGN.md's order.
func routes(c *checked, d *decision, opts Options) []Route {
	s := c.s42
	out := []Route{}
	add := func(on bool, code, step string) {
		if on {
			out = append(out, Route{code, step})
		}
	}
	cuckooing := c.hasAny("home_taken_over")
	police := "A crime may have been committed: tell the police, on 999 if it is happening now, otherwise on 101."
	if cuckooing {
		police = "Others taking over their home (cuckooing) is a crime: tell the police, on 999 if anyone is in danger now, otherwise on 101."
	}
	add(s.crimeSuspected || cuckooing, RoutePolice, police)
	add(s.crimeSuspected && c.hasAny(fraudIndicators...) || c.hasAny(fraudVictimIndicators...), RouteReportFraud,
		"Report the fraud or scam to "+opts.fraudService()+".")

	domestic := slices.Contains(d.TypesOfRisk, DomesticAbuse)
	switch {
	case s.dash == "high":
		add(true, RouteMARAC, "The domestic abuse risk assessment (DASH) is high: refer them to MARAC now, and to a domestic abuse service for an independent domestic violence adviser.")
	case s.dash != "":
		add(true, RouteDomesticAbuse, "Contact a domestic abuse service, and do the DASH risk assessment again if anything changes: a high risk goes to MARAC.")
	case domestic:
		add(true, RouteDomesticAbuse, "Contact a domestic abuse service and, with your safeguarding lead, complete a DASH risk assessment: a high risk goes to MARAC.")
	}

	cir := c.scored[instrumentIndex[CIR]]
	clutter := 0
	if cir != nil && cir.Score != nil {
		clutter = *cir.Score
	}
	add(c.hasAny(gpIndicators...) || clutter >= 4, RouteGP, "Ask their GP to review their health and care, with their agreement where they can give it.")
	add(clutter >= 7 || c.hasAny("hoarding") && c.hasAny("home_unsafe"), RouteEnvironmental,
		"For severe hoarding or an unsanitary home, tell the council's environmental health team and their housing provider.")
	add(c.hasAny("attorney_suspected"), RouteOPG, "Tell the Office of the Public Guardian (0300 456 0300): it investigates attorneys and deputies who may be misusing their power.")
	add(c.hasAny("scam_in_progress"), RouteScamInProgress, "A scam is happening now: call 999, and their bank's fraud line (159) to stop the money going.")
	add(c.hasAny(scamIndicators...), RouteTradingStandards, tradingStandardsStep)
	add(c.hasAny(modernSlaveryIndicators...), RouteModernSlavery, "There are signs of modern slavery or exploitation: tell the police and call the Modern Slavery and Exploitation Helpline (08000 121 700). The council and the police must tell the Home Office.")
	add(c.hasAny("radicalisation_concern"), RoutePrevent, "Tell your organisation's Prevent lead today (999 if an attack may be planned).")
	add(c.hasAny("sexual_abuse_suspected") || slices.Contains(c.req.DisclosesAbuseTypes, Sexual), RouteSexualAssault,
		"Keep any evidence: do not wash them, their clothes or bedding, or tidy up. Tell the police, and offer the sexual assault referral centre (SARC).")
	add(s.staffOrProviderImplicated || c.hasAny("neglected_by_staff_or_provider"), RouteCQC,
		"Do not report this to the care provider's own manager: tell "+team(opts)+", and the Care Quality Commission (03000 616161) if the service is registered with it.")
	add(s.ownOrganisation, RouteWhistleblowing,
		"Your own organisation or manager may be involved: go straight to "+team(opts)+". The law protects you as a whistleblower when you report this.")
	if c.hasAny("fire_risk_to_life") {
		step := "Refer them to the fire and rescue service today: a risk to life from fire needs their visit, not only an offer of one."
		if c.agency() == "fire_service" {
			step = "There is a risk to life from fire: act on it today under your fire and rescue service's own procedures."
		}
		add(true, RouteFireAndRescue, step)
	}
	add(c.hasAny("no_response_at_visit"), RouteWelfareCheck, "You could not see them: ask for a welfare check now, from the police on 101 (999 if you think they are hurt or in danger), and try the key holder if there is one.")
	return out
}

var becauseLabels = map[string]string{
	CIR:                         "severe clutter (Clutter Image Rating 7 or more)",
	becauseSelfNeglectHigh:      "a high level of self-neglect",
	becauseSelfNeglectUnprotect: "self-neglect, with doubt that they can protect themselves",
	becauseStaffOrProvider:      "staff or a care provider may be involved",
	becauseCrimeSuspected:       "a suspected crime",
	becauseOthersAtRisk:         "others at risk",
	becauseImmediateDanger:      "immediate danger",
}

var basisLabels = map[string]string{
	BasisConsent:                    "the person agrees to share",
	BasisConsentNotSafelyObtainable: "it was not safe to ask them, and they may need protection",
	BasisOthersAtRisk:               "others are at risk",
	BasisCapacityConcern:            "there is doubt about their ability to make this decision",
	BasisCrimeSuspected:             "a crime is suspected, or sharing could prevent one",
	BasisStaffOrProviderImplicated:  "staff or a care provider may be involved",
	BasisCoercion:                   "someone may be controlling or pressuring them",
	BasisHighRiskDomesticAbuse:      "the domestic abuse risk is high",
	BasisRiskToLife:                 "there is a risk to life",
}

func reasons(c *checked, d *decision, because []string) []string {
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
			r = append(r, "The person does not appear to have care and support needs, so a safeguarding concern about them is not the route; other routes are.")
		}
		if d.basis {
			labels := make([]string, len(d.ShareBasis))
			for i, b := range d.ShareBasis {
				labels[i] = basisLabels[b]
			}
			r = append(r, "There is a basis to share: "+strings.Join(labels, "; ")+".")
		} else {
			r = append(r, noBasisReason(c))
		}
	}
	for _, o := range d.OthersAtRisk {
		if o.Inferred {
			r = append(r, "Someone else may be at risk, worked out from your answers: "+o.Reason)
		} else {
			r = append(r, o.Reason)
		}
	}
	if d.Action == ActionRaiseConcern && !d.ConcernAboutPerson {
		r = append(r, "Only others are at risk, so the concern is raised about them: no concern about this person is recorded.")
	} else if len(d.OthersAtRisk) > 0 {
		r = append(r, "Others are at risk, so a concern is raised whatever the person's needs or agreement.")
	}
	if s.visitorConcerned {
		if len(because) == 0 {
			r = append(r, "The visitor is still concerned, so the worry is talked through with someone who can advise.")
		} else {
			r = append(r, "The visitor is also concerned.")
		}
	}
	if s.ownOrganisation {
		r = append(r, "The visitor's own organisation may be involved, so the report goes straight to the council.")
	}
	if s.capacityConcern {
		r = append(r, "A doubt about the person's ability to make this decision is a reason to share; it is not a finding about their capacity.")
	}
	if d.Action != ActionNone {
		r = append(r, fmt.Sprintf("Whether the person can protect themselves (answered %q) is recorded for the council, which applies the s.42 test; it does not decide whether to raise a concern.", s.unableToProtect))
	}
	return r
}

// noBasisReason says why nothing can be shared, never calling an unasked
// question a refusal.
func noBasisReason(c *checked) string {
	if c.consent.Share == NotAsked {
		return "There is no basis to share: it was not safe to ask them, and without care and support needs no reason to share without agreement applies."
	}
	return "There is no basis to share yet: the person has said no, and no reason to share without agreement applies."
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

const tradingStandardsStep = "Ask Trading Standards (through the Citizens Advice consumer helpline, 0808 223 1133) or the scam prevention service about call blocking, and register them with the Mailing Preference Service."

const mentalHealthNow = "Get urgent mental health help today: call NHS 111 and choose the mental health option, or 999 if their life is at risk now."

// headline is the action's own sentence, before any word about urgent
// mental health help: what the visitor does about the safeguarding
// decision. For an emergency it follows "Call 999 now."
func headline(c *checked, d *decision, opts Options) string {
	switch {
	case d.Action == ActionEmergency && d.ConcernAboutPerson:
		return "Then raise a safeguarding concern with " + team(opts) + "."
	case d.Action == ActionEmergency && c.s42.ownOrganisation:
		return "They do not appear to have care and support needs, so then tell " + team(opts) + " what happened: your own organisation may be involved."
	case d.Action == ActionEmergency:
		return "They do not appear to have care and support needs, so then tell your own organisation's safeguarding lead (in the police, the police safeguarding lead)."
	case d.Action == ActionRaiseConcern && d.ConcernAboutPerson:
		return "Raise a safeguarding concern now: call " + team(opts) + "."
	case d.Action == ActionRaiseConcern:
		// Only others are at risk: the route for whoever is at risk first.
		return d.OthersAtRiskRoutes[0]
	case d.Action == ActionDiscuss && d.indicated && !d.basis:
		return "Talk to your manager or the safeguarding advice line today, without naming the person: " + noBasisWords(c) + "."
	case d.Action == ActionDiscuss && c.s42.ownOrganisation:
		return "Talk to " + team(opts) + " or its safeguarding advice line today, not to your own organisation: it may be involved."
	case d.Action == ActionDiscuss:
		return "Talk to your manager or the safeguarding advice line today."
	}
	return "No safeguarding concern. Carry on, and offer community support as agreed."
}

// whatToDoNow is what the visitor is told first: 999 for an emergency,
// urgent mental health help where they talked of ending their life (alone,
// when nothing else is indicated), then the headline.
func whatToDoNow(c *checked, d *decision) string {
	h := d.headline
	if d.Action == ActionEmergency {
		h = "Call 999 now. " + h
	}
	if c.hasAny("suicidal_thoughts") {
		if d.Action == ActionNone {
			return mentalHealthNow
		}
		return mentalHealthNow + " " + h
	}
	return h
}

func noBasisWords(c *checked) string {
	if c.consent.Share == NotAsked {
		return "it was not safe to ask whether they agree to share"
	}
	return "they have not agreed to share"
}

// nextSteps are the plain steps in order of urgency, none contradicting
// another: the headline, the routes, then what follows.
func nextSteps(c *checked, d *decision, opts Options) []string {
	s := c.s42
	steps := []string{}
	add := func(on bool, step string) {
		if on && !slices.Contains(steps, step) {
			steps = append(steps, step)
		}
	}
	suicidal := c.hasAny("suicidal_thoughts")
	fireService := c.agency() == "fire_service"
	cir := c.scored[instrumentIndex[CIR]]
	alone := ""
	if d.unsafeToTell {
		alone = " only when you can speak to them alone and it is safe"
	}

	// The headline.
	add(suicidal && d.Action == ActionNone, "They have talked about ending their life or harming themselves. "+mentalHealthNow)
	add(d.Action == ActionEmergency, "Call 999 now. Stay with them if it is safe for you; do not put yourself at risk.")
	add(d.ConcernAboutPerson, "Raise a safeguarding concern with "+team(opts)+" now, and note the reference number you are given.")
	add(d.Action == ActionEmergency && !d.ConcernAboutPerson || d.Action == ActionDiscuss, d.headline)
	// Whoever else is at risk, then the routes beside the action.
	for _, r := range d.OthersAtRiskRoutes {
		add(true, r)
	}
	for _, r := range d.Routes {
		add(true, r.Step)
	}
	add(suicidal && d.Action != ActionNone, "They have talked about ending their life or harming themselves. "+mentalHealthNow)
	add(!fireService && !c.hasAny("fire_risk_to_life") && (c.hasAny("fire_risk", "hoarding") || cir != nil && *cir.Score >= 4),
		"Offer a free fire safety (Safe and Well) visit from the fire service.")
	add(d.needs, "Offer a Care Act needs assessment from adult social care.")
	add(c.hasAny(carerIndicators...) || c.scored[instrumentIndex[CSI]] != nil, "Offer a carer's assessment: as a carer they have a right to one.")
	add(c.hasAny("needs_advocate"), "Ask the council for an independent advocate: they would find it very hard to take part without one, and the council must arrange one.")
	add(d.Action != ActionNone, "Ask them what they want to happen"+alone+", and write it down in their own words.")
	// Unless it may be involved, or the headline already says to.
	add((d.indicated || s.visitorConcerned) && !s.ownOrganisation && !(d.Action == ActionEmergency && !d.ConcernAboutPerson),
		"Tell your own organisation's safeguarding lead today.")
	// Nothing is said about sharing where nothing is shared.
	switch {
	case d.Action == ActionNone || !d.basis:
	case d.unsafeToTell:
		add(true, "Tell them what will be shared and why"+alone+", never in front of anyone who may be harming them. Record their wishes either way.")
	default:
		add(true, "Tell them what will be shared and why, unless telling them would raise the risk. Record their wishes either way.")
	}
	add(s.capacityConcern, "Write down why you doubt they can make this decision now. Do not record a conclusion about their capacity: that is for the council to assess.")
	add(c.safeAnswer.DoNotContact != "", "Do not contact, tell or consult the person named as not to be contacted.")
	add(d.indicated || s.visitorConcerned, "Record what you saw and heard, in their own words where you can, with the date, the time and who was there.")
	add(d.indicated, "Do not confront or tell the person suspected, or anyone who may tell them; do not investigate yourself, promise to keep it secret, leave letters at the home, or disturb any evidence.")
	// Scam mail or calls with nothing indicated: prevention, not a route.
	add(d.Action == ActionNone && c.hasAny(scamIndicators...), tradingStandardsStep)
	add(d.choiceRespected, "They have chosen their own company: offer practical help and information only, not social activity.")
	add(d.Action == ActionNone && !d.choiceRespected, "Offer community support as agreed.")
	return steps
}

// agency is the referring agency, or "".
func (c *checked) agency() string {
	if c.req.Observer == nil {
		return ""
	}
	return c.req.Observer.Agency
}
