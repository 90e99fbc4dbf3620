package reports

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// SNOMED CT codes for social prescribing, carried on referral rows.
const (
	SnomedReferredToSocialPrescribing = "871731000000106"
	SnomedSocialPrescribingDeclined   = "871711000000103"
)

// ResearchScreening is what the research extract reads of one screening
// and its referrals (oldest first).
type ResearchScreening struct {
	ID                       string
	Month                    string // YYYY-MM
	Agency, Action, Quadrant string
	Loneliness, Isolation    string
	Result                   *screening.Result
	PathwayVersion           int // 0: none
	Arm                      string
	Referrals                []ResearchReferral
}

// ResearchReferral is what the research extract reads of one referral.
type ResearchReferral struct {
	ID, State, Category string
	// ReroutedFrom is the referral this one replaced ("" for the first of
	// an episode).
	ReroutedFrom string
	Outcome      *referral.Outcome
	Change       *referral.Change
	// History is the referral's moves, oldest first.
	History []referral.Entry
}

var (
	researchRelationships = []string{"risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"}
	researchInstruments   = []string{"ucla3", "djg6", "ons_loneliness", "lsns6", "easi", "csi", "cir"}
)

// Pseudonym is stable per site: the same record always gets the same
// pseudonym in that site's extracts, and it cannot be reversed without the
// site's key.
func Pseudonym(key []byte, site, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(site + "\x00" + id))
	return "P" + hex.EncodeToString(m.Sum(nil))[:16]
}

// ResearchRows is the pseudonymised research extract, header first: one
// row per screening and referral (a screening without one has a row of its
// own), with no name, contact detail, postcode or free text, and dates to
// the month.
func ResearchRows(key []byte, site string, list []ResearchScreening) [][]string {
	header := []string{"person", "month", "agency", "action", "quadrant", "loneliness", "isolation", "choice_respected"}
	for _, r := range researchRelationships {
		header = append(header, "level_"+r)
	}
	for _, code := range researchInstruments {
		header = append(header, code+"_classification")
	}
	header = append(header, "pathway_version", "arm", "referral", "referral_state", "fhir_task_status", "snomed_referral", "snomed_declined", "category", "achieved", "feels_safer", "loneliness_delta")
	out := [][]string{header}
	for _, s := range list {
		row := []string{Pseudonym(key, site, s.ID), s.Month, s.Agency, s.Action, s.Quadrant, s.Loneliness, s.Isolation, strconv.FormatBool(s.Result.ChoiceRespected)}
		for _, r := range researchRelationships {
			row = append(row, s.Result.Relationships[r].Level)
		}
		for _, code := range researchInstruments {
			row = append(row, s.Result.Instruments[code].Classification)
		}
		v := ""
		if s.PathwayVersion > 0 {
			v = strconv.Itoa(s.PathwayVersion)
		}
		row = append(row, v, s.Arm)
		agreed := s.Result != nil && s.Result.Consent.Refer == screening.Yes
		for _, r := range s.Referrals {
			out = append(out, append(append([]string{}, row...), researchReferralColumns(key, site, r, agreed)...))
		}
		if len(s.Referrals) == 0 {
			// The person who said no to a referral on the doorstep declined
			// social prescribing.
			declined := ""
			if s.Result != nil && s.Result.Consent.Refer == screening.No {
				declined = SnomedSocialPrescribingDeclined
			}
			out = append(out, append(append([]string{}, row...), "", "", "", "", declined, "", "", "", ""))
		}
	}
	return out
}

// researchReferralColumns codes a referral as NHS England's social
// prescribing guidance asks: "referral to social prescribing service" once
// per episode, on its first referral (not on the referrals a reroute makes),
// and only where the person agreed to be referred; "social prescribing
// declined" only where the person themself declined (a provider's decline or
// a referrer's withdrawal is not the person declining).
func researchReferralColumns(key []byte, site string, r ResearchReferral, agreed bool) []string {
	referred, declined := "", ""
	if r.ReroutedFrom == "" && agreed {
		referred = SnomedReferredToSocialPrescribing
	}
	if referral.PersonDeclined(r.History) {
		declined = SnomedSocialPrescribingDeclined
	}
	achieved, safer, delta := "", "", ""
	if r.Outcome != nil {
		achieved, safer = r.Outcome.Achieved, r.Outcome.FeelsSafer
	}
	if r.Change != nil && r.Change.Delta != nil {
		delta = strconv.Itoa(*r.Change.Delta)
	}
	return []string{Pseudonym(key, site, r.ID), r.State, referral.TaskStatusOf(r.History), referred, declined, r.Category, achieved, safer, delta}
}
