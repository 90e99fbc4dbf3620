package screening

// The codes below are part of the API contract (DESIGN.md); the words shown
// to people may change, the codes may not.

// Relationship codes, in the order the design lists them.
const (
	RiskFactor      = "risk_factor"
	ImpactFactor    = "impact_factor"
	MeansOfAbuse    = "means_of_abuse"
	SelfNeglect     = "self_neglect"
	Carers          = "carers"
	FearOfIsolation = "fear_of_isolation"
	ChosenIsolation = "chosen_isolation"
)

// SafeguardingSigns is the indicator group that feeds the safeguarding
// decision but no relationship.
const SafeguardingSigns = "safeguarding_signs"

// Types of risk, from the national Safeguarding Adults Collection, so that a
// site's return needs no re-keying.
const (
	Physical                 = "physical"
	Sexual                   = "sexual"
	Psychological            = "psychological"
	FinancialOrMaterial      = "financial_or_material"
	Discriminatory           = "discriminatory"
	Organisational           = "organisational"
	NeglectAndActsOfOmission = "neglect_and_acts_of_omission"
	DomesticAbuse            = "domestic_abuse"
	SexualExploitation       = "sexual_exploitation"
	ModernSlavery            = "modern_slavery"
	SelfNeglectRisk          = "self_neglect"
)

// TypesOfRisk lists the Safeguarding Adults Collection types of risk.
var TypesOfRisk = []string{
	Physical, Sexual, Psychological, FinancialOrMaterial, Discriminatory, Organisational,
	NeglectAndActsOfOmission, DomesticAbuse, SexualExploitation, ModernSlavery, SelfNeglectRisk,
}

// Locations of risk, in the Safeguarding Adults Collection's terms. What the
// visitor did not say is left empty (not yet known) for the safeguarding team
// to complete: a location is never invented.
var LocationsOfRisk = []Term{
	{"own_home", "The person's own home"},
	{"in_the_community", "In the community (not a community service)"},
	{"community_service", "A community service, such as a day centre"},
	{"care_home_nursing", "A care home with nursing"},
	{"care_home_residential", "A residential care home"},
	{"hospital_acute", "An acute hospital"},
	{"hospital_mental_health", "A mental health hospital"},
	{"hospital_community", "A community hospital"},
	{"other", "Somewhere else"},
}

// SourcesOfRisk, in the Safeguarding Adults Collection's terms:
// service_provider is paid care and support, not NHS or council staff.
var SourcesOfRisk = []Term{
	{"service_provider", "A paid care or support provider"},
	{"other_known_to_individual", "Someone they know"},
	{"other_unknown_to_individual", "Someone they do not know"},
}

// DashRisks are the levels of a domestic abuse (DASH) risk assessment
// already done; high meets the MARAC threshold.
var DashRisks = []Term{
	{"standard", "Standard"},
	{"medium", "Medium"},
	{"high", "High (meets the MARAC threshold)"},
}

// TypeOfRiskWording is each type of risk in plain words, for the form.
var TypeOfRiskWording = []Term{
	{Physical, "Physical"},
	{Sexual, "Sexual"},
	{Psychological, "Psychological or emotional"},
	{FinancialOrMaterial, "Financial or material (money or belongings)"},
	{Discriminatory, "Discriminatory (because of who they are)"},
	{Organisational, "Organisational (by a service or its staff)"},
	{NeglectAndActsOfOmission, "Neglect"},
	{DomesticAbuse, "Domestic abuse (by a partner or family member)"},
	{SexualExploitation, "Sexual exploitation"},
	{ModernSlavery, "Modern slavery"},
	{SelfNeglectRisk, "Self-neglect"},
}

// Term is a code with the words shown for it.
type Term struct {
	Code    string `json:"code"`
	Wording string `json:"wording"`
}

// LocationOfRiskCodes and SourceOfRiskCodes are the codes alone.
func LocationOfRiskCodes() []string { return termCodes(LocationsOfRisk) }

// SourceOfRiskCodes: see LocationOfRiskCodes.
func SourceOfRiskCodes() []string { return termCodes(SourcesOfRisk) }

func termCodes(ts []Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

// Relationship is one of the seven ways isolation and safeguarding meet.
type Relationship struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Group heads a set of indicators on the form: one per relationship, and
// safeguarding_signs.
type Group struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Indicator is something a visitor can see or be told. A red flag means abuse
// or neglect is indicated; TypesOfRisk are the types it points to.
type Indicator struct {
	Code        string   `json:"code"`
	Group       string   `json:"group"`
	Wording     string   `json:"wording"`
	Hint        string   `json:"hint,omitempty"`
	RedFlag     bool     `json:"red_flag"`
	TypesOfRisk []string `json:"types_of_risk"`
}

// Instrument is a short validated questionnaire, with its published wording.
// AnswerShape says whether a client sends {"answers": [...]} or {"answer": x}.
type Instrument struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Source          string   `json:"source"`
	Question        string   `json:"question"`
	Items           []Item   `json:"items"`
	Options         []Option `json:"options"`
	AnswerShape     string   `json:"answer_shape"`
	Classifications []string `json:"classifications"`
	Scoring         string   `json:"scoring"`
	Note            string   `json:"note,omitempty"`
}

// Item is one question of an instrument. LeadIn, where set, is read before
// the item (LSNS-6 introduces relatives and then friends). TypesOfRisk is set
// where a yes points to a type of abuse (EASI).
type Item struct {
	Number      int      `json:"number"`
	Text        string   `json:"text"`
	LeadIn      string   `json:"lead_in,omitempty"`
	Subscale    string   `json:"subscale,omitempty"`
	Note        string   `json:"note,omitempty"`
	TypesOfRisk []string `json:"types_of_risk,omitempty"`
}

// Option is one allowed answer. Value is exactly the JSON value a client
// sends: an integer, a string, or null where an item may be left unanswered.
type Option struct {
	Value any    `json:"value"`
	Label string `json:"label"`
}

// Answer shapes.
const (
	ShapeAnswers = "answers"
	ShapeAnswer  = "answer"
)

// Instrument codes.
const (
	ONSLoneliness = "ons_loneliness"
	UCLA3         = "ucla3"
	DJG6          = "djg6"
	LSNS6         = "lsns6"
	EASI          = "easi"
	CSI           = "csi"
	CIR           = "cir"
)

// Relationships are the seven relationships, in the design's order.
var Relationships = []Relationship{
	{RiskFactor, "Isolation as a risk factor", "Isolation makes abuse or neglect more likely."},
	{ImpactFactor, "Isolation as an impact of abuse", "Abuse has left the person more isolated."},
	{MeansOfAbuse, "Isolation as a means of abuse", "Isolation is used to abuse or control the person."},
	{SelfNeglect, "Isolation and self-neglect", "Isolation and self-neglect feed each other."},
	{Carers, "Isolated by caring", "An unpaid carer is isolated by caring."},
	{FearOfIsolation, "Fear of isolation", "Fear of losing contact stops the person reporting harm."},
	{ChosenIsolation, "Chosen isolation", "The person prefers their own company."},
}

// Groups head the indicators on the form, in the design's order.
var Groups = []Group{
	{RiskFactor, "What makes them more isolated"},
	{ImpactFactor, "Since something happened"},
	{MeansOfAbuse, "Someone may be using isolation against them"},
	{SelfNeglect, "Looking after themselves and their home"},
	{Carers, "Caring"},
	{FearOfIsolation, "Fear of losing contact"},
	{ChosenIsolation, "Their own choice"},
	{SafeguardingSigns, "Signs of harm"},
}

// types keeps an empty list non-nil, so that it is [] in JSON.
func types(t ...string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

// Indicators are the fixed vocabulary of observations, in the design's order.
var Indicators = []Indicator{
	{"lives_alone", RiskFactor, "Lives alone", "", false, types()},
	{"no_regular_visitors", RiskFactor, "Nobody visits at least once a week", "Count family, friends and neighbours, not paid carers or staff.", false, types()},
	{"no_emergency_contact", RiskFactor, "Has no one to call in an emergency", "", false, types()},
	{"rarely_goes_out", RiskFactor, "Goes out less than once a week", "", false, types()},
	{"recent_bereavement", RiskFactor, "Someone close has died recently", "", false, types()},
	{"recent_loss_of_role", RiskFactor, "Has recently lost a role or routine", "For example retired, stopped driving, moved home, or lost a pet.", false, types()},
	{"sensory_or_language_barrier", RiskFactor, "Sight, hearing or language makes contact hard", "", false, types()},
	{"no_phone_or_internet", RiskFactor, "Has no working phone or internet", "", false, types()},
	{"memory_problems", RiskFactor, "Has memory problems or gets confused", "", false, types()},

	{"recent_abuse_or_scam", ImpactFactor, "Has recently been abused, exploited or scammed", "", true, types(Physical, Psychological, FinancialOrMaterial)},
	{"withdrawn_since_incident", ImpactFactor, "Has withdrawn from people since something happened", "", false, types()},
	{"afraid_to_go_out", ImpactFactor, "Is afraid of people or of going out", "", false, types()},
	{"low_mood", ImpactFactor, "Seems low, anxious or troubled by something that happened", "", false, types()},
	{"after_safeguarding_enquiry", ImpactFactor, "Has been more isolated since a safeguarding enquiry", "", false, types()},

	{"contact_controlled", MeansOfAbuse, "Someone controls who they see or speak to", "", true, types(Psychological, DomesticAbuse)},
	{"phone_or_post_withheld", MeansOfAbuse, "Their phone or post is kept from them", "", true, types(Psychological, DomesticAbuse)},
	{"undue_influence", MeansOfAbuse, "A new \"friend\" seems to have too much say over them", "Someone who appeared recently and steers their decisions or money.", true, types(FinancialOrMaterial, Psychological)},
	{"unexplained_money_problems", MeansOfAbuse, "Has money problems nobody can explain", "Bills unpaid, no food, money or belongings missing.", true, types(FinancialOrMaterial)},
	{"scam_contact", MeansOfAbuse, "Gets scam letters, calls or messages", "", false, types(FinancialOrMaterial)},
	{"responds_to_scams", MeansOfAbuse, "Replies to scams, pays or gives details", "", true, types(FinancialOrMaterial)},
	{"mate_crime", MeansOfAbuse, "Befriended by people who take advantage of them", "Often called mate crime: \"friends\" who use their home, money or medicines.", true, types(FinancialOrMaterial, Psychological)},
	{"excluded_in_care_setting", MeansOfAbuse, "Has little company or activity in a care setting", "", false, types(Organisational, NeglectAndActsOfOmission)},
	{"confined_or_kept_apart", MeansOfAbuse, "Is shut in or kept apart from other people", "", true, types(Physical, Psychological)},
	{"attorney_suspected", MeansOfAbuse, "The person suspected of harm holds their power of attorney", "", true, types(FinancialOrMaterial)},
	{"scam_in_progress", MeansOfAbuse, "Money is about to be handed over or sent to a scammer", "For example a courier is coming to collect cash, or they are being told to move money now.", true, types(FinancialOrMaterial)},

	{"home_unsafe", SelfNeglect, "Home is unsafe or unsanitary", "", false, types(SelfNeglectRisk)},
	{"hoarding", SelfNeglect, "So much clutter that rooms are hard to use", "Hoarding: use the Clutter Image Rating if you can.", false, types(SelfNeglectRisk)},
	{"poor_self_care", SelfNeglect, "Is not eating, drinking or washing enough", "", false, types(SelfNeglectRisk)},
	{"refuses_help", SelfNeglect, "Refuses help or care they seem to need", "", false, types(SelfNeglectRisk)},
	{"fire_risk", SelfNeglect, "There is a fire risk in the home", "For example smoking in bed, heaters near clutter, no working smoke alarm.", false, types(SelfNeglectRisk)},
	{"untreated_health_condition", SelfNeglect, "Has a health problem that is not being treated", "", false, types(SelfNeglectRisk)},
	{"alcohol_or_drug_use", SelfNeglect, "Alcohol or drug use is a worry", "", false, types(SelfNeglectRisk)},
	{"missed_care_calls", SelfNeglect, "Home care visits are being missed or cut short", "", false, types(NeglectAndActsOfOmission, Organisational)},
	{"fire_risk_to_life", SelfNeglect, "A fire could put their life at risk", "For example smoking while using home oxygen, or exits blocked in a shared building.", true, types(SelfNeglectRisk)},

	{"is_unpaid_carer", Carers, "Looks after someone without being paid", "", false, types()},
	{"carer_isolated", Carers, "Caring cuts them off from other people", "", false, types()},
	{"carer_strain", Carers, "Is struggling with the strain of caring", "", false, types()},
	{"carer_harmed", Carers, "Is harmed by the person they care for", "", true, types(Physical, Psychological)},
	{"carer_may_harm", Carers, "A carer may be harming or neglecting the person they care for", "Strain can lead to harm. This is about safety, not blame.", true, types(NeglectAndActsOfOmission, Physical, Psychological)},

	{"only_contact_is_harmful", FearOfIsolation, "Their only contact is someone who harms them", "", true, types(Psychological)},
	{"scammer_is_only_visitor", FearOfIsolation, "A scammer is their only visitor", "", true, types(FinancialOrMaterial, Psychological)},
	{"fears_losing_carer", FearOfIsolation, "Is afraid of losing their carer if they speak up", "", false, types()},
	{"ashamed_to_tell", FearOfIsolation, "Is ashamed or embarrassed to tell anyone", "", false, types()},

	{"prefers_own_company", ChosenIsolation, "Prefers their own company", "", false, types()},
	{"declines_social_contact", ChosenIsolation, "Turns down company or activities", "", false, types()},
	{"distrusts_others", ChosenIsolation, "Does not trust other people", "", false, types()},
	{"content_with_contact", ChosenIsolation, "Is happy with how much contact they have", "", false, types()},

	{"discloses_abuse", SafeguardingSigns, "Tells you someone is harming or abusing them", "Write down their own words, and choose the kinds of harm they describe.", true, types(Physical, Psychological)},
	{"unexplained_injuries", SafeguardingSigns, "Has injuries with no clear explanation", "", true, types(Physical)},
	{"afraid_of_someone_at_home", SafeguardingSigns, "Is afraid of someone they live with", "", true, types(Psychological, DomesticAbuse)},
	{"someone_answers_for_them", SafeguardingSigns, "Someone else answers for them or will not leave them alone with you", "", true, types(Psychological)},
	{"neglected_by_carer", SafeguardingSigns, "Their carer is not meeting their basic needs", "", true, types(NeglectAndActsOfOmission)},
	{"hate_incident", SafeguardingSigns, "Has been targeted because of who they are", "Disability, race, religion, sexuality or gender identity.", true, types(Discriminatory)},
	{"home_taken_over", SafeguardingSigns, "Others have taken over their home", "Often called cuckooing: used for drugs, crime or to stay.", true, types(FinancialOrMaterial, ModernSlavery)},
	{"forced_to_work", SafeguardingSigns, "Is made to work, or to hand over what they earn", "For example unpaid work for others, long hours, or wages taken.", true, types(ModernSlavery)},
	{"documents_held", SafeguardingSigns, "Someone else keeps their passport, ID or bank cards", "", true, types(ModernSlavery, FinancialOrMaterial)},
	{"sexual_abuse_suspected", SafeguardingSigns, "You think they may have been sexually abused or assaulted", "Do not wash them or their clothes, or tidy up: it may destroy evidence.", true, types(Sexual)},
	{"neglected_by_staff_or_provider", SafeguardingSigns, "Paid carers or staff are not meeting their basic needs", "For example not helped to eat or drink, left wet or soiled, medicines missed.", true, types(Organisational, NeglectAndActsOfOmission)},
	{"radicalisation_concern", SafeguardingSigns, "Someone may be drawing them into extremism", "", true, types(Psychological)},
	{"no_response_at_visit", SafeguardingSigns, "You could not see them: no one answered", "Use this when you expected them to be in and could not get an answer.", true, types(NeglectAndActsOfOmission)},
	{"needs_advocate", SafeguardingSigns, "Would find it very hard to take part without help", "For example to understand, remember or weigh up information, or to say what they want.", false, types()},
	{"suicidal_thoughts", SafeguardingSigns, "Talks about ending their life or harming themselves", "Get urgent help today.", false, types()},
	{"children_in_household", SafeguardingSigns, "Children live in or often stay at the home", "", false, types()},
}

var ynOpts = []Option{{"yes", "Yes"}, {"no", "No"}}

// Instruments are the validated instruments, with their published wording.
var Instruments = []Instrument{
	{
		Code:     ONSLoneliness,
		Name:     "ONS direct loneliness question",
		Source:   "Office for National Statistics (2018). Measuring loneliness: guidance for use of the national indicators on surveys.",
		Question: "How often do you feel lonely?",
		Items:    []Item{{Number: 1, Text: "How often do you feel lonely?"}},
		Options: []Option{
			{"often_always", "Often/always"}, {"some_of_the_time", "Some of the time"},
			{"occasionally", "Occasionally"}, {"hardly_ever", "Hardly ever"}, {"never", "Never"},
		},
		AnswerShape:     ShapeAnswer,
		Classifications: []string{"chronic_loneliness", "some_loneliness", "not_lonely"},
		Scoring:         "No numeric score. Often/always is chronic loneliness; some of the time and occasionally are some loneliness; hardly ever and never are not lonely.",
		Note:            "This service counts the person as lonely for often/always or some of the time, not occasionally.",
	},
	{
		Code:     UCLA3,
		Name:     "UCLA 3-item loneliness scale",
		Source:   "Hughes, M. E., Waite, L. J., Hawkley, L. C. & Cacioppo, J. T. (2004). A short scale for measuring loneliness in large surveys. Research on Aging, 26(6), 655-672.",
		Question: "The next questions are about how you feel about different aspects of your life. For each one, tell me how often you feel that way.",
		Items: []Item{
			{Number: 1, Text: "How often do you feel that you lack companionship?"},
			{Number: 2, Text: "How often do you feel left out?"},
			{Number: 3, Text: "How often do you feel isolated from others?"},
		},
		Options:         []Option{{1, "Hardly ever"}, {2, "Some of the time"}, {3, "Often"}},
		AnswerShape:     ShapeAnswers,
		Classifications: []string{"not_lonely", "lonely"},
		Scoring:         "Sum of the three answers, 3 to 9. 6 or more is lonely.",
		Note:            "6 or more is a widely used grouping, not a validated cut-off.",
	},
	{
		Code:     DJG6,
		Name:     "De Jong Gierveld 6-item loneliness scale",
		Source:   "De Jong Gierveld, J. & Van Tilburg, T. (2006). A 6-item scale for overall, emotional, and social loneliness: confirmatory tests on survey data. Research on Aging, 28(5), 582-598.",
		Question: "Please indicate for each of the statements, the extent to which they apply to your situation, the way you feel now.",
		Items: []Item{
			{Number: 1, Text: "I experience a general sense of emptiness.", Subscale: "emotional"},
			{Number: 2, Text: "There are plenty of people I can lean on when I have problems.", Subscale: "social"},
			{Number: 3, Text: "There are many people I can trust completely.", Subscale: "social"},
			{Number: 4, Text: "I miss having people around.", Subscale: "emotional"},
			{Number: 5, Text: "There are enough people I feel close to.", Subscale: "social"},
			{Number: 6, Text: "I often feel rejected.", Subscale: "emotional"},
		},
		Options:         []Option{{"yes", "Yes"}, {"more_or_less", "More or less"}, {"no", "No"}, {nil, "Not answered"}},
		AnswerShape:     ShapeAnswers,
		Classifications: []string{"not_lonely", "moderately_lonely", "severely_lonely"},
		Scoring:         "The neutral answer counts as lonely: emotional items (1, 4, 6) score 1 for yes or more or less; social items (2, 3, 5) score 1 for no or more or less. Total 0 to 6: 0-1 not lonely, 2-4 moderately lonely, 5-6 severely lonely. Emotional and social subscales 0 to 3. One item may be left unanswered: the total counts the other five and that item's subscale is not scored.",
	},
	{
		Code:     LSNS6,
		Name:     "Lubben Social Network Scale, 6 items (LSNS-6)",
		Source:   "Lubben, J., Blozik, E., Gillmann, G., Iliffe, S., von Renteln Kruse, W., Beck, J. C. & Stuck, A. E. (2006). Performance of an abbreviated version of the Lubben Social Network Scale among three European community-dwelling older adult populations. The Gerontologist, 46(4), 503-513.",
		Question: "These questions are about the relatives and friends you keep in touch with.",
		Items: []Item{
			{Number: 1, LeadIn: "FAMILY: Considering the people to whom you are related by birth, marriage, adoption, etc…", Text: "How many relatives do you see or hear from at least once a month?", Subscale: "family"},
			{Number: 2, Text: "How many relatives do you feel at ease with that you can talk about private matters?", Subscale: "family"},
			{Number: 3, Text: "How many relatives do you feel close to such that you could call on them for help?", Subscale: "family"},
			{Number: 4, LeadIn: "FRIENDSHIPS: Considering all of your friends including those who live in your neighborhood…", Text: "How many of your friends do you see or hear from at least once a month?", Subscale: "friends"},
			{Number: 5, Text: "How many friends do you feel at ease with that you can talk about private matters?", Subscale: "friends"},
			{Number: 6, Text: "How many friends do you feel close to such that you could call on them for help?", Subscale: "friends"},
		},
		Options:         []Option{{0, "None"}, {1, "One"}, {2, "Two"}, {3, "Three or four"}, {4, "Five thru eight"}, {5, "Nine or more"}},
		AnswerShape:     ShapeAnswers,
		Classifications: []string{"at_risk_of_isolation", "not_at_risk"},
		Scoring:         "Sum of the six answers, 0 to 30. Under 12 is at risk of isolation (12 is not). Family (items 1-3) and friends (items 4-6) subscales 0 to 15; under 6 marks a marginal network.",
	},
	{
		Code:     EASI,
		Name:     "Elder Abuse Suspicion Index (EASI)",
		Source:   "Yaffe, M. J., Wolfson, C., Lithwick, M. & Weiss, D. (2008). Development and validation of a tool to improve physician identification of elder abuse: the Elder Abuse Suspicion Index (EASI). Journal of Elder Abuse & Neglect, 20(3), 276-300.",
		Question: "Within the last 12 months:",
		Items: []Item{
			{Number: 1, Text: "Have you relied on people for any of the following: bathing, dressing, shopping, banking, or meals?", Note: "Context only: a yes here never raises suspicion."},
			{Number: 2, Text: "Has anyone prevented you from getting food, clothes, medication, glasses, hearing aids or medical care, or from being with people you wanted to be with?", TypesOfRisk: types(NeglectAndActsOfOmission)},
			{Number: 3, Text: "Have you been upset because someone talked to you in a way that made you feel shamed or threatened?", TypesOfRisk: types(Psychological)},
			{Number: 4, Text: "Has anyone tried to force you to sign papers or to use your money against your will?", TypesOfRisk: types(FinancialOrMaterial)},
			{Number: 5, Text: "Has anyone made you afraid, touched you in ways that you did not want, or hurt you physically?", TypesOfRisk: types(Physical, Sexual)},
			{Number: 6, Text: "Elder abuse may be associated with findings such as: poor eye contact, withdrawn nature, malnourishment, hygiene issues, cuts, bruises, inappropriate clothing, or medication compliance issues. Did you notice any of these today or in the last 12 months?", Note: "Answered by the visitor from what they have seen (the published version addresses the doctor).", TypesOfRisk: types(NeglectAndActsOfOmission)},
		},
		Options:         []Option{{"yes", "Yes"}, {"no", "No"}, {nil, "Did not answer"}},
		AnswerShape:     ShapeAnswers,
		Classifications: []string{"suspicion", "no_suspicion"},
		Scoring:         "Count of yes answers to questions 2 to 6; any yes is suspicion. Question 1 is context. A question not answered counts as no and is reported.",
		Note:            "Ask questions 1 to 5 only when the person is seen alone: asking in front of a possible abuser is unsafe.",
	},
	{
		Code:     CSI,
		Name:     "Carer Strain Index",
		Source:   "Robinson, B. C. (1983). Validation of a Caregiver Strain Index. Journal of Gerontology, 38(3), 344-348.",
		Question: "I am going to read a list of things which other people have found to be difficult in helping out after somebody comes home from the hospital. Would you tell me whether any of these apply to you?",
		Items: []Item{
			{Number: 1, Text: "Sleep is disturbed (e.g., because ___ is in and out of bed or wanders around at night)"},
			{Number: 2, Text: "It is inconvenient (e.g., because helping takes so much time or it's a long drive over to help)"},
			{Number: 3, Text: "It is a physical strain (e.g., because of lifting in and out of a chair; effort or concentration is required)"},
			{Number: 4, Text: "It is confining (e.g., helping restricts free time or cannot go visiting)"},
			{Number: 5, Text: "There have been family adjustments (e.g., because helping has disrupted routine; there has been no privacy)"},
			{Number: 6, Text: "There have been changes in personal plans (e.g., had to turn down a job; could not go on vacation)"},
			{Number: 7, Text: "There have been other demands on my time (e.g., from other family members)"},
			{Number: 8, Text: "There have been emotional adjustments (e.g., because of severe arguments)"},
			{Number: 9, Text: "Some behavior is upsetting (e.g., because of incontinence; ___ has trouble remembering things; or ___ accuses people of taking things)"},
			{Number: 10, Text: "It is upsetting to find ___ has changed so much from his/her former self (e.g., he/she is a different person than he/she used to be)"},
			{Number: 11, Text: "There have been work adjustments (e.g., because of having to take time off)"},
			{Number: 12, Text: "It is a financial strain"},
			{Number: 13, Text: "Feeling completely overwhelmed (e.g., because of worry about ___; concerns about how you will manage)"},
		},
		Options:         ynOpts,
		AnswerShape:     ShapeAnswers,
		Classifications: []string{"high_strain", "below_threshold"},
		Scoring:         "Count of yes answers, 0 to 13. 7 or more is a high level of strain.",
		Note:            "Asked of an unpaid carer about caring. ___ stands for the name of the person cared for.",
	},
	{
		Code:     CIR,
		Name:     "Clutter Image Rating",
		Source:   "Frost, R. O., Steketee, G., Tolin, D. F. & Renaud, S. (2008). Development and validation of the Clutter Image Rating. Journal of Psychopathology and Behavioral Assessment, 30(3), 193-203.",
		Question: "Using the published pictures of a living room, kitchen and bedroom, rate the most cluttered room in the home.",
		Items:    []Item{{Number: 1, Text: "Please select the photo below that most accurately reflects the amount of clutter in your room"}},
		Options: []Option{
			{1, "Picture 1 (least clutter)"}, {2, "Picture 2"}, {3, "Picture 3"}, {4, "Picture 4"}, {5, "Picture 5"},
			{6, "Picture 6"}, {7, "Picture 7"}, {8, "Picture 8"}, {9, "Picture 9 (most clutter)"},
		},
		AnswerShape:     ShapeAnswer,
		Classifications: []string{"clinically_significant", "not_significant"},
		Scoring:         "The score is the picture chosen, 1 to 9. 4 or more is clinically significant.",
		Note:            "This service also treats 7 or more as a self-neglect red flag.",
	},
}

var (
	indicatorIndex  = indexBy(Indicators, func(i Indicator) string { return i.Code })
	instrumentIndex = indexBy(Instruments, func(i Instrument) string { return i.Code })
)

func indexBy[T any](s []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(s))
	for i, v := range s {
		m[key(v)] = i
	}
	return m
}

// IndicatorByCode returns the indicator with the given code.
func IndicatorByCode(code string) (Indicator, bool) {
	i, ok := indicatorIndex[code]
	if !ok {
		return Indicator{}, false
	}
	return Indicators[i], true
}

// InstrumentByCode returns the instrument with the given code.
func InstrumentByCode(code string) (Instrument, bool) {
	i, ok := instrumentIndex[code]
	if !ok {
		return Instrument{}, false
	}
	return Instruments[i], true
}

// CatalogueDoc is what GET /api/v1/screening/catalogue serves: everything a
// form needs to ask the questions, and the scoring version it is scored by.
type CatalogueDoc struct {
	ScoringVersion string         `json:"scoring_version"`
	Versions       []string       `json:"scoring_versions"`
	Relationships  []Relationship `json:"relationships"`
	Groups         []Group        `json:"indicator_groups"`
	Indicators     []Indicator    `json:"indicators"`
	Instruments    []Instrument   `json:"instruments"`
	TypesOfRisk    []string       `json:"types_of_risk"`
	RiskTypes      []Term         `json:"types_of_risk_wording"`
	Locations      []Term         `json:"locations_of_risk"`
	Sources        []Term         `json:"sources_of_risk"`
	DashRisks      []Term         `json:"dash_risks"`
	LevelsNote     string         `json:"levels_note"`
}

// Catalogue returns the catalogue. The slices are shared: treat them as
// read-only.
func Catalogue() CatalogueDoc {
	return CatalogueDoc{
		ScoringVersion: ScoringVersion(),
		Versions:       ScoringVersions(),
		Relationships:  Relationships,
		Groups:         Groups,
		Indicators:     Indicators,
		Instruments:    Instruments,
		TypesOfRisk:    TypesOfRisk,
		RiskTypes:      TypeOfRiskWording,
		Locations:      LocationsOfRisk,
		Sources:        SourcesOfRisk,
		DashRisks:      DashRisks,
		LevelsNote:     current.LevelsNote,
	}
}
