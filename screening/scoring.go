package screening

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Relationship levels.
const (
	LevelNone   = "none"
	LevelLow    = "low"
	LevelMedium = "medium"
	LevelHigh   = "high"
)

// Loneliness and isolation statuses, and the four combinations.
const (
	Lonely      = "lonely"
	NotLonely   = "not_lonely"
	Isolated    = "isolated"
	NotIsolated = "not_isolated"
	Unknown     = "unknown"

	IsolatedAndLonely = "isolated_and_lonely"
	IsolatedNotLonely = "isolated_not_lonely"
	LonelyNotIsolated = "lonely_not_isolated"
	Connected         = "connected"
)

// Evidence sources.
const (
	SourceIndicator  = "indicator"
	SourceInstrument = "instrument"
	SourceIndicators = "indicators" // a status worked out from indicators
	SourceNone       = "none"       // a status with nothing to go on
)

// RelationshipResult is a relationship's level and the evidence counted.
type RelationshipResult struct {
	Level    string     `json:"level"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is one contribution to a relationship's level.
type Evidence struct {
	Source       string `json:"source"`
	Code         string `json:"code"`
	Item         int    `json:"item,omitempty"`
	RedFlag      bool   `json:"red_flag"`
	Contribution string `json:"contribution"`
}

// Status is a loneliness or isolation status and what it came from: an
// instrument code, "indicators", or "none".
type Status struct {
	Status string `json:"status"`
	Source string `json:"source"`
}

// The scoring rules are data, so that a new version can weigh answers
// differently without a code change, and an old result can be reproduced by
// its version. The safeguarding decision is deliberately not here: the public
// duty is not a setting.
//
//go:embed rules/*.json
var rulesFS embed.FS

// Every version stays embedded, oldest first, so the rules a stored result
// was scored by can always be read back. A stored screening is never
// scored again: it keeps the result and the version it was given.
//
//   - 2026.1: the first safeguarding rules.
//   - 2026.2: DESIGN.md's rewritten "Safeguarding: the public duty" (what
//     indicates abuse, others at risk inferred, the wider bases to share,
//     routes beside every action, safe next steps, chosen isolation never
//     respected where harm, suicidal thoughts or a grieving low mood are
//     seen). Levels and instrument contributions are unchanged.
var versions = []*rules{mustLoadRules("rules/v1.json"), mustLoadRules("rules/v2.json")}

var current = versions[len(versions)-1]

// ScoringVersion is the version of the rules Assess scores by.
func ScoringVersion() string { return current.ScoringVersion }

// ScoringVersions lists every scoring version a stored result may carry,
// oldest first; the last is the one new screenings are scored by.
func ScoringVersions() []string {
	out := make([]string, len(versions))
	for i, r := range versions {
		out[i] = r.ScoringVersion
	}
	return out
}

type rules struct {
	ScoringVersion string             `json:"scoring_version"`
	LevelsNote     string             `json:"levels_note"`
	Levels         []levelRule        `json:"levels"`
	Contributions  []contributionRule `json:"contributions"`
	Loneliness     struct {
		Group string   `json:"group"`
		Order []string `json:"order"`
	} `json:"loneliness"`
	Isolation struct {
		Group      string   `json:"group"`
		Instrument string   `json:"instrument"`
		Indicators []string `json:"indicators"`
		AtLeast    int      `json:"at_least"`
	} `json:"isolation"`

	// groups holds, per relationship, its instrument contribution groups in
	// file order. Every rule of a group counts as one contribution at most,
	// however many instruments in it match.
	groups map[string][][]*contributionRule
}

// levelRule: a level is reached with at least Contributions pieces of
// evidence or at least RedFlags red flags (a zero never qualifies).
type levelRule struct {
	Level         string `json:"level"`
	Contributions int    `json:"contributions"`
	RedFlags      int    `json:"red_flags"`
}

// contributionRule: an instrument result that adds evidence to a
// relationship. Exactly one condition is set.
type contributionRule struct {
	Group           string   `json:"group"`
	Relationship    string   `json:"relationship"`
	Instrument      string   `json:"instrument"`
	Classifications []string `json:"classifications"`
	Answers         []string `json:"answers"`
	MinScore        int      `json:"min_score"`
	Item            int      `json:"item"`
	ItemAnswers     []string `json:"item_answers"`
	RedFlag         bool     `json:"red_flag"`
	TypesOfRisk     []string `json:"types_of_risk"`
	Text            string   `json:"text"`

	idx int // into Instruments
}

func mustLoadRules(name string) *rules {
	b, err := rulesFS.ReadFile(name)
	if err == nil {
		var r *rules
		if r, err = parseRules(b); err == nil {
			return r
		}
	}
	panic(fmt.Sprintf("screening: embedded %s: %v", name, err))
}

// parseRules decodes and checks a rules document against the catalogue, so
// that a typo in a code fails the build's tests rather than a screening.
func parseRules(b []byte) (*rules, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r rules
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.ScoringVersion == "" {
		bad("scoring_version is empty")
	}
	for _, l := range r.Levels {
		if !oneOf(l.Level, LevelLow, LevelMedium, LevelHigh) || l.Contributions < 0 || l.RedFlags < 0 {
			bad("levels: bad level %+v", l)
		}
	}
	r.groups = map[string][][]*contributionRule{}
	for i := range r.Contributions {
		cr := &r.Contributions[i]
		if err := cr.check(); err != nil {
			bad("contributions[%d]: %v", i, err)
			continue
		}
		gs := r.groups[cr.Relationship]
		if j := slices.IndexFunc(gs, func(g []*contributionRule) bool { return g[0].Group == cr.Group }); j >= 0 {
			gs[j] = append(gs[j], cr)
		} else {
			gs = append(gs, []*contributionRule{cr})
		}
		r.groups[cr.Relationship] = gs
	}
	hasGroup := func(instrument, group string) bool {
		return slices.ContainsFunc(r.Contributions, func(cr contributionRule) bool { return cr.Instrument == instrument && cr.Group == group })
	}
	for _, code := range r.Loneliness.Order {
		if !hasGroup(code, r.Loneliness.Group) {
			bad("loneliness: %q has no rule in group %q", code, r.Loneliness.Group)
		}
	}
	if !hasGroup(r.Isolation.Instrument, r.Isolation.Group) {
		bad("isolation: %q has no rule in group %q", r.Isolation.Instrument, r.Isolation.Group)
	}
	for _, code := range r.Isolation.Indicators {
		if _, ok := indicatorIndex[code]; !ok {
			bad("isolation: unknown indicator %q", code)
		}
	}
	if r.Isolation.AtLeast < 1 || r.Isolation.AtLeast > len(r.Isolation.Indicators) {
		bad("isolation: at_least %d out of range", r.Isolation.AtLeast)
	}
	return &r, errors.Join(errs...)
}

func (cr *contributionRule) check() error {
	if !slices.ContainsFunc(Relationships, func(r Relationship) bool { return r.Code == cr.Relationship }) {
		return fmt.Errorf("unknown relationship %q", cr.Relationship)
	}
	idx, ok := instrumentIndex[cr.Instrument]
	if !ok {
		return fmt.Errorf("unknown instrument %q", cr.Instrument)
	}
	cr.idx = idx
	inst := &Instruments[idx]
	conditions := 0
	for _, set := range []bool{len(cr.Classifications) > 0, len(cr.Answers) > 0, cr.MinScore > 0, cr.Item > 0} {
		if set {
			conditions++
		}
	}
	if conditions != 1 || cr.Group == "" || cr.Text == "" {
		return errors.New("needs a group, a text and exactly one condition")
	}
	for _, c := range cr.Classifications {
		if !slices.Contains(inst.Classifications, c) {
			return fmt.Errorf("%s has no classification %q", cr.Instrument, c)
		}
	}
	for _, a := range slices.Concat(cr.Answers, cr.ItemAnswers) {
		if !slices.ContainsFunc(inst.Options, func(o Option) bool { return o.Value == a }) {
			return fmt.Errorf("%s has no answer %q", cr.Instrument, a)
		}
	}
	if len(cr.Answers) > 0 && inst.AnswerShape != ShapeAnswer {
		return fmt.Errorf("%s takes several answers: match an item or a classification", cr.Instrument)
	}
	if cr.Item > len(inst.Items) || (cr.Item > 0) != (len(cr.ItemAnswers) > 0) {
		return fmt.Errorf("bad item %d", cr.Item)
	}
	for _, t := range cr.TypesOfRisk {
		if !slices.Contains(TypesOfRisk, t) {
			return fmt.Errorf("unknown type of risk %q", t)
		}
	}
	return nil
}

func (cr *contributionRule) matches(c *checked) bool {
	s := c.scored[cr.idx]
	switch {
	case s == nil:
		return false
	case len(cr.Classifications) > 0:
		return slices.Contains(cr.Classifications, s.Classification)
	case len(cr.Answers) > 0:
		return slices.Contains(cr.Answers, s.answers[0].s)
	case cr.MinScore > 0:
		return s.Score != nil && *s.Score >= cr.MinScore
	default:
		a := s.answers[cr.Item-1]
		return a.given && slices.Contains(cr.ItemAnswers, a.s)
	}
}

// relationships scores all seven relationships. Evidence follows the
// catalogue's order, not the request's, so the same answers in a different
// order give the same result.
func (r *rules) relationships(c *checked) map[string]RelationshipResult {
	out := make(map[string]RelationshipResult, len(Relationships))
	for _, rel := range Relationships {
		ev := []Evidence{}
		for i, ind := range Indicators {
			if c.has[i] && ind.Group == rel.Code {
				ev = append(ev, Evidence{Source: SourceIndicator, Code: ind.Code, RedFlag: ind.RedFlag, Contribution: indicatorContributions[i]})
			}
		}
		for _, group := range r.groups[rel.Code] {
			if e, ok := groupEvidence(group, c); ok {
				ev = append(ev, e)
			}
		}
		out[rel.Code] = RelationshipResult{Level: r.level(ev), Evidence: ev}
	}
	return out
}

// indicatorContributions are the evidence sentences, by index into Indicators.
var indicatorContributions = func() []string {
	out := make([]string, len(Indicators))
	for i, ind := range Indicators {
		out[i] = ind.Wording + " (indicator)"
		if ind.RedFlag {
			out[i] = ind.Wording + " (indicator, red flag)"
		}
	}
	return out
}()

// groupEvidence gives one piece of evidence for a group: the first matching
// rule, naming any other instruments in the group that also matched, so that
// asking two loneliness scales does not double the count.
func groupEvidence(group []*contributionRule, c *checked) (Evidence, bool) {
	var first *contributionRule
	var text strings.Builder
	for _, cr := range group {
		switch {
		case !cr.matches(c):
		case first == nil:
			first = cr
			text.WriteString(cr.Text + " (instrument)")
		case cr.Instrument != first.Instrument:
			text.WriteString("; also " + strings.ToLower(cr.Text[:1]) + cr.Text[1:] + " (counted once)")
		}
	}
	if first == nil {
		return Evidence{}, false
	}
	return Evidence{Source: SourceInstrument, Code: first.Instrument, Item: first.Item, RedFlag: first.RedFlag, Contribution: text.String()}, true
}

func (r *rules) level(ev []Evidence) string {
	flags := 0
	for _, e := range ev {
		if e.RedFlag {
			flags++
		}
	}
	for _, l := range r.Levels {
		if (l.Contributions > 0 && len(ev) >= l.Contributions) || (l.RedFlags > 0 && flags >= l.RedFlags) {
			return l.Level
		}
	}
	return LevelNone
}

// matchesGroup reports whether any rule of the group matches for the
// instrument: the same definition of "lonely" or "at risk" feeds both the
// relationship evidence and the status.
func (r *rules) matchesGroup(instrument, group string, c *checked) bool {
	for i := range r.Contributions {
		cr := &r.Contributions[i]
		if cr.Instrument == instrument && cr.Group == group && cr.matches(c) {
			return true
		}
	}
	return false
}

// loneliness comes from the first of the ordered instruments that was asked.
func (r *rules) loneliness(c *checked) Status {
	for _, code := range r.Loneliness.Order {
		if c.scored[instrumentIndex[code]] == nil {
			continue
		}
		if r.matchesGroup(code, r.Loneliness.Group, c) {
			return Status{Lonely, code}
		}
		return Status{NotLonely, code}
	}
	return Status{Unknown, SourceNone}
}

// isolation comes from the instrument when asked. Indicators alone can show
// isolation but never its absence: not seeing a sign is not evidence.
func (r *rules) isolation(c *checked) Status {
	code := r.Isolation.Instrument
	if c.scored[instrumentIndex[code]] != nil {
		if r.matchesGroup(code, r.Isolation.Group, c) {
			return Status{Isolated, code}
		}
		return Status{NotIsolated, code}
	}
	n := 0
	for _, ind := range r.Isolation.Indicators {
		if c.has[indicatorIndex[ind]] {
			n++
		}
	}
	if n >= r.Isolation.AtLeast {
		return Status{Isolated, SourceIndicators}
	}
	return Status{Unknown, SourceIndicators}
}

func quadrant(lonely, isolated Status) string {
	switch {
	case isolated.Status == Isolated && lonely.Status == Lonely:
		return IsolatedAndLonely
	case isolated.Status == Isolated && lonely.Status == NotLonely:
		return IsolatedNotLonely
	case isolated.Status == NotIsolated && lonely.Status == Lonely:
		return LonelyNotIsolated
	case isolated.Status == NotIsolated && lonely.Status == NotLonely:
		return Connected
	}
	return Unknown
}
