package assets

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateServices returns n valid, varied services spread over England,
// the same for the same seed, for benchmarks and load tests (storage builds
// 100,000 with it). Names and ids say they are generated.
func GenerateServices(n int, seed int64) []Service {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6b697468))
	cats, rels, support := CategoryCodes(), RelationshipCodes(), SupportToAttendCodes()
	langs := []string{"ur", "pa", "pl", "ro", "bn", "ar", "zh", "so", "gu"}
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	base := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	pick := func(from []string, k int) []string {
		out := make([]string, 0, k)
		for _, i := range rng.Perm(len(from))[:k] {
			out = append(out, from[i])
		}
		return out
	}
	out := make([]Service, n)
	for i := range out {
		cat := cats[rng.IntN(len(cats))]
		lat := 50.1 + rng.Float64()*5.6 // England, roughly: Cornwall to Northumberland
		lon := -5.6 + rng.Float64()*7.3
		opens := 8 + rng.IntN(8)
		s := Service{
			ID:              fmt.Sprintf("gen-%d-%06d", seed, i+1),
			Name:            fmt.Sprintf("Generated %s service %d", CategoryLabel(cat), i+1),
			Description:     fmt.Sprintf("A generated %s service for load tests.", CategoryLabel(cat)),
			Status:          StatusActive,
			Organization:    Organization{ID: fmt.Sprintf("gen-org-%d", i%500), Name: fmt.Sprintf("Generated organisation %d", i%500)},
			Locations:       []Location{{ID: fmt.Sprintf("gen-%d-loc-%06d", seed, i+1), Name: "Generated venue", City: "Generated", Country: "GB", Latitude: &lat, Longitude: &lon}},
			Phones:          []Phone{{Number: fmt.Sprintf("0113 496 0%03d", i%1000)}},
			Schedules:       []Schedule{{Freq: "WEEKLY", ByDay: strings.Join(pick(days, 1+rng.IntN(3)), ","), OpensAt: fmt.Sprintf("%02d:00", opens), ClosesAt: fmt.Sprintf("%02d:30", opens+1+rng.IntN(4))}},
			Cost:            Cost{Free: true},
			Languages:       []string{"en"},
			Relationships:   pick(rels, 1+rng.IntN(3)),
			Category:        cat,
			SupportToAttend: pick(support, rng.IntN(3)),
			Capacity:        CapacityOpen,
			LastConfirmed:   base.AddDate(0, 0, rng.IntN(330)).Format(time.DateOnly),
			Public:          rng.IntN(4) > 0,
		}
		switch r := rng.IntN(20); {
		case r == 0:
			s.Capacity = CapacityFull
		case r < 4:
			s.Capacity = CapacityWaitingList
		}
		if rng.IntN(5) < 2 {
			a := float64(1 + rng.IntN(20))
			s.Cost = Cost{Amount: &a, Currency: "GBP", Description: "A charge per session"}
		}
		if rng.IntN(3) == 0 {
			s.Languages = append(s.Languages, langs[rng.IntN(len(langs))])
		}
		if rng.IntN(4) == 0 {
			a := []int{50, 60, 65}[rng.IntN(3)]
			s.Eligibility.MinimumAge = &a
		}
		Normalize(&s)
		out[i] = s
	}
	return out
}
