package assets

import (
	"testing"
	"time"
)

// BenchmarkParseJSON measures the import rate for a feed of 1,000 full
// services: schema validation, mapping and Kith's checks.
func BenchmarkParseJSON(b *testing.B) {
	const n = 1000
	docs := make([]any, 0, n)
	for _, s := range GenerateServices(n, 1) {
		docs = append(docs, ToORUK(s))
	}
	data := mustJSON(b, ORUKPage(docs, n, 1, n))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		imp, err := ParseJSON(data, nil)
		if err != nil || len(imp.Services) != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "services/s")
}

func BenchmarkToORUK(b *testing.B) {
	s := DemoServices()[0]
	b.ReportAllocs()
	for b.Loop() {
		mustJSON(b, ToORUK(s))
	}
}

func BenchmarkDistanceKm(b *testing.B) {
	var sum float64
	for b.Loop() {
		sum += DistanceKm(53.7950, -1.5474, 53.9580, -1.0930)
	}
	if sum < 0 {
		b.Fatal(sum)
	}
}

func BenchmarkMatches(b *testing.B) {
	svcs := GenerateServices(1000, 1)
	f := SearchFilter{Relationship: "risk_factor", Language: "en", Age: ptr(70), OpenNow: true, At: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range svcs {
			Matches(s, f)
		}
	}
	b.ReportMetric(float64(len(svcs)*b.N)/b.Elapsed().Seconds(), "services/s")
}
