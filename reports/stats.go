// Package reports owns the evaluation an innovation site reports to its
// board: the shapes of the summary, the statistics behind it (medians,
// means with confidence intervals), small-number suppression for pages and
// exports, and the costs-avoided estimate, which is always shown with its
// formula and never as a measurement. It is pure: storage counts, this
// package reasons about the counts.
package reports

import (
	"math"
	"sort"
	"strconv"
)

// Median returns the median of xs, and false when there are none.
func Median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// Histogram counts whole numbers (working days): value to how many.
type Histogram map[int]int

// Median returns the median of the counted values, exactly as Median does
// over the same values listed one by one (the mean of the middle two when
// the count is even), and false when there are none.
func (h Histogram) Median() (float64, bool) {
	n := 0
	keys := make([]int, 0, len(h))
	for v, c := range h {
		if c > 0 {
			keys = append(keys, v)
			n += c
		}
	}
	if n == 0 {
		return 0, false
	}
	sort.Ints(keys)
	// at returns the i-th value (from 0) in sorted order.
	at := func(i int) float64 {
		for _, v := range keys {
			if i < h[v] {
				return float64(v)
			}
			i -= h[v]
		}
		return float64(keys[len(keys)-1])
	}
	if n%2 == 1 {
		return at(n / 2), true
	}
	return (at(n/2-1) + at(n/2)) / 2, true
}

// tCritical975 are Student's t quantiles (0.975) by degrees of freedom, for
// small samples; past 30 the normal 1.96 is close enough.
var tCritical975 = []float64{0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// MeanCI is a mean with its 95% confidence interval.
type MeanCI struct {
	N    int      `json:"n"`
	Mean *float64 `json:"mean"`
	Low  *float64 `json:"ci95_low"`
	High *float64 `json:"ci95_high"`
}

// Mean95 returns the mean of xs with a t-based 95% confidence interval
// (no interval for fewer than two values). It works from the count, sum
// and sum of squares (Mean95Sums), so a summary kept as running sums gives
// the same figures to the last bit.
func Mean95(xs []float64) MeanCI {
	sum, sumSq := 0.0, 0.0
	for _, x := range xs {
		sum += x
		sumSq += x * x
	}
	return Mean95Sums(len(xs), sum, sumSq)
}

// Mean95Sums is Mean95 from n values' sum and sum of squares. For whole
// numbers (score changes) the sums are exact, so nothing is lost to
// rounding before the variance is taken.
func Mean95Sums(n int, sum, sumSq float64) MeanCI {
	out := MeanCI{N: n}
	if n == 0 {
		return out
	}
	mean := sum / float64(n)
	out.Mean = &mean
	if n < 2 {
		return out
	}
	ss := max(sumSq-sum*sum/float64(n), 0)
	sd := math.Sqrt(ss / float64(n-1))
	df := n - 1
	t := 1.96
	if df < len(tCritical975) {
		t = tCritical975[df]
	}
	half := t * sd / math.Sqrt(float64(n))
	lo, hi := mean-half, mean+half
	out.Low, out.High = &lo, &hi
	return out
}

// Share is a proportion with its parts, so a reader sees the counts too.
type Share struct {
	Count int      `json:"count"`
	Of    int      `json:"of"`
	Share *float64 `json:"share"`
}

// NewShare returns count/of, with no share when of is 0.
func NewShare(count, of int) Share {
	s := Share{Count: count, Of: of}
	if of > 0 {
		v := float64(count) / float64(of)
		s.Share = &v
	}
	return s
}

// Suppress shows a count as the national return does on pages and in
// exports: under 5 is "<5", and others are rounded to the nearest 5. The
// JSON summary keeps exact counts for the lead.
func Suppress(n int) string {
	if n == 0 {
		return "0"
	}
	if n < 5 {
		return "<5"
	}
	r := int(math.Round(float64(n)/5) * 5)
	return strconv.Itoa(r)
}
