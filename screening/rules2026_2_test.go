package screening

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The tests in this file follow DESIGN.md's "Safeguarding: the public duty",
// scoring version 2026.2, rule by rule and route by route.

func routeCodes(res *Result) []string {
	out := []string{}
	for _, r := range res.Safeguarding.Routes {
		out = append(out, r.Code)
	}
	return out
}

func othersWho(res *Result) []string {
	out := []string{}
	for _, o := range res.Safeguarding.OthersAtRisk {
		out = append(out, o.Who)
	}
	return out
}

func agency(a string) func(*Request) {
	return func(r *Request) { r.Observer = &Observer{Agency: a} }
}

func TestWhatIndicatesAbuse(t *testing.T) {
	tests := []struct {
		name    string
		change  []func(*Request)
		because []string // nil: nothing indicated
	}{
		{"staff or provider implicated", []func(*Request){s42(func(s *S42) { s.StaffOrProviderImplicated = bp(true) })}, []string{"staff_or_provider_implicated"}},
		{"self-neglect medium, unable to protect self yes", []func(*Request){indicators("home_unsafe", "poor_self_care"), s42(func(s *S42) { s.UnableToProtectSelf = Yes })}, []string{"self_neglect_unable_to_protect_self"}},
		{"self-neglect medium, unable to protect self unsure", []func(*Request){indicators("home_unsafe", "poor_self_care"), s42(func(s *S42) { s.UnableToProtectSelf = Unsure })}, []string{"self_neglect_unable_to_protect_self"}},
		{"self-neglect medium, capacity concern", []func(*Request){indicators("home_unsafe", "poor_self_care"), s42(func(s *S42) { s.CapacityConcern = bp(true) })}, []string{"self_neglect_unable_to_protect_self"}},
		{"self-neglect medium, can protect self", []func(*Request){indicators("home_unsafe", "poor_self_care")}, nil},
		{"self-neglect low, unable to protect self", []func(*Request){indicators("home_unsafe"), s42(func(s *S42) { s.UnableToProtectSelf = Yes })}, nil},
		{"self-neglect high", []func(*Request){indicators("home_unsafe", "poor_self_care", "refuses_help")}, []string{"self_neglect_high"}},
		{"fears losing carer", []func(*Request){indicators("fears_losing_carer"), safe("", "", "")}, []string{"fears_losing_carer"}},
		{"ashamed to tell", []func(*Request){indicators("ashamed_to_tell"), safe("", "", "")}, []string{"ashamed_to_tell"}},
		{"inferred other adult", []func(*Request){indicators("is_unpaid_carer", "carer_may_harm"), safe("", "", "")}, []string{"carer_may_harm", "others_at_risk"}},
		{"new red flag: forced to work", []func(*Request){indicators("forced_to_work")}, []string{"forced_to_work"}},
		{"new red flag: no response", []func(*Request){indicators("no_response_at_visit")}, []string{"no_response_at_visit"}},
		{"needs advocate is context", []func(*Request){indicators("needs_advocate")}, nil},
		{"missed care calls alone", []func(*Request){indicators("missed_care_calls")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			limb := res.Safeguarding.Limbs.ExperiencingOrAtRiskOfAbuse
			if tt.because == nil {
				if limb.Met {
					t.Errorf("indicated by %q; want nothing", limb.Because)
				}
				return
			}
			if diff := cmp.Diff(tt.because, limb.Because); diff != "" || !limb.Met || !res.AbuseIndicated {
				t.Errorf("because (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFearOfIsolationIsAtLeastDiscuss(t *testing.T) {
	for _, code := range []string{"only_contact_is_harmful", "scammer_is_only_visitor", "fears_losing_carer", "ashamed_to_tell"} {
		for _, n := range []string{Yes, Unsure, No} {
			for _, share := range []string{Yes, No, NotAsked} {
				res := mustAssess(t, with(indicators(code), safe("", "", ""), needs(n), consent(share)))
				if a := res.Safeguarding.Action; a == ActionNone {
					t.Errorf("%s, needs %s, share %s: action none", code, n, share)
				}
				// With care needs and a basis, a concern.
				if n != No && len(res.Safeguarding.ShareBasis) > 0 && res.Safeguarding.Action != ActionRaiseConcern {
					t.Errorf("%s, needs %s, share %s: %s with a basis %q; want raise_concern", code, n, share, res.Safeguarding.Action, res.Safeguarding.ShareBasis)
				}
			}
		}
	}
}

func TestOthersAtRiskInferred(t *testing.T) {
	tests := []struct {
		name     string
		change   []func(*Request)
		who      []string
		inferred bool
	}{
		{"carer who may harm", []func(*Request){indicators("is_unpaid_carer", "carer_may_harm"), safe("", "", "")}, []string{OthersAdult}, true},
		{"carer may harm, not a carer", []func(*Request){indicators("carer_may_harm"), safe("", "", "")}, []string{}, false},
		{"children and control", []func(*Request){indicators("children_in_household", "contact_controlled"), safe("", "", "")}, []string{OthersChild}, true},
		{"children and injuries", []func(*Request){indicators("children_in_household", "unexplained_injuries")}, []string{OthersChild}, true},
		{"children and cuckooing", []func(*Request){indicators("children_in_household", "home_taken_over")}, []string{OthersChild}, true},
		{"children and a disclosure of domestic abuse", []func(*Request){indicators("children_in_household", "discloses_abuse"), func(r *Request) { r.DisclosesAbuseTypes = []string{DomesticAbuse} }}, []string{OthersChild}, true},
		{"children alone", []func(*Request){indicators("children_in_household")}, []string{}, false},
		{"children and a scam", []func(*Request){indicators("children_in_household", "responds_to_scams"), safe("", "", "")}, []string{}, false},
		{"answered", []func(*Request){s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{OthersPublic} })}, []string{OthersPublic}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			if diff := cmp.Diff(tt.who, othersWho(res)); diff != "" {
				t.Fatalf("others at risk (-want +got):\n%s", diff)
			}
			for _, o := range res.Safeguarding.OthersAtRisk {
				if o.Inferred != tt.inferred || o.Reason == "" {
					t.Errorf("%+v: want inferred %v with a reason", o, tt.inferred)
				}
				if tt.inferred && !slices.ContainsFunc(res.Safeguarding.Reasons, func(r string) bool { return strings.Contains(r, "worked out from your answers") }) {
					t.Errorf("reasons %q do not say the inference was made", res.Safeguarding.Reasons)
				}
			}
			if len(tt.who) > 0 {
				if res.Safeguarding.Action != ActionRaiseConcern || !slices.Contains(res.Safeguarding.ShareBasis, BasisOthersAtRisk) {
					t.Errorf("action %s, basis %q; want raise_concern with others_at_risk", res.Safeguarding.Action, res.Safeguarding.ShareBasis)
				}
			}
		})
	}
}

func TestOnlyOthersAtRisk(t *testing.T) {
	// Nothing indicated for the person, no care needs: the headline is the
	// route for whoever is at risk, and no concern about this person.
	res := mustAssess(t, with(indicators("is_unpaid_carer", "carer_may_harm"), safe("", "", ""), needs(No)))
	sg := res.Safeguarding
	if sg.Action != ActionRaiseConcern || sg.ConcernAboutPerson {
		t.Fatalf("action %s, concern about person %v; want raise_concern about the other adult only", sg.Action, sg.ConcernAboutPerson)
	}
	if !strings.HasPrefix(sg.WhatToDoNow, "Another adult may be at risk") || res.NextSteps[0] != sg.WhatToDoNow {
		t.Errorf("what_to_do_now %q, first step %q", sg.WhatToDoNow, res.NextSteps[0])
	}
	if hasStep(res, "Raise a safeguarding concern with the Demo adult safeguarding team on 0113 222 4401 now, and note the reference") {
		t.Errorf("a concern about this person is offered:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	// With care needs of their own and something indicated for them, the
	// concern is about them too.
	res = mustAssess(t, with(indicators("is_unpaid_carer", "carer_may_harm"), safe("", "", ""), needs(Yes)))
	if !res.Safeguarding.ConcernAboutPerson {
		t.Errorf("carer with care needs: no concern about them")
	}
	// A concern about the person is the usual case.
	if !mustAssess(t, with(redFlag, needs(Yes))).Safeguarding.ConcernAboutPerson {
		t.Error("red flag, needs yes, consent: no concern about the person")
	}
}

func TestShareBasis2026_2(t *testing.T) {
	tests := []struct {
		name   string
		change []func(*Request)
		want   []string
	}{
		{"not asked, indicated, needs", []func(*Request){redFlag, needs(Unsure), consent(NotAsked)}, []string{BasisConsentNotSafelyObtainable}},
		{"not asked, nothing indicated", []func(*Request){needs(Yes), consent(NotAsked)}, []string{}},
		{"not asked, indicated, no needs", []func(*Request){redFlag, consent(NotAsked)}, []string{}},
		{"high risk domestic abuse", []func(*Request){consent(No), s42(func(s *S42) { s.DashRisk = "high" })}, []string{BasisHighRiskDomesticAbuse}},
		{"medium domestic abuse is no basis", []func(*Request){consent(No), s42(func(s *S42) { s.DashRisk = "medium" })}, []string{}},
		{"fire risk to life", []func(*Request){consent(No), indicators("fire_risk_to_life")}, []string{BasisRiskToLife}},
		{"scam in progress", []func(*Request){consent(No), indicators("scam_in_progress"), safe("", "", "")}, []string{BasisRiskToLife}},
	}
	for _, code := range coercionIndicators {
		tests = append(tests, struct {
			name   string
			change []func(*Request)
			want   []string
		}{"coercion: " + code, []func(*Request){consent(No), indicators(code), safe("", "", "")}, []string{BasisCoercion}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			if diff := cmp.Diff(tt.want, res.Safeguarding.ShareBasis); diff != "" {
				t.Errorf("share_basis (-want +got):\n%s", diff)
			}
		})
	}
}

// Wording never calls an unsafe-to-ask a refusal.
func TestNotAskedIsNeverARefusal(t *testing.T) {
	for _, change := range [][]func(*Request){
		{redFlag, needs(Yes), consent(NotAsked)},
		{redFlag, needs(No), consent(NotAsked)},
		{redFlag, needs(Unsure), consent(NotAsked), s42(func(s *S42) { s.CapacityConcern = bp(true) })},
	} {
		res := mustAssess(t, with(change...))
		all := strings.ToLower(strings.Join(append(append([]string{res.Safeguarding.WhatToDoNow}, res.Safeguarding.Reasons...), res.NextSteps...), "\n"))
		for _, refusal := range []string{"not agreed", "said no", "refused", "declined"} {
			if strings.Contains(all, refusal) {
				t.Errorf("%s: the words say %q:\n%s", res.Safeguarding.Action, refusal, all)
			}
		}
	}
}

func TestRoutes(t *testing.T) {
	opts := Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo", FraudService: "Report Fraud", FraudPhone: "0300 123 2040"}
	crime := s42(func(s *S42) { s.CrimeSuspected = bp(true) })
	tests := []struct {
		name    string
		change  []func(*Request)
		want    []string // route codes, in order
		step    string   // a step that must be there
		without []string // route codes that must not be there
	}{
		{"crime", []func(*Request){redFlag, needs(Yes), crime}, []string{RoutePolice}, "101", []string{RouteReportFraud}},
		{"cuckooing", []func(*Request){indicators("home_taken_over"), needs(Yes)}, []string{RoutePolice, RouteModernSlavery}, "cuckooing", nil},
		{"fraud", []func(*Request){indicators("unexplained_money_problems"), safe("", "", ""), needs(Yes), crime}, []string{RoutePolice, RouteReportFraud}, "Report Fraud on 0300 123 2040", []string{RouteTradingStandards}},
		{"money abuse, no scam: no Trading Standards", []func(*Request){indicators("undue_influence", "unexplained_money_problems"), safe("", "", ""), needs(Yes)}, []string{}, "", []string{RouteTradingStandards, RouteReportFraud}},
		{"domestic abuse", []func(*Request){indicators("afraid_of_someone_at_home"), needs(Yes)}, []string{RouteDomesticAbuse}, "DASH risk assessment", []string{RouteMARAC}},
		{"domestic abuse, dash high", []func(*Request){indicators("afraid_of_someone_at_home"), needs(Yes), s42(func(s *S42) { s.DashRisk = "high" })}, []string{RouteMARAC}, "refer them to MARAC now", []string{RouteDomesticAbuse}},
		{"domestic abuse with children", []func(*Request){indicators("contact_controlled", "children_in_household"), safe("", "", ""), needs(Yes)}, []string{RouteDomesticAbuse}, "children's social care the same day", nil},
		{"self-neglect: GP", []func(*Request){indicators("poor_self_care", "untreated_health_condition"), needs(Yes), s42(func(s *S42) { s.UnableToProtectSelf = Yes })}, []string{RouteGP}, "GP", []string{RouteEnvironmental}},
		{"severe hoarding", []func(*Request){instrument(CIR, one(8)), needs(Yes)}, []string{RouteGP, RouteEnvironmental}, "environmental health", nil},
		{"attorney", []func(*Request){indicators("attorney_suspected", "unexplained_money_problems"), safe("", "", ""), needs(Yes)}, []string{RouteOPG}, "Office of the Public Guardian", []string{RouteTradingStandards}},
		{"scams", []func(*Request){indicators("responds_to_scams"), safe("", "", ""), needs(Yes)}, []string{RouteReportFraud, RouteTradingStandards}, "call blocking", nil},
		{"scam in progress", []func(*Request){indicators("scam_in_progress"), safe("", "", ""), needs(Yes)}, []string{RouteReportFraud, RouteScamInProgress, RouteTradingStandards}, "159", nil},
		{"scammer only visitor", []func(*Request){indicators("scammer_is_only_visitor"), safe("", "", ""), needs(Yes)}, []string{RouteReportFraud, RouteTradingStandards}, "Mailing Preference", nil},
		{"modern slavery", []func(*Request){indicators("forced_to_work", "documents_held"), needs(Yes)}, []string{RouteModernSlavery}, "08000 121 700", nil},
		{"radicalisation", []func(*Request){indicators("radicalisation_concern"), needs(Yes)}, []string{RoutePrevent}, "Prevent lead", nil},
		{"sexual abuse", []func(*Request){indicators("sexual_abuse_suspected"), needs(Yes)}, []string{RouteSexualAssault}, "do not wash them", nil},
		{"disclosed sexual assault", []func(*Request){indicators("discloses_abuse"), needs(Yes), func(r *Request) { r.DisclosesAbuseTypes = []string{Sexual} }}, []string{RouteSexualAssault}, "sexual assault referral centre", nil},
		{"provider implicated", []func(*Request){needs(Yes), s42(func(s *S42) { s.StaffOrProviderImplicated = bp(true) })}, []string{RouteCQC}, "Care Quality Commission", []string{RouteWhistleblowing}},
		{"staff neglect", []func(*Request){indicators("neglected_by_staff_or_provider"), needs(Yes)}, []string{RouteCQC}, "not report this to the care provider's own manager", nil},
		{"own organisation", []func(*Request){needs(Yes), s42(func(s *S42) {
			s.StaffOrProviderImplicated = bp(true)
			s.OwnOrganisationImplicated = bp(true)
		})}, []string{RouteCQC, RouteWhistleblowing}, "whistleblower", nil},
		{"fire risk to life", []func(*Request){indicators("fire_risk_to_life"), needs(Yes)}, []string{RouteFireAndRescue}, "Refer them to the fire and rescue service today", nil},
		{"fire risk to life, fire service", []func(*Request){indicators("fire_risk_to_life"), needs(Yes), agency("fire_service")}, []string{RouteFireAndRescue}, "own procedures", nil},
		{"no response", []func(*Request){indicators("no_response_at_visit"), needs(Unsure), consent(NotAsked)}, []string{RouteWelfareCheck}, "welfare check", nil},
		{"discuss carries routes", []func(*Request){indicators("attorney_suspected"), safe("", "", ""), needs(No)}, []string{RouteOPG}, "Talk to your manager", nil},
		{"emergency carries routes", []func(*Request){indicators("home_taken_over"), needs(Yes), s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, []string{RoutePolice, RouteModernSlavery}, "Call 999 now", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Assess(with(tt.change...), opts)
			if err != nil {
				t.Fatal(err)
			}
			got := routeCodes(res)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("routes (-want +got):\n%s\nsteps:\n%s", diff, strings.Join(res.NextSteps, "\n"))
			}
			for _, code := range tt.without {
				if slices.Contains(got, code) {
					t.Errorf("route %s should not be there", code)
				}
			}
			if tt.step != "" && !hasStep(res, tt.step) {
				t.Errorf("no step says %q:\n%s", tt.step, strings.Join(res.NextSteps, "\n"))
			}
			// Every route's step is a next step, after the headline.
			for _, r := range res.Safeguarding.Routes {
				i := slices.Index(res.NextSteps, r.Step)
				if i < 1 {
					t.Errorf("route %s is at next_steps[%d]", r.Code, i)
				}
			}
		})
	}
}

// Routes run beside a safeguarding action, so "none" carries none:
// scam_contact alone is a means_of_abuse sign but not a red flag.
func TestNoneCarriesNoRoutes(t *testing.T) {
	res := mustAssess(t, with(indicators("scam_contact"), safe("", "", "")))
	if got := routeCodes(res); res.Safeguarding.Action != ActionNone || len(got) != 0 {
		t.Errorf("action %s, routes %q", res.Safeguarding.Action, got)
	}
}

func TestNoFireSafetyVisitFromTheFireServiceToItself(t *testing.T) {
	res := mustAssess(t, with(indicators("fire_risk", "hoarding"), agency("fire_service")))
	if hasStep(res, "Safe and Well") {
		t.Errorf("the fire service is offered its own visit:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	if !hasStep(mustAssess(t, with(indicators("fire_risk"), agency("home_care"))), "Safe and Well") {
		t.Error("a home carer is not told to offer a fire safety visit")
	}
	// A risk to life is a referral, so no "offer" beside it.
	res = mustAssess(t, with(indicators("fire_risk", "fire_risk_to_life"), needs(Yes)))
	if hasStep(res, "Offer a free fire safety") || !slices.Contains(routeCodes(res), RouteFireAndRescue) {
		t.Errorf("fire risk to life:\n%s", strings.Join(res.NextSteps, "\n"))
	}
}

func TestNextStepsDependOnSafety(t *testing.T) {
	// Not seen alone: told only when alone and safe.
	res := mustAssess(t, with(redFlag, needs(Yes)))
	if !hasStep(res, "Tell them what will be shared and why only when you can speak to them alone and it is safe") {
		t.Errorf("not seen alone:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	// Seen alone, but someone at home frightens them.
	res = mustAssess(t, with(indicators("afraid_of_someone_at_home"), needs(Yes), func(r *Request) { r.SeenAlone = bp(true) }))
	if !hasStep(res, "only when you can speak to them alone and it is safe") {
		t.Errorf("afraid at home:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	// Seen alone and nothing frightening: told unless it raises the risk.
	res = mustAssess(t, with(redFlag, needs(Yes), func(r *Request) { r.SeenAlone = bp(true) }))
	if !hasStep(res, "Tell them what will be shared and why, unless telling them would raise the risk") {
		t.Errorf("seen alone:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	// No basis: nothing is shared, so nothing is said about sharing.
	res = mustAssess(t, with(redFlag, needs(Yes), consent(No)))
	if hasStep(res, "shared") {
		t.Errorf("no basis, yet sharing is mentioned:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	if !hasStep(mustAssess(t, with(redFlag, needs(Yes))), "Ask them what they want to happen") {
		t.Error("a concern without asking what they want to happen")
	}
}

func TestEachAssessmentOfferedOnce(t *testing.T) {
	res := mustAssess(t, with(indicators("is_unpaid_carer", "carer_strain", "carer_may_harm"), safe("", "", ""), needs(Yes),
		instrument(CSI, answers(repeat("yes", 13)...))))
	for _, w := range []string{"carer's assessment", "Care Act needs assessment"} {
		n := 0
		for _, s := range res.NextSteps {
			if strings.Contains(s, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q offered %d times:\n%s", w, n, strings.Join(res.NextSteps, "\n"))
		}
	}
	seen := map[string]bool{}
	for _, s := range res.NextSteps {
		if seen[s] {
			t.Errorf("step repeated: %q", s)
		}
		seen[s] = true
	}
}

func TestOwnOrganisationImplicated(t *testing.T) {
	res := mustAssess(t, with(needs(Yes), s42(func(s *S42) {
		s.StaffOrProviderImplicated = bp(true)
		s.OwnOrganisationImplicated = bp(true)
	})))
	if hasStep(res, "Tell your own organisation's safeguarding lead") {
		t.Errorf("told to go to an organisation that may be involved:\n%s", strings.Join(res.NextSteps, "\n"))
	}
	if !hasStep(res, "protects you as a whistleblower") {
		t.Errorf("no word of whistleblowing protection:\n%s", strings.Join(res.NextSteps, "\n"))
	}
}

func TestAdvocate(t *testing.T) {
	if !hasStep(mustAssess(t, with(indicators("needs_advocate"), redFlag, needs(Yes))), "independent advocate") {
		t.Error("no advocate offered")
	}
	if hasStep(mustAssess(t, with(redFlag, needs(Yes))), "independent advocate") {
		t.Error("an advocate offered without the need")
	}
}

func TestChosenIsolation2026_2(t *testing.T) {
	chosen := indicators("prefers_own_company")
	tests := []struct {
		name   string
		change []func(*Request)
		want   bool
	}{
		{"chosen, nothing else", []func(*Request){chosen}, true},
		{"suicidal thoughts", []func(*Request){chosen, indicators("suicidal_thoughts")}, false},
		{"low mood after a death", []func(*Request){chosen, indicators("low_mood", "recent_bereavement")}, false},
		{"low mood alone", []func(*Request){chosen, indicators("low_mood")}, true},
		{"bereavement alone", []func(*Request){chosen, indicators("recent_bereavement")}, true},
		{"capacity concern: not yet established", []func(*Request){chosen, s42(func(s *S42) { s.CapacityConcern = bp(true) })}, false},
		{"abuse indicated", []func(*Request){chosen, redFlag}, false},
		{"fear of isolation", []func(*Request){chosen, indicators("fears_losing_carer"), safe("", "", "")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			if res.ChoiceRespected != tt.want {
				t.Errorf("choice_respected %v; want %v", res.ChoiceRespected, tt.want)
			}
			if !res.ChoiceRespected && hasStep(res, "chosen their own company") {
				t.Errorf("a respected choice step beside a choice not respected")
			}
		})
	}
}

func TestNewFieldsValidated(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		fields []string
	}{
		{"location", s42(func(s *S42) { s.LocationOfRisk = "garden" }), []string{"s42.location_of_risk"}},
		{"source", s42(func(s *S42) { s.SourceOfRisk = "neighbour" }), []string{"s42.source_of_risk"}},
		{"dash", s42(func(s *S42) { s.DashRisk = "severe" }), []string{"s42.dash_risk"}},
		{"disclosed types without a disclosure", func(r *Request) { r.DisclosesAbuseTypes = []string{Physical} }, []string{"discloses_abuse_types"}},
		{"unknown disclosed type", func(r *Request) {
			r.Indicators = []string{"discloses_abuse"}
			r.DisclosesAbuseTypes = []string{"spiritual", Physical, Physical}
		}, []string{"discloses_abuse_types[0]", "discloses_abuse_types[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Assess(with(tt.change), Options{})
			if diff := cmp.Diff(tt.fields, errorFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	for _, ok := range []func(*Request){
		s42(func(s *S42) {
			s.LocationOfRisk, s.SourceOfRisk, s.DashRisk = "care_home_residential", "service_provider", "standard"
		}),
		s42(func(s *S42) { s.OwnOrganisationImplicated = bp(false) }),
	} {
		if _, err := Assess(with(ok), Options{}); err != nil {
			t.Errorf("valid request refused: %v", err)
		}
	}
}

// PractitionerCase is one of the cases in testdata/practitioner_cases.json:
// an API request and what the rules must make of it. The web tests send the
// same file through POST /api/v1/screenings.
type PractitionerCase struct {
	Name               string          `json:"name"`
	Request            json.RawMessage `json:"request"`
	Action             string          `json:"action"`
	ConcernAboutPerson bool            `json:"concern_about_person"`
	Routes             []string        `json:"routes"`
	Others             []string        `json:"others"`
	ChoiceRespected    bool            `json:"choice_respected"`
}

// The practitioner's cases, each of which the first rules answered with
// "carry on" or "seek advice without naming the person", or without the
// route beside the concern.
func TestPractitionerCases(t *testing.T) {
	b, err := os.ReadFile("testdata/practitioner_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []PractitionerCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var req Request
			dec := json.NewDecoder(bytes.NewReader(tc.Request))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				t.Fatal(err)
			}
			res := mustAssess(t, &req)
			sg := res.Safeguarding
			if sg.Action != tc.Action || sg.ConcernAboutPerson != tc.ConcernAboutPerson {
				t.Errorf("action %s, concern about person %v; want %s, %v\nreasons: %q", sg.Action, sg.ConcernAboutPerson, tc.Action, tc.ConcernAboutPerson, sg.Reasons)
			}
			for _, s := range append([]string{sg.WhatToDoNow}, res.NextSteps...) {
				if strings.Contains(s, "without naming the person") || strings.HasPrefix(s, "No safeguarding concern") {
					t.Errorf("step %q", s)
				}
			}
			for _, r := range tc.Routes {
				if !slices.Contains(routeCodes(res), r) {
					t.Errorf("route %s missing; routes %q", r, routeCodes(res))
				}
			}
			if diff := cmp.Diff(tc.Others, othersWho(res)); diff != "" {
				t.Errorf("others at risk (-want +got):\n%s", diff)
			}
			if res.ChoiceRespected != tc.ChoiceRespected {
				t.Errorf("choice_respected %v", res.ChoiceRespected)
			}
		})
	}
}
