package pathways

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"slices"
	"time"
)

// Version is one saved, immutable version of a pathway.
type Version struct {
	PathwayID string          `json:"pathway_id"`
	Version   int             `json:"version"`
	Name      string          `json:"name"`
	Document  json.RawMessage `json:"document"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy string          `json:"created_by"`
}

// Allocation rules for a pilot of two versions.
const (
	RuleDistricts   = "postcode_districts" // arm B for the listed postcode districts
	RuleAlternation = "alternation"        // A, B, A, B in the order screenings arrive
	RuleRandom      = "random"             // a stable coin toss from a stored seed and the screening id
)

// Arms of a pilot.
const (
	ArmA = "a"
	ArmB = "b"
)

// Active is what a site runs: one version, or a pilot of two versions of
// the same pathway.
type Active struct {
	PathwayID string   `json:"pathway_id"`
	Version   int      `json:"version"`
	PilotB    *int     `json:"pilot_b_version,omitempty"`
	Rule      string   `json:"pilot_rule,omitempty"`
	Districts []string `json:"pilot_districts,omitempty"`
	Seed      int64    `json:"pilot_seed,omitempty"`
}

// Pilot reports whether two arms are running.
func (a Active) Pilot() bool { return a.PilotB != nil }

// Allocate picks a screening's arm by the recorded rule. district is the
// person's postcode district ("" when unknown), id the screening's id, and
// n the count of screenings allocated so far (for alternation). The same
// inputs always give the same arm, so an allocation can be checked later.
func (a Active) Allocate(district, id string, n int64) (version int, arm string) {
	if !a.Pilot() {
		return a.Version, ""
	}
	b := false
	switch a.Rule {
	case RuleDistricts:
		b = district != "" && slices.Contains(a.Districts, district)
	case RuleAlternation:
		b = n%2 == 1
	case RuleRandom:
		h := fnv.New64a()
		var seed [8]byte
		binary.BigEndian.PutUint64(seed[:], uint64(a.Seed))
		h.Write(seed[:])
		h.Write([]byte(id))
		b = h.Sum64()%2 == 1
	}
	if b {
		return *a.PilotB, ArmB
	}
	return a.Version, ArmA
}
