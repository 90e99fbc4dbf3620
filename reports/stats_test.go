package reports

import (
	"math"
	"testing"

	"github.com/kith-project/kith"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
		ok   bool
	}{{nil, 0, false}, {[]float64{3}, 3, true}, {[]float64{5, 1, 3}, 3, true}, {[]float64{4, 1, 2, 3}, 2.5, true}} {
		got, ok := Median(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Median(%v) = %v %v", tc.in, got, ok)
		}
	}
}

// TestHistogramMedian checks the histogram's median against Median over
// the same values listed one by one.
func TestHistogramMedian(t *testing.T) {
	for _, h := range []Histogram{{}, {3: 1}, {0: 2, 5: 1}, {1: 1, 2: 1}, {0: 3, 1: 0, 4: 3}, {2: 5, 7: 4, 9: 2}, {-1: 1, 3: 1, 4: 2}} {
		var xs []float64
		for v, c := range h {
			for range c {
				xs = append(xs, float64(v))
			}
		}
		want, wok := Median(xs)
		got, ok := h.Median()
		if got != want || ok != wok {
			t.Errorf("Histogram%v.Median() = %v %v, want %v %v", h, got, ok, want, wok)
		}
	}
}

func TestMean95(t *testing.T) {
	m := Mean95([]float64{-2, -1, 0, -3})
	// mean -1.5, sd 1.291, t(3) 3.182: half-width 2.054
	if m.N != 4 || math.Abs(*m.Mean+1.5) > 1e-9 || math.Abs(*m.Low+3.554) > 0.001 || math.Abs(*m.High-0.554) > 0.001 {
		t.Fatalf("Mean95 = %+v %v %v", m, *m.Low, *m.High)
	}
	if one := Mean95([]float64{2}); one.Low != nil || *one.Mean != 2 {
		t.Fatalf("one value: %+v", one)
	}
	if none := Mean95(nil); none.Mean != nil {
		t.Fatalf("no values: %+v", none)
	}
}

func TestSuppress(t *testing.T) {
	for n, want := range map[int]string{0: "0", 1: "<5", 4: "<5", 5: "5", 7: "5", 8: "10", 12: "10", 13: "15", 102: "100"} {
		if got := Suppress(n); got != want {
			t.Errorf("Suppress(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestEstimateCosts(t *testing.T) {
	c := EstimateCosts([]kith.CostItem{{Name: "s.42 enquiry", UnitCost: 2000, Driver: "engaged_referrals", RateLow: 0.01, RateCentral: 0.05, RateHigh: 0.1}},
		map[string]int{"engaged_referrals": 40})
	if c.Items[0].Low != 800 || c.Items[0].Central != 4000 || c.Items[0].High != 8000 || c.Total != 4000 {
		t.Fatalf("costs: %+v", c)
	}
	if c.Note == "" || c.Items[0].Formula == "" {
		t.Fatal("no formula or note")
	}
}

func TestTablesSuppress(t *testing.T) {
	s := Summary{Funnel: Funnel{Screenings: 23, Concerns: 3}, Quadrants: map[string]int{"connected": 2}}
	tables := Tables(s)
	if tables[0].Rows[0][1] != "25" || tables[0].Rows[1][1] != "<5" {
		t.Fatalf("funnel rows: %v", tables[0].Rows)
	}
	for _, tb := range tables {
		if tb.Name == "quadrants" && tb.Rows[3][1] != "<5" {
			t.Fatalf("quadrants: %v", tb.Rows)
		}
	}
}
