package reports

import (
	"fmt"
	"math"

	"github.com/kith-project/kith"
)

// CostEstimate is one item's estimate, with its formula and inputs.
type CostEstimate struct {
	Name        string  `json:"name"`
	Formula     string  `json:"formula"`
	Driver      string  `json:"driver"`
	DriverCount int     `json:"driver_count"`
	UnitCost    float64 `json:"unit_cost"`
	RateLow     float64 `json:"rate_low"`
	RateCentral float64 `json:"rate_central"`
	RateHigh    float64 `json:"rate_high"`
	Low         float64 `json:"low"`
	Central     float64 `json:"central"`
	High        float64 `json:"high"`
	Source      string  `json:"source"`
}

// Costs is the costs-avoided section.
type Costs struct {
	Note     string         `json:"note"`
	Items    []CostEstimate `json:"items"`
	TotalLow float64        `json:"total_low"`
	Total    float64        `json:"total_central"`
	TotalHi  float64        `json:"total_high"`
}

var driverWords = map[string]string{"engaged_referrals": "referrals where the person engaged", "closed_referrals": "referrals closed with an outcome", "screenings": "screenings"}

// EstimateCosts applies each item's assumed rates to the count of its
// driver. drivers maps a driver name to its count in the period.
func EstimateCosts(items []kith.CostItem, drivers map[string]int) Costs {
	c := Costs{Items: []CostEstimate{}, Note: "An estimate from the site's own unit costs and assumptions, not a measurement: " +
		"each figure is the number of engagements times an assumed rate of events avoided times the unit cost, shown low, central and high."}
	round := func(x float64) float64 { return math.Round(x*100) / 100 }
	for _, it := range items {
		n := drivers[it.Driver]
		e := CostEstimate{Name: it.Name, Driver: it.Driver, DriverCount: n, UnitCost: it.UnitCost,
			RateLow: it.RateLow, RateCentral: it.RateCentral, RateHigh: it.RateHigh, Source: it.Source,
			Low: round(float64(n) * it.RateLow * it.UnitCost), Central: round(float64(n) * it.RateCentral * it.UnitCost),
			High: round(float64(n) * it.RateHigh * it.UnitCost)}
		e.Formula = fmt.Sprintf("%s (%d) × assumed %s avoided per one (low %g, central %g, high %g) × unit cost (£%.2f)",
			driverWords[it.Driver], n, it.Name, it.RateLow, it.RateCentral, it.RateHigh, it.UnitCost)
		c.Items = append(c.Items, e)
		c.TotalLow += e.Low
		c.Total += e.Central
		c.TotalHi += e.High
	}
	c.TotalLow, c.Total, c.TotalHi = round(c.TotalLow), round(c.Total), round(c.TotalHi)
	return c
}
