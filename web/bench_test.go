package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
)

// realistic is a screening with several indicators and four instruments,
// the size of a typical visit.
const realistic = `{
  "person": {"name": "Ada Example", "postcode": "LS1 4AP", "address": "1 Example Street\nLeeds", "age": 81},
  "consent": {"share": "yes"},
  "s42": {"care_and_support_needs": "yes", "unable_to_protect_self": "unsure",
          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "seen_alone": true,
  "safe_contact": {"phone": "yes", "post": "no", "visit": "yes", "times": "mornings"},
  "indicators": ["lives_alone", "no_regular_visitors", "recent_bereavement", "scam_contact", "low_mood", "fire_risk"],
  "instruments": {"ucla3": {"answers": [3, 2, 3]}, "lsns6": {"answers": [1, 1, 0, 2, 1, 1]},
                  "easi": {"answers": ["yes", "no", "no", "no", "no", "no"]}, "cir": {"answer": 3}},
  "wishes": "I would like someone to talk to on Sundays.",
  "desired_outcomes": ["Feel less alone", "Stop the scam calls"],
  "observer": {"role": "Home carer", "organisation": "Example Care", "agency": "home_care"}
}`

// BenchmarkSubmitScreening measures a screening submitted end to end: HTTP,
// strict decoding, validation, scoring and a durable (synchronous=FULL)
// SQLite commit with its audit row, with parallel clients.
func BenchmarkSubmitScreening(b *testing.B) {
	e := newBenchEnv(b)
	submitInParallel(b, e, e.benchToken("alpha", kith.RoleVisitor))
}

// submitInParallel posts the realistic screening from four clients per core.
func submitInParallel(b *testing.B, e *benchEnv, tok string) {
	body := []byte(realistic)
	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", e.URL+"/api/v1/screenings", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Idempotency-Key", fmt.Sprint("bench-", n.Add(1)))
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 201 {
				b.Fatalf("status %d", res.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screenings/s")
}

// BenchmarkSubmitScreeningWithDirectory is the same with the demo directory
// loaded, so each submission also runs the pathway and ranks services.
func BenchmarkSubmitScreeningWithDirectory(b *testing.B) {
	e := newBenchEnv(b)
	lead := e.benchToken("alpha", kith.RoleLead)
	body, _ := json.Marshal(toORUKList(assets.DemoServicesAt(e.DB.Now())))
	req, _ := http.NewRequest("POST", e.URL+"/api/v1/assets/import", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+lead)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		b.Fatalf("import: %v", err)
	}
	var pcs []app.Postcode
	for _, p := range assets.DemoPostcodes() {
		pcs = append(pcs, app.Postcode{Postcode: p.Postcode, Latitude: p.Latitude, Longitude: p.Longitude})
	}
	if err := e.DB.LoadPostcodes(context.Background(), pcs); err != nil {
		b.Fatal(err)
	}
	submitInParallel(b, e, e.benchToken("alpha", kith.RoleVisitor))
}
