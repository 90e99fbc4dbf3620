// Package gen makes realistic, varied, invented screenings for demo data,
// load tests and crash tests. Deterministic for a random source.
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/screening"
)

var (
	indicators = []string{"lives_alone", "no_regular_visitors", "no_emergency_contact", "rarely_goes_out", "recent_bereavement", "memory_problems",
		"low_mood", "afraid_to_go_out", "scam_contact", "home_unsafe", "poor_self_care", "fire_risk", "is_unpaid_carer", "carer_strain",
		"prefers_own_company", "content_with_contact", "unexplained_money_problems", "responds_to_scams"}
	postcodes = func() []string {
		var out []string
		for _, p := range assets.DemoPostcodes() {
			out = append(out, p.Postcode)
		}
		return out
	}()
)

// UCLA returns three random UCLA-3 answers.
func UCLA(rng *rand.Rand) []json.RawMessage {
	out := make([]json.RawMessage, 3)
	for i := range out {
		out[i] = json.RawMessage(fmt.Sprint(1 + rng.IntN(3)))
	}
	return out
}

// Screening is a plausible screening of an invented person.
func Screening(rng *rand.Rand, i int) *screening.Request {
	no := func() *bool { v := false; return &v }
	yes := "yes"
	var inds []string
	for _, code := range indicators {
		if rng.Float64() < 0.12 {
			inds = append(inds, code)
		}
	}
	consent := "yes"
	if rng.Float64() < 0.15 {
		consent = "no"
	}
	req := &screening.Request{
		Person:  &screening.Person{Name: fmt.Sprintf("Generated Person %d", i), Postcode: postcodes[rng.IntN(len(postcodes))]},
		Consent: &screening.Consent{Share: consent},
		S42: &screening.S42{CareAndSupportNeeds: []string{"yes", "no", "unsure"}[rng.IntN(3)], UnableToProtectSelf: []string{"yes", "no", "unsure"}[rng.IntN(3)],
			ImmediateDanger: no(), OthersAtRisk: no(), CapacityConcern: no(), CrimeSuspected: no(), StaffOrProviderImplicated: no(), VisitorConcerned: no()},
		SafeContact: &screening.SafeContactAnswers{Phone: &yes},
		Indicators:  inds,
		Instruments: map[string]screening.InstrumentInput{"ucla3": {Answers: UCLA(rng)}},
		Observer:    &screening.Observer{Agency: screening.Agencies[rng.IntN(len(screening.Agencies))]},
		Wishes:      []string{"", "Someone to talk to", "Help getting to the shops", "I am fine on my own"}[rng.IntN(4)],
	}
	if rng.Float64() < 0.5 {
		lsns := make([]json.RawMessage, 6)
		for k := range lsns {
			lsns[k] = json.RawMessage(fmt.Sprint(rng.IntN(5)))
		}
		req.Instruments["lsns6"] = screening.InstrumentInput{Answers: lsns}
	}
	return req
}
