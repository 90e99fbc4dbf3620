package assets

import (
	"regexp"
	"slices"
)

// Term is a code of Kith's fixed vocabulary with the words shown to people.
// The codes are part of the API contract; the labels may change.
type Term struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Categories are the kinds of community asset every site knows. A site may
// add its own (see ValidCategory).
var Categories = []Term{
	{"befriending", "Befriending"},
	{"telephone_befriending", "Telephone befriending"},
	{"social_group", "Social group"},
	{"community_navigator", "Community navigator"},
	{"carers_support", "Support for carers"},
	{"respite", "Respite for carers"},
	{"peer_support", "Peer support"},
	{"counselling", "Counselling"},
	{"victim_support", "Support after crime or abuse"},
	{"domestic_abuse_service", "Domestic abuse service"},
	{"scam_prevention", "Scam prevention"},
	{"advocacy", "Advocacy"},
	{"hoarding_support", "Hoarding support"},
	{"practical_help", "Practical help at home"},
	{"fire_safety_visit", "Fire safety visit"},
	{"transport", "Transport"},
	{"digital_inclusion", "Getting online"},
	{"mental_health", "Mental health support"},
	{"bereavement_support", "Bereavement support"},
	{"learning_disability_support", "Learning disability support"},
	{"faith_and_cultural_groups", "Faith and cultural groups"},
	{"physical_activity", "Physical activity"},
	{"volunteering", "Volunteering"},
	{"information_and_advice", "Information and advice"},
}

// SocialActivity lists the categories that put a person in company. They are
// never recommended to someone whose choice to be alone is respected.
var SocialActivity = []string{
	"befriending", "telephone_befriending", "social_group",
	"faith_and_cultural_groups", "physical_activity", "volunteering",
}

// SupportToAttend are the kinds of help a service gives people who would
// otherwise not get there: what matters most to someone anxious or housebound.
var SupportToAttend = []Term{
	{"accompanied_first_visit", "Someone goes with you the first time"},
	{"transport", "Transport provided"},
	{"home_visits", "Visits you at home"},
	{"by_phone", "By phone"},
	{"online", "Online"},
}

// Capacity says whether a service can take a referral now.
const (
	CapacityOpen        = "open"
	CapacityWaitingList = "waiting_list"
	CapacityFull        = "full"
)

// Capacities are the capacity codes with their words.
var Capacities = []Term{
	{CapacityOpen, "Taking referrals"},
	{CapacityWaitingList, "Waiting list"},
	{CapacityFull, "Full"},
}

// Relationships are the seven relationships between isolation and
// safeguarding; a service says which of them it helps with.
var Relationships = []Term{
	{"risk_factor", "Isolation makes abuse or neglect more likely"},
	{"impact_factor", "Abuse has left the person more isolated"},
	{"means_of_abuse", "Isolation is used to abuse or control"},
	{"self_neglect", "Isolation and self-neglect feed each other"},
	{"carers", "An unpaid carer is isolated by caring"},
	{"fear_of_isolation", "Fear of losing contact stops the person reporting harm"},
	{"chosen_isolation", "The person prefers their own company"},
}

// HSDS service statuses. Only an active service is offered to anyone.
const (
	StatusActive            = "active"
	StatusInactive          = "inactive"
	StatusDefunct           = "defunct"
	StatusTemporarilyClosed = "temporarily closed"
)

// Statuses are the HSDS service statuses.
var Statuses = []string{StatusActive, StatusInactive, StatusDefunct, StatusTemporarilyClosed}

// Genders a service may be restricted to; "" means anyone.
const (
	GenderFemale = "female"
	GenderMale   = "male"
)

// CategoryCodes returns the built-in category codes in order.
func CategoryCodes() []string { return codes(Categories) }

// RelationshipCodes returns the seven relationship codes in order.
func RelationshipCodes() []string { return codes(Relationships) }

// SupportToAttendCodes returns the support-to-attend codes in order.
func SupportToAttendCodes() []string { return codes(SupportToAttend) }

// CapacityCodes returns the capacity codes in order.
func CapacityCodes() []string { return codes(Capacities) }

// IsSocialActivity reports whether a category puts a person in company.
func IsSocialActivity(category string) bool { return slices.Contains(SocialActivity, category) }

var siteCode = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// ValidSiteCategory reports whether code may name a site's own category:
// lower_snake_case, at most 60 characters, and not a built-in code.
func ValidSiteCategory(code string) bool {
	return len(code) <= 60 && siteCode.MatchString(code) && !known(Categories, code)
}

// ValidCategory reports whether code is a built-in category or one of the
// site's own. Malformed site codes are ignored, so a bad site setting cannot
// make junk valid.
func ValidCategory(code string, siteExtra []string) bool {
	if known(Categories, code) {
		return true
	}
	return siteCode.MatchString(code) && slices.Contains(siteExtra, code)
}

// CategoryLabel returns a category's words, or the code itself for a site's
// own category.
func CategoryLabel(code string) string { return label(Categories, code) }

// SupportToAttendLabel returns the words for a support-to-attend code.
func SupportToAttendLabel(code string) string { return label(SupportToAttend, code) }

func codes(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Code
	}
	return out
}

func known(terms []Term, code string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Code == code })
}

func label(terms []Term, code string) string {
	for _, t := range terms {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}
