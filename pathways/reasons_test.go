package pathways

import (
	"slices"
	"strings"
	"testing"

	"github.com/kith-project/kith/assets"
)

// Every reason carries its kind, and retention takes out the reason that
// quotes the person by its kind, whatever its wording.
func TestReasonKinds(t *testing.T) {
	p := mustDefault(t)
	out, err := p.Evaluate(input(map[string]string{"risk_factor": "high"}, func(in *Input) { in.Indicators = []string{"lives_alone"} }))
	if err != nil {
		t.Fatal(err)
	}
	var cands []Candidate
	for _, s := range assets.DemoServices() {
		cands = append(cands, Candidate{Service: s})
	}
	recs := Recommend(out, cands, Person{Wishes: "I love gardening and walking"}, Ref{PathwayID: "default", Version: 1})
	quoted := 0
	for _, r := range recs {
		if len(r.ReasonKinds) != len(r.Reasons) {
			t.Fatalf("%s: %d kinds for %d reasons", r.Name, len(r.ReasonKinds), len(r.Reasons))
		}
		for i, k := range r.ReasonKinds {
			if (k == ReasonPersonWords) != strings.Contains(r.Reasons[i], "what the person said") {
				t.Errorf("%s: reason %q has kind %s", r.Name, r.Reasons[i], k)
			}
		}
		if slices.Contains(r.ReasonKinds, ReasonPersonWords) {
			quoted++
			kept := r.WithoutPersonWords()
			if slices.Contains(kept.ReasonKinds, ReasonPersonWords) || len(kept.Reasons) != len(r.Reasons)-1 || len(kept.ReasonKinds) != len(kept.Reasons) {
				t.Errorf("%s: after retention %v %v", r.Name, kept.Reasons, kept.ReasonKinds)
			}
		}
	}
	if quoted == 0 {
		t.Fatal("no recommendation matched the person's words")
	}
	// The kind decides, not the words: a reworded quoting reason still goes,
	// and a reason that happens to open with those words but is not a quote
	// stays.
	r := Recommendation{Reasons: []string{"Free.", "They said they like gardening.", "Matches what the person said: nothing"},
		ReasonKinds: []ReasonKind{ReasonCost, ReasonPersonWords, ReasonHelpsWith}}
	if got := r.WithoutPersonWords(); !slices.Equal(got.Reasons, []string{"Free.", "Matches what the person said: nothing"}) || !slices.Equal(got.ReasonKinds, []ReasonKind{ReasonCost, ReasonHelpsWith}) {
		t.Errorf("typed: %v %v", got.Reasons, got.ReasonKinds)
	}
	// A recommendation stored before kinds: its one quoting reason's opening.
	old := Recommendation{Reasons: []string{"Free.", "Matches what the person said: garden."}}
	if got := old.WithoutPersonWords(); !slices.Equal(got.Reasons, []string{"Free."}) || got.ReasonKinds != nil {
		t.Errorf("untyped: %v %v", got.Reasons, got.ReasonKinds)
	}
}
