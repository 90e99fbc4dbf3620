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
	Outcome             *referral.Outcome
	Change              *referral.Change
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
	header = append(header, "pathway_version", "arm", "referral", "referral_state", "fhir_task_status", "snomed_code", "category", "achieved", "feels_safer", "loneliness_delta")
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
		for _, r := range s.Referrals {
			out = append(out, append(append([]string{}, row...), researchReferralColumns(key, site, r)...))
		}
		if len(s.Referrals) == 0 {
			out = append(out, append(append([]string{}, row...), "", "", "", "", "", "", "", ""))
		}
	}
	return out
}

func researchReferralColumns(key []byte, site string, r ResearchReferral) []string {
	snomed := SnomedReferredToSocialPrescribing
	if r.State == string(referral.Declined) || r.State == string(referral.Withdrawn) {
		snomed = SnomedSocialPrescribingDeclined
	}
	achieved, safer, delta := "", "", ""
	if r.Outcome != nil {
		achieved, safer = r.Outcome.Achieved, r.Outcome.FeelsSafer
	}
	if r.Change != nil && r.Change.Delta != nil {
		delta = strconv.Itoa(*r.Change.Delta)
	}
	return []string{Pseudonym(key, site, r.ID), r.State, referral.FHIRStatus(referral.State(r.State)), snomed, r.Category, achieved, safer, delta}
}
