package screening

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func hasStep(res *Result, substr string) bool {
	for _, s := range res.NextSteps {
		if strings.Contains(s, substr) {
			return true
		}
	}
	return false
}

// redFlag is an indicator that indicates abuse without implying coercion or
// asking for a safe contact.
var redFlag = indicators("unexplained_injuries")

func TestSafeguardingAction(t *testing.T) {
	otherChild := s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{OthersChild} })
	tests := []struct {
		name       string
		change     []func(*Request)
		action     string
		shareBasis []string
	}{
		{"nothing indicated", nil, ActionNone, []string{"consent"}},
		{"nothing indicated, no consent", []func(*Request){consent(No)}, ActionNone, []string{}},
		{"non-red indicators only", []func(*Request){indicators(fourIsolation...), needs(Yes)}, ActionNone, []string{"consent"}},

		{"immediate danger", []func(*Request){consent(No), s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, ActionEmergency, []string{"risk_to_life"}},
		{"immediate danger beats others at risk", []func(*Request){otherChild, s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, ActionEmergency, []string{"consent", "others_at_risk", "risk_to_life"}},

		{"red flag, needs yes, consent", []func(*Request){redFlag, needs(Yes)}, ActionRaiseConcern, []string{"consent"}},
		{"red flag, needs unsure, consent", []func(*Request){redFlag, needs(Unsure)}, ActionRaiseConcern, []string{"consent"}},
		{"red flag, needs no, consent", []func(*Request){redFlag, needs(No)}, ActionDiscuss, []string{"consent"}},
		{"red flag, needs yes, no consent", []func(*Request){redFlag, needs(Yes), consent(No)}, ActionDiscuss, []string{}},
		// 2026.2: not asked (unsafe or not possible to ask) is not a refusal.
		{"red flag, needs yes, not asked", []func(*Request){redFlag, needs(Yes), consent(NotAsked)}, ActionRaiseConcern, []string{"consent_not_safely_obtainable"}},
		{"red flag, needs no, not asked", []func(*Request){redFlag, needs(No), consent(NotAsked)}, ActionDiscuss, []string{}},

		{"override: others at risk, no needs, no consent", []func(*Request){otherChild, consent(No)}, ActionRaiseConcern, []string{"others_at_risk"}},
		{"override: capacity concern", []func(*Request){redFlag, needs(Yes), consent(No), s42(func(s *S42) { s.CapacityConcern = bp(true) })}, ActionRaiseConcern, []string{"capacity_concern"}},
		{"override: crime suspected", []func(*Request){needs(Yes), consent(No), s42(func(s *S42) { s.CrimeSuspected = bp(true) })}, ActionRaiseConcern, []string{"crime_suspected"}},
		{"override: staff or provider", []func(*Request){redFlag, needs(Yes), consent(No), s42(func(s *S42) { s.StaffOrProviderImplicated = bp(true) })}, ActionRaiseConcern, []string{"staff_or_provider_implicated"}},
		{"override: risk to life", []func(*Request){redFlag, needs(Yes), consent(No), indicators("suicidal_thoughts")}, ActionRaiseConcern, []string{"risk_to_life"}},
		{"override: coercion, contact controlled", []func(*Request){indicators("contact_controlled"), safe("", "", ""), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		{"override: coercion, undue influence", []func(*Request){indicators("undue_influence"), safe("", "", ""), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		{"override: coercion, only contact harmful", []func(*Request){indicators("only_contact_is_harmful"), safe("", "", ""), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		{"override: coercion, fears losing carer", []func(*Request){redFlag, indicators("fears_losing_carer"), safe("", "", ""), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		{"override: coercion, answers for them", []func(*Request){indicators("someone_answers_for_them"), needs(Unsure), consent(NotAsked)}, ActionRaiseConcern, []string{"consent_not_safely_obtainable", "coercion"}},
		{"override: coercion, afraid at home", []func(*Request){indicators("afraid_of_someone_at_home"), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		// 2026.2: fear of losing contact is what stops people reporting harm,
		// so every fear_of_isolation indicator indicates abuse.
		{"fears losing carer alone: a concern", []func(*Request){indicators("fears_losing_carer"), safe("", "", ""), needs(Yes), consent(No)}, ActionRaiseConcern, []string{"coercion"}},
		{"ashamed to tell, no needs: discuss", []func(*Request){indicators("ashamed_to_tell"), safe("", "", ""), needs(No)}, ActionDiscuss, []string{"consent"}},
		{"suicidal thoughts alone indicate no abuse", []func(*Request){indicators("suicidal_thoughts"), needs(Yes)}, ActionNone, []string{"consent", "risk_to_life"}},

		{"unable to protect self no still raises", []func(*Request){redFlag, needs(Yes), s42(func(s *S42) { s.UnableToProtectSelf = No })}, ActionRaiseConcern, []string{"consent"}},
		{"unable to protect self yes changes nothing", []func(*Request){s42(func(s *S42) { s.UnableToProtectSelf = Yes })}, ActionNone, []string{"consent"}},

		{"visitor concerned alone", []func(*Request){s42(func(s *S42) { s.VisitorConcerned = bp(true) })}, ActionDiscuss, []string{"consent"}},
		{"visitor concerned never lowers a concern", []func(*Request){redFlag, needs(Yes), s42(func(s *S42) { s.VisitorConcerned = bp(true) })}, ActionRaiseConcern, []string{"consent"}},
		{"visitor concerned never lowers an emergency", []func(*Request){s42(func(s *S42) { s.VisitorConcerned = bp(true); s.ImmediateDanger = bp(true) })}, ActionEmergency, []string{"consent", "risk_to_life"}},

		{"easi suspicion", []func(*Request){instrument(EASI, easiShamed), needs(Yes)}, ActionRaiseConcern, []string{"consent"}},
		{"easi q1 only", []func(*Request){instrument(EASI, easiQ1Only), needs(Yes)}, ActionNone, []string{"consent"}},
		{"cir 7", []func(*Request){instrument(CIR, one(7)), needs(Yes)}, ActionRaiseConcern, []string{"consent"}},
		{"cir 6", []func(*Request){instrument(CIR, one(6)), needs(Yes)}, ActionNone, []string{"consent"}},
		{"self-neglect high", []func(*Request){indicators("home_unsafe", "poor_self_care", "refuses_help"), needs(Yes)}, ActionRaiseConcern, []string{"consent"}},
		{"self-neglect medium", []func(*Request){indicators("home_unsafe", "poor_self_care"), needs(Yes)}, ActionNone, []string{"consent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			sg := res.Safeguarding
			if sg.Action != tt.action {
				t.Errorf("action %q; want %q (reasons %q)", sg.Action, tt.action, sg.Reasons)
			}
			if diff := cmp.Diff(tt.shareBasis, sg.ShareBasis); diff != "" {
				t.Errorf("share_basis (-want +got):\n%s", diff)
			}
			if res.AbuseIndicated != sg.Limbs.ExperiencingOrAtRiskOfAbuse.Met {
				t.Errorf("abuse_indicated %v but the abuse limb is met=%v", res.AbuseIndicated, sg.Limbs.ExperiencingOrAtRiskOfAbuse.Met)
			}
			if len(sg.Reasons) == 0 || sg.WhatToDoNow == "" || len(res.NextSteps) == 0 {
				t.Errorf("reasons %q, what_to_do_now %q, next_steps %q: all are required", sg.Reasons, sg.WhatToDoNow, res.NextSteps)
			}
		})
	}
}

func TestLimbs(t *testing.T) {
	res := mustAssess(t, with(
		indicators("contact_controlled", "lives_alone"), safe("", "", ""),
		instrument(EASI, easiKeptFrom),
		needs(Unsure), s42(func(s *S42) { s.UnableToProtectSelf = Yes; s.CrimeSuspected = bp(true) }),
	))
	want := Limbs{
		CareAndSupportNeeds:         AnsweredLimb{Answer: Unsure, Met: Unsure},
		ExperiencingOrAtRiskOfAbuse: AbuseLimb{Met: true, Because: []string{"contact_controlled", EASI, "crime_suspected"}},
		UnableToProtectSelf:         AnsweredLimb{Answer: Yes, Met: Yes},
	}
	if diff := cmp.Diff(want, res.Safeguarding.Limbs); diff != "" {
		t.Errorf("limbs (-want +got):\n%s", diff)
	}
	if none := mustAssess(t, baseRequest()).Safeguarding.Limbs.ExperiencingOrAtRiskOfAbuse; none.Met || none.Because == nil {
		t.Errorf("nothing indicated: %+v; want not met with an empty list", none)
	}
}

func TestTypesOfRisk(t *testing.T) {
	tests := []struct {
		name   string
		change []func(*Request)
		want   []string
	}{
		{"none", nil, []string{}},
		// 2026.2: every indicator suggests its types, red flag or not.
		{"non-red indicators suggest their types", []func(*Request){indicators("scam_contact", "hoarding"), safe("", "", "")}, []string{FinancialOrMaterial, SelfNeglectRisk}},
		{"care setting", []func(*Request){indicators("excluded_in_care_setting"), safe("", "", "")}, []string{NeglectAndActsOfOmission, Organisational}},
		{"staff implicated", []func(*Request){s42(func(s *S42) { s.StaffOrProviderImplicated = bp(true) })}, []string{NeglectAndActsOfOmission, Organisational}},
		{"disclosure typed as the visitor says", []func(*Request){indicators("discloses_abuse"), func(r *Request) { r.DisclosesAbuseTypes = []string{Sexual} }}, []string{Sexual}},
		{"disclosure untyped", []func(*Request){indicators("discloses_abuse")}, []string{Physical, Psychological}},
		{"dash risk", []func(*Request){s42(func(s *S42) { s.DashRisk = "medium" })}, []string{DomesticAbuse}},
		{"red flags, sorted and merged", []func(*Request){indicators("mate_crime", "unexplained_money_problems", "hate_incident"), safe("", "", "")}, []string{Discriminatory, FinancialOrMaterial, Psychological}},
		{"easi q2", []func(*Request){instrument(EASI, easiKeptFrom)}, []string{NeglectAndActsOfOmission}},
		{"easi q3", []func(*Request){instrument(EASI, easiShamed)}, []string{Psychological}},
		{"easi q4", []func(*Request){instrument(EASI, answers("no", "no", "no", "yes", "no", "no"))}, []string{FinancialOrMaterial}},
		{"easi q5", []func(*Request){instrument(EASI, easiHurt)}, []string{Physical, Sexual}},
		{"easi q6", []func(*Request){instrument(EASI, answers("no", "no", "no", "no", "no", "yes"))}, []string{NeglectAndActsOfOmission}},
		{"cir 7", []func(*Request){instrument(CIR, one(7))}, []string{SelfNeglectRisk}},
		{"self-neglect high", []func(*Request){indicators("home_unsafe", "poor_self_care", "refuses_help")}, []string{SelfNeglectRisk}},
		{"cuckooing", []func(*Request){indicators("home_taken_over")}, []string{FinancialOrMaterial, ModernSlavery}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, mustAssess(t, with(tt.change...)).Safeguarding.TypesOfRisk); diff != "" {
				t.Errorf("types_of_risk (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOthersAtRiskRoutes(t *testing.T) {
	res := mustAssess(t, with(consent(No), s42(func(s *S42) {
		s.OthersAtRisk = bp(true)
		s.OthersAtRiskWho = []string{OthersPublic, OthersChild, OthersAdult}
	})))
	routes := res.Safeguarding.OthersAtRiskRoutes
	if len(routes) != 3 || !strings.Contains(routes[0], "children's social care the same day") ||
		!strings.Contains(routes[1], "raise a safeguarding concern about them") || !strings.Contains(routes[2], "fire service, the police or the council's environmental health") {
		t.Errorf("routes %q; want child, adult, public in that order", routes)
	}
	for _, r := range routes {
		if !hasStep(res, r) {
			t.Errorf("next_steps %q lacks the route %q", res.NextSteps, r)
		}
	}
	if got := mustAssess(t, baseRequest()).Safeguarding.OthersAtRiskRoutes; got == nil || len(got) != 0 {
		t.Errorf("routes with nobody else at risk: %#v; want empty", got)
	}
}

func TestWhatToDoNow(t *testing.T) {
	opts := Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo"}
	tests := []struct {
		name   string
		change []func(*Request)
		opts   Options
		want   string
	}{
		{"none", nil, opts, "No safeguarding concern. Carry on, and offer community support as agreed."},
		{"discuss", []func(*Request){s42(func(s *S42) { s.VisitorConcerned = bp(true) })}, opts, "Talk to your manager or the safeguarding advice line today."},
		{"raise", []func(*Request){redFlag, needs(Yes)}, opts, "Raise a safeguarding concern now: call the Demo adult safeguarding team on 0113 222 4401."},
		{"raise without settings", []func(*Request){redFlag, needs(Yes)}, Options{}, "Raise a safeguarding concern now: call your council's adult safeguarding team."},
		{"emergency", []func(*Request){needs(Yes), s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, opts, "Call 999 now. Then raise a safeguarding concern with the Demo adult safeguarding team on 0113 222 4401."},
		{"emergency, no care needs", []func(*Request){s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, opts, "Call 999 now. They do not appear to have care and support needs, so then tell your own organisation's safeguarding lead (in the police, the police safeguarding lead)."},
		{"discuss, not safe to ask", []func(*Request){redFlag, needs(No), consent(NotAsked)}, opts, "Talk to your manager or the safeguarding advice line today, without naming the person: it was not safe to ask whether they agree to share."},
		{"only a child at risk", []func(*Request){s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{OthersChild} })}, opts, "A child may be at risk: contact children's social care the same day (999 if the child is in danger now)."},
		{"suicidal thoughts come first", []func(*Request){indicators("suicidal_thoughts")}, opts, mentalHealthNow},
		{"suicidal thoughts and a concern", []func(*Request){indicators("suicidal_thoughts"), redFlag, needs(Yes)}, opts, mentalHealthNow + " Raise a safeguarding concern now: call the Demo adult safeguarding team on 0113 222 4401."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Assess(with(tt.change...), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Safeguarding.WhatToDoNow != tt.want {
				t.Errorf("what_to_do_now\n%q\nwant\n%q", res.Safeguarding.WhatToDoNow, tt.want)
			}
			if res.Safeguarding.SafeguardingPhone != tt.opts.SafeguardingPhone || res.Safeguarding.Reference != "" {
				t.Errorf("phone %q, reference %q", res.Safeguarding.SafeguardingPhone, res.Safeguarding.Reference)
			}
		})
	}
}

func TestNextSteps(t *testing.T) {
	tests := []struct {
		name    string
		change  []func(*Request)
		want    []string // in this order
		without []string
	}{
		{"nothing", nil, []string{"Offer community support as agreed."}, []string{"safeguarding lead", "Do not confront", "Tell the person"}},
		{"suicidal thoughts alone first", []func(*Request){indicators("suicidal_thoughts")}, []string{"NHS 111", "Offer community support"}, nil},
		{"headline, then mental health", []func(*Request){indicators("suicidal_thoughts"), redFlag, needs(Yes)}, []string{"Raise a safeguarding concern with the Demo adult safeguarding team on 0113 222 4401", "NHS 111"}, nil},
		{"emergency", []func(*Request){needs(Yes), func(r *Request) { r.SeenAlone = bp(true) }, s42(func(s *S42) { s.ImmediateDanger = bp(true) })}, []string{"Call 999 now.", "Raise a safeguarding concern", "Ask them what they want to happen, and write it down in their own words", "safeguarding lead", "Tell them what will be shared and why, unless telling them would raise the risk", "Record what you saw", "Do not confront or tell the person suspected, or anyone who may tell them; do not investigate yourself, promise to keep it secret, leave letters at the home, or disturb any evidence."}, nil},
		{"discuss: crime and fraud", []func(*Request){indicators("unexplained_money_problems"), safe("", "", ""), needs(No), s42(func(s *S42) { s.CrimeSuspected = bp(true) })}, []string{"Talk to your manager", "police", "Report Fraud on 0300 123 2040"}, []string{"Raise a safeguarding concern", "Trading Standards"}},
		{"discuss: scams", []func(*Request){indicators("responds_to_scams"), safe("", "", ""), needs(No)}, []string{"Talk to your manager", "Trading Standards"}, nil},
		{"discuss: domestic abuse", []func(*Request){indicators("afraid_of_someone_at_home"), needs(No)}, []string{"Talk to your manager", "MARAC"}, nil},
		{"discuss: GP", []func(*Request){indicators("unexplained_injuries", "poor_self_care"), needs(No)}, []string{"Talk to your manager", "GP"}, nil},
		{"discuss: no basis", []func(*Request){redFlag, needs(Yes), consent(No)}, []string{"Talk to your manager or the safeguarding advice line today, without naming the person: they have not agreed to share."}, []string{"what will be shared"}},
		{"discuss: visitor only", []func(*Request){s42(func(s *S42) { s.VisitorConcerned = bp(true) })}, []string{"Talk to your manager", "safeguarding lead", "Record what you saw"}, []string{"Do not confront", "seek advice without naming"}},
		{"fire risk", []func(*Request){indicators("fire_risk")}, []string{"Safe and Well"}, nil},
		{"hoarding", []func(*Request){instrument(CIR, one(4))}, []string{"Safe and Well"}, nil},
		{"care act and carer's assessment", []func(*Request){indicators("is_unpaid_carer"), needs(Unsure)}, []string{"Care Act needs assessment", "carer's assessment"}, nil},
		{"no care act without needs", nil, nil, []string{"Care Act needs assessment", "carer's assessment"}},
		{"capacity", []func(*Request){redFlag, needs(Yes), s42(func(s *S42) { s.CapacityConcern = bp(true) })}, []string{"Write down why you doubt"}, nil},
		{"do not contact", []func(*Request){func(r *Request) { r.SafeContact = &SafeContactAnswers{DoNotContact: "her nephew"} }}, []string{"Do not contact, tell or consult"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			at := 0
			for _, w := range tt.want {
				found := false
				for ; at < len(res.NextSteps); at++ {
					if strings.Contains(res.NextSteps[at], w) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("next_steps lack %q in order:\n%s", w, strings.Join(res.NextSteps, "\n"))
				}
			}
			for _, w := range tt.without {
				if hasStep(res, w) {
					t.Errorf("next_steps should not contain %q:\n%s", w, strings.Join(res.NextSteps, "\n"))
				}
			}
		})
	}
}

// A capacity concern justifies sharing; it is never recorded as the person
// lacking capacity.
func TestCapacityNeverRecordedAsLacking(t *testing.T) {
	res := mustAssess(t, with(redFlag, needs(Yes), consent(NotAsked), s42(func(s *S42) { s.CapacityConcern = bp(true) })))
	b, _ := json.Marshal(res)
	for _, phrase := range []string{"lacks capacity", "lack capacity", "lacking capacity", "lacks the capacity", "lack the capacity"} {
		if strings.Contains(strings.ToLower(string(b)), phrase) {
			t.Errorf("result says %q", phrase)
		}
	}
}

func TestEmptyListsAreEmptyNotNull(t *testing.T) {
	b, err := json.Marshal(mustAssess(t, with(consent(No))))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"share_basis":[]`, `"types_of_risk":[]`, `"others_at_risk_routes":[]`, `"recommendations":[]`, `"because":[]`, `"evidence":[]`, `"instruments":{}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("result lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "null") {
		t.Errorf("result has a null:\n%s", b)
	}
}
