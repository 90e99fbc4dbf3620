package person

// Characteristics are what the national Safeguarding Adults Collection
// counts about an adult at risk besides age (tables SG1b and SG1c). All are
// optional, asked only by navigators, never required of a visitor; "not
// known" is a real answer, and so is declining to say.
type Characteristics struct {
	Gender               string `json:"gender,omitempty"`                 // key of Genders
	Ethnicity            string `json:"ethnicity,omitempty"`              // key of Ethnicities
	PrimarySupportReason string `json:"primary_support_reason,omitempty"` // key of SupportReasons
}

// Category is one answer of a national category list.
type Category struct {
	Key, Label string
	// Group is the heading the Safeguarding Adults Collection counts it
	// under (ethnicity only).
	Group string
	// NHS is the NHS Data Dictionary ETHNIC CATEGORY code (ethnicity only).
	NHS string
}

// Genders are the Safeguarding Adults Collection's gender categories.
var Genders = []Category{
	{Key: "male", Label: "Male"},
	{Key: "female", Label: "Female"},
	{Key: "not_known", Label: "Not known"},
}

// Ethnicities are the ethnic groups of the 2021 Census for England, as the
// person describes themselves, each with the collection's group and the
// NHS Data Dictionary ETHNIC CATEGORY code (whose list predates the
// Census's Gypsy or Irish Traveller, Roma and Arab groups: they take the
// "any other" code of their group).
var Ethnicities = []Category{
	{Key: "white_british", Label: "White: English, Welsh, Scottish, Northern Irish or British", Group: "White", NHS: "A"},
	{Key: "white_irish", Label: "White: Irish", Group: "White", NHS: "B"},
	{Key: "white_gypsy_irish_traveller", Label: "White: Gypsy or Irish Traveller", Group: "White", NHS: "C"},
	{Key: "white_roma", Label: "White: Roma", Group: "White", NHS: "C"},
	{Key: "white_other", Label: "White: any other White background", Group: "White", NHS: "C"},
	{Key: "mixed_white_black_caribbean", Label: "Mixed or multiple: White and Black Caribbean", Group: "Mixed or multiple ethnic groups", NHS: "D"},
	{Key: "mixed_white_black_african", Label: "Mixed or multiple: White and Black African", Group: "Mixed or multiple ethnic groups", NHS: "E"},
	{Key: "mixed_white_asian", Label: "Mixed or multiple: White and Asian", Group: "Mixed or multiple ethnic groups", NHS: "F"},
	{Key: "mixed_other", Label: "Mixed or multiple: any other mixed or multiple background", Group: "Mixed or multiple ethnic groups", NHS: "G"},
	{Key: "asian_indian", Label: "Asian or Asian British: Indian", Group: "Asian or Asian British", NHS: "H"},
	{Key: "asian_pakistani", Label: "Asian or Asian British: Pakistani", Group: "Asian or Asian British", NHS: "J"},
	{Key: "asian_bangladeshi", Label: "Asian or Asian British: Bangladeshi", Group: "Asian or Asian British", NHS: "K"},
	{Key: "asian_chinese", Label: "Asian or Asian British: Chinese", Group: "Asian or Asian British", NHS: "R"},
	{Key: "asian_other", Label: "Asian or Asian British: any other Asian background", Group: "Asian or Asian British", NHS: "L"},
	{Key: "black_caribbean", Label: "Black, Black British, Caribbean or African: Caribbean", Group: "Black or Black British", NHS: "M"},
	{Key: "black_african", Label: "Black, Black British, Caribbean or African: African", Group: "Black or Black British", NHS: "N"},
	{Key: "black_other", Label: "Black, Black British, Caribbean or African: any other Black background", Group: "Black or Black British", NHS: "P"},
	{Key: "other_arab", Label: "Other ethnic group: Arab", Group: "Other ethnic group", NHS: "S"},
	{Key: "other_any", Label: "Other ethnic group: any other ethnic group", Group: "Other ethnic group", NHS: "S"},
	{Key: "refused", Label: "Prefers not to say", Group: "Refused", NHS: "Z"},
	{Key: "not_known", Label: "Not known", Group: "Undeclared or not known", NHS: "99"},
}

// SupportReasons are the primary support reasons the collection (and the
// Short and Long Term return) counts.
var SupportReasons = []Category{
	{Key: "physical_access_mobility", Label: "Physical support: access and mobility only"},
	{Key: "physical_personal_care", Label: "Physical support: personal care support"},
	{Key: "sensory_visual", Label: "Sensory support: support for visual impairment"},
	{Key: "sensory_hearing", Label: "Sensory support: support for hearing impairment"},
	{Key: "sensory_dual", Label: "Sensory support: support for dual impairment"},
	{Key: "memory_cognition", Label: "Support with memory and cognition"},
	{Key: "learning_disability", Label: "Learning disability support"},
	{Key: "mental_health", Label: "Mental health support"},
	{Key: "social_substance_misuse", Label: "Social support: substance misuse support"},
	{Key: "social_asylum_seeker", Label: "Social support: asylum seeker support"},
	{Key: "social_isolation_other", Label: "Social support: support for social isolation or other"},
	{Key: "no_support_reason", Label: "No support reason"},
	{Key: "not_known", Label: "Not known"},
}

// CategoryOf finds a key in a list.
func CategoryOf(cs []Category, key string) (Category, bool) {
	for _, c := range cs {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}
