// Package pathways owns a site's prevention pathways: versioned documents of
// rules that turn a screening result into community support (which kinds of
// asset to offer, in what priority, when to follow up, how urgent the
// navigator's work is). Conditions are CEL expressions (cel.dev/cel-go),
// compiled and type-checked when a pathway is saved, and evaluated in
// microseconds per screening.
//
// The safeguarding action is not a pathway's to change: it comes from the
// screening package's core rules. A pathway may add next steps and raise the
// navigator's urgency; it never sees a way to lower the action, and the
// urgency it gives is never below the floor the action sets.
package pathways

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kith-project/kith"
)

// Urgency is how soon a navigator should act, lowest first.
const (
	UrgencyRoutine = "routine"
	UrgencySoon    = "soon"
	UrgencyUrgent  = "urgent"
)

// Urgencies lists the urgencies, lowest first.
var Urgencies = []string{UrgencyRoutine, UrgencySoon, UrgencyUrgent}

func urgencyRank(u string) int { return slices.Index(Urgencies, u) }

// Document is a pathway as a lead writes it (JSON).
type Document struct {
	Name        string   `json:"name" validate:"required,max=200"`
	Description string   `json:"description,omitempty" validate:"max=5000"`
	Defaults    Defaults `json:"defaults"`
	Rules       []Rule   `json:"rules" validate:"required,min=1,max=200,dive"`
}

// Defaults apply when no rule sets a value.
type Defaults struct {
	FollowUpDays int    `json:"follow_up_days" validate:"omitempty,min=1,max=365"`
	Urgency      string `json:"urgency" validate:"omitempty,oneof=routine soon urgent"`
}

// Rule is one condition and what follows from it.
type Rule struct {
	ID          string `json:"id" validate:"required,max=100"`
	Description string `json:"description,omitempty" validate:"max=1000"`
	// When is a CEL expression over the screening (see Variables) that must
	// give a bool.
	When string `json:"when" validate:"required,max=2000"`
	// Relationship is the relationship the offered support answers; its
	// level ranks the recommendations. Empty: the highest level matched.
	Relationship string `json:"relationship,omitempty" validate:"max=50"`
	// Offer lists asset categories in the order to offer them.
	Offer        []string `json:"offer,omitempty" validate:"max=30,dive,max=60"`
	Priority     int      `json:"priority,omitempty" validate:"min=0,max=1000"`
	FollowUpDays int      `json:"follow_up_days,omitempty" validate:"min=0,max=365"`
	Urgency      string   `json:"urgency,omitempty" validate:"omitempty,oneof=routine soon urgent"`
	NextSteps    []string `json:"next_steps,omitempty" validate:"max=20,dive,max=500"`
	// Stop ends evaluation after this rule when it matches.
	Stop bool `json:"stop,omitempty"`
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)

// ParseDocument decodes a pathway strictly: unknown fields and trailing
// data are errors naming the field.
func ParseDocument(data []byte) (*Document, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return nil, kith.Invalid(kith.FieldError{Field: "document", Message: "is not a valid pathway document: " + plainJSONError(err)})
	}
	if dec.More() {
		return nil, kith.Invalid(kith.FieldError{Field: "document", Message: "has data after the pathway"})
	}
	return &d, nil
}

func plainJSONError(err error) string {
	msg := err.Error()
	return strings.TrimPrefix(msg, "json: ")
}

// checkDocument checks what the struct tags cannot: rule ids, categories
// and relationships. siteCategories are the site's own extra categories.
func checkDocument(d *Document, knownCategories, relationships []string) []kith.FieldError {
	var errs []kith.FieldError
	seen := map[string]bool{}
	for i, r := range d.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		if !ruleIDPattern.MatchString(r.ID) {
			errs = append(errs, kith.FieldError{Field: f + ".id", Message: "must be lower-case letters, digits, _ and -"})
		} else if seen[r.ID] {
			errs = append(errs, kith.FieldError{Field: f + ".id", Message: fmt.Sprintf("repeats the rule id %q", r.ID)})
		}
		seen[r.ID] = true
		if r.Relationship != "" && !slices.Contains(relationships, r.Relationship) {
			errs = append(errs, kith.FieldError{Field: f + ".relationship", Message: fmt.Sprintf("%q is not one of the seven relationships", r.Relationship)})
		}
		dup := map[string]bool{}
		for j, c := range r.Offer {
			switch {
			case !slices.Contains(knownCategories, c):
				errs = append(errs, kith.FieldError{Field: fmt.Sprintf("%s.offer[%d]", f, j), Message: fmt.Sprintf("%q is not a known asset category", c)})
			case dup[c]:
				errs = append(errs, kith.FieldError{Field: fmt.Sprintf("%s.offer[%d]", f, j), Message: fmt.Sprintf("repeats %q", c)})
			}
			dup[c] = true
		}
	}
	return errs
}
