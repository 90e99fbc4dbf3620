package referral

import (
	"strings"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

// BestInterest is a navigator's best-interest decision about a referral for
// a person whose capacity to decide it is in doubt (Mental Capacity Act
// 2005 s.4): what the doubt is, the steps taken to help them decide, and who
// was consulted. It is never a way round a capacitous refusal.
type BestInterest struct {
	Decision   string `json:"decision" validate:"required,oneof=refer do_not_refer"`
	Doubt      string `json:"doubt" validate:"max=5000"`
	StepsTaken string `json:"steps_taken" validate:"required,max=5000"`
	Consulted  string `json:"consulted" validate:"max=5000"`
	Advocate   string `json:"advocate" validate:"max=200"`
}

// Agreement is how a referral may be made from a screening.
type Agreement string

const (
	// Agreed: the person agreed to a referral.
	Agreed Agreement = "agreed"
	// Refused: the person, with nothing to doubt their capacity, said no
	// (or was not asked). Nothing overrides that.
	Refused Agreement = "refused"
	// CapacityInDoubt: the person did not agree and the visitor doubted
	// their capacity to decide; only a best-interest decision can refer.
	CapacityInDoubt Agreement = "capacity_in_doubt"
)

// AgreementOf says how a referral may be made from a screening's request:
// the person's consent to refer, and whether the visitor raised a doubt
// about their capacity to decide.
func AgreementOf(req *screening.Request) Agreement {
	refer := ""
	if req != nil && req.Consent != nil {
		refer = req.Consent.Refer
		if refer == "" {
			refer = req.Consent.Share
		}
	}
	if refer == screening.Yes {
		return Agreed
	}
	if req != nil && req.S42 != nil && req.S42.CapacityConcern != nil && *req.S42.CapacityConcern {
		return CapacityInDoubt
	}
	return Refused
}

// vague are answers that say no step was taken or no one was consulted.
var vague = map[string]bool{"": true, "none": true, "n/a": true, "na": true, "nothing": true, "no": true, "-": true, "no one": true, "nobody": true}

func isVague(s string) bool {
	return vague[strings.ToLower(strings.Trim(strings.TrimSpace(s), "."))]
}

// CheckBestInterest decides whether a best-interest decision may be
// recorded for a screening. A person who agreed needs none; a person who
// refused, or was not asked, with no doubt about their capacity, is never
// overridden (a conflict); where capacity is in doubt the decision must
// say what the doubt is, the steps taken to help the person decide (not
// "none") and who was consulted, and the person who must not be contacted
// is never consulted.
func CheckBestInterest(req *screening.Request, b BestInterest) error {
	switch AgreementOf(req) {
	case Agreed:
		return kith.Errorf(kith.ECONFLICT, "The person agreed to a referral: no best-interest decision is needed.")
	case Refused:
		return &kith.Error{Code: kith.ECONFLICT,
			Message: "The person's own decision stands: no doubt about their capacity was recorded, so a best-interest decision cannot override it. Ask them again if things have changed.",
			Fields:  []kith.FieldError{{Field: "decision", Message: "a capacitous decision cannot be overridden"}}}
	}
	var errs []kith.FieldError
	if isVague(b.Doubt) {
		errs = append(errs, kith.FieldError{Field: "doubt", Message: "Say why you doubt the person can make this decision themselves"})
	}
	if isVague(b.StepsTaken) {
		errs = append(errs, kith.FieldError{Field: "steps_taken", Message: "Say what was done to help the person decide for themselves"})
	}
	if isVague(b.Consulted) {
		errs = append(errs, kith.FieldError{Field: "consulted", Message: "Say who was consulted (family, carers, an advocate)"})
	} else if dnc := doNotContact(req); dnc != "" && strings.Contains(strings.ToLower(b.Consulted), strings.ToLower(dnc)) {
		errs = append(errs, kith.FieldError{Field: "consulted", Message: "The person who must not be contacted cannot be consulted"})
	}
	for _, f := range []struct{ name, v string }{{"doubt", b.Doubt}, {"steps_taken", b.StepsTaken}, {"consulted", b.Consulted}} {
		if utf8.RuneCountInString(f.v) > 5000 {
			errs = append(errs, kith.FieldError{Field: f.name, Message: "must be at most 5000 characters"})
		}
	}
	if b.Decision != "refer" && b.Decision != "do_not_refer" {
		errs = append(errs, kith.FieldError{Field: "decision", Message: "Choose whether a referral is in the person's best interests"})
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

func doNotContact(req *screening.Request) string {
	if req == nil || req.SafeContact == nil {
		return ""
	}
	return strings.TrimSpace(req.SafeContact.DoNotContact)
}

// WordsToShare is what of the person's own words a provider may see: none
// unless they agreed to share; otherwise what the navigator agreed with them
// (edited, when the navigator set it, even to nothing), else what the
// visitor wrote down.
func WordsToShare(share, recorded, edited string, wasEdited bool) string {
	if share != screening.Yes {
		return ""
	}
	if wasEdited {
		return edited
	}
	return recorded
}

// AwaitsNavigator reports whether a screening waits for a navigator to
// make a referral (while none is made): the person agreed, or their
// capacity to decide is in doubt and a best-interest decision may refer.
func AwaitsNavigator(req *screening.Request) bool { return AgreementOf(req) != Refused }
