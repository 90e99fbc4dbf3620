package assets

// KithTaxonomy is the taxonomy whose terms carry Kith's own fields on the
// open feed, in the ORUK taxonomy shape.
func KithTaxonomy() map[string]any {
	return map[string]any{
		"id":          derivedUUID("taxonomy", KithVocabulary),
		"name":        KithVocabulary,
		"description": "Kith's terms for what matters to isolated people: category, which of the seven relationships between isolation and safeguarding a service helps with, support to attend, and capacity now.",
		"version":     "1",
	}
}

// KithTaxonomyTerms lists every term of the kith taxonomy, with the same
// ids the services' attributes carry.
func KithTaxonomyTerms() []map[string]any {
	var codes []string
	for _, t := range Categories {
		codes = append(codes, "category:"+t.Code)
	}
	for _, t := range Relationships {
		codes = append(codes, "relationship:"+t.Code)
	}
	for _, t := range SupportToAttend {
		codes = append(codes, "support_to_attend:"+t.Code)
	}
	for _, t := range Capacities {
		codes = append(codes, "capacity:"+t.Code)
	}
	codes = append(codes, "eligibility:carers_only", "gender:"+GenderFemale, "gender:"+GenderMale)
	taxonomyID := derivedUUID("taxonomy", KithVocabulary)
	out := make([]map[string]any, 0, len(codes))
	for _, code := range codes {
		out = append(out, map[string]any{
			"id": derivedUUID("taxonomy_term", KithVocabulary, code), "name": code, "term": code, "code": code,
			"description": kithTermDescription(code), "taxonomy": KithVocabulary, "taxonomy_id": taxonomyID,
		})
	}
	return out
}

// KithTermCode returns the code ("category:befriending") of a kith
// taxonomy term id, or "" when the id is not a kith term.
func KithTermCode(id string) string {
	for _, t := range KithTaxonomyTerms() {
		if t["id"] == id {
			return t["code"].(string)
		}
	}
	return ""
}
