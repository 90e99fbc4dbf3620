// Package storetest is the conformance suite of the application's stores:
// what any backend must do to run Kith. A backend runs it from its own
// tests, opening a fresh, empty, migrated store for each test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) app.Stores { return openEmpty(t).Stores() })
//	}
//
// (package sqlite's store_conformance_test.go does; a PostgreSQL backend
// would open a database from a URL given in the environment). The suite
// uses only the store interfaces and the domain packages.
package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/screening"
)

// Run runs every store's tests against stores that open returns.
func Run(t *testing.T, open func(t *testing.T) app.Stores) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"Sites", testSites},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"SignIn", testSignIn},
		{"OIDC", testOIDC},
		{"Sessions", testSessions},
		{"Secrets", testSecrets},
		{"Audit", testAudit},
		{"Health", testHealth},
		{"Lock", testLock},
		{"Postcodes", testPostcodes},
		{"Screenings", testScreenings},
		{"ScreeningIdempotency", testScreeningIdempotency},
		{"Directory", testDirectory},
		{"Pathways", testPathways},
		{"Referrals", testReferrals},
		{"ReferralWorklist", testWorklist},
		{"Concerns", testConcerns},
		{"Escalation", testEscalation},
		{"Outbox", testOutbox},
		{"OutboxClaims", testOutboxClaims},
		{"Reports", testReports},
		{"Retention", testRetention},
		{"Reviews", testReviews},
		{"WaitingScreenings", testWaitingScreenings},
		{"SharedWords", testSharedWords},
		{"PeopleAndReassign", testPeopleAndReassign},
		{"ProviderLinks", testProviderLinks},
		{"WorklistSearchAndFilters", testWorklistSearchAndFilters},
		{"WorklistCounts", testWorklistCounts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			tc.fn(t, newFixture(t, st))
		})
	}
}

// fixture is a store with two sites, "alpha" and "beta", each with Kith's
// default pathway.
type fixture struct {
	st    app.Stores
	ctx   context.Context
	cli   kith.Actor // the command line, which makes sites and users
	lead  kith.Actor // alpha's lead
	nav   kith.Actor // alpha's navigator
	visit kith.Actor // alpha's visitor
	other kith.Actor // beta's lead
}

func newFixture(t *testing.T, st app.Stores) *fixture {
	t.Helper()
	f := &fixture{st: st, ctx: context.Background(), cli: kith.Actor{Kind: "cli", ID: "storetest"}}
	for _, id := range []string{"alpha", "beta"} {
		if err := st.Sites.CreateSite(f.ctx, f.cli, app.NewSite(id, "Site "+id, kith.SiteSettings{SafeguardingPhone: "0113 496 0000"})); err != nil {
			t.Fatalf("create site %s: %v", id, err)
		}
	}
	f.lead = kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	f.nav = kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	f.visit = kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	f.other = kith.Actor{Site: "beta", Kind: "user", ID: "4", Role: kith.RoleLead}
	return f
}

// wantCode fails the test unless err carries the error code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if kith.ErrorCode(err) != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, kith.ErrorCode(err), code)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// minimal is the contract's minimal screening, with consent to a referral
// and a postcode the store need not know.
const minimal = `{
  "person": {"name": "Ada Example", "postcode": "LS1 4AP", "address": "1 Example Street"},
  "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no",
          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "indicators": ["lives_alone", "no_regular_visitors", "rarely_goes_out"],
  "instruments": {"ucla3": {"answers": [3, 3, 2]}},
  "wishes": "someone to talk to"
}`

// concerning raises a safeguarding concern: abuse is disclosed by a person
// with care and support needs.
const concerning = `{
  "person": {"name": "Bea Example", "postcode": "LS1 4AP"},
  "consent": {"share": "yes", "refer": "yes"},
  "s42": {"care_and_support_needs": "yes", "unable_to_protect_self": "yes",
          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": true},
  "indicators": ["discloses_abuse"]
}`

// newScreening scores a request as the service would, ready to store.
func newScreening(t *testing.T, body, key string) app.NewScreening {
	t.Helper()
	var req screening.Request
	must(t, "decode request", json.Unmarshal([]byte(body), &req))
	res, err := screening.Assess(&req, screening.Options{SafeguardingPhone: "0113 496 0000", SiteName: "Site alpha"})
	must(t, "assess", err)
	hash := []byte(body)
	if len(hash) > 32 {
		hash = hash[:32]
	}
	concern, err := app.ConcernToRaise(res, &req)
	must(t, "concern to raise", err)
	return app.NewScreening{IdempotencyKey: key, RequestHash: hash, Request: &req, Result: res, Location: app.Location{Source: "unknown"}, Concern: concern}
}

// screen stores a screening made by the visitor and returns it.
func (f *fixture) screen(t *testing.T, body string) app.StoredScreening {
	t.Helper()
	s, created, err := f.st.Screenings.CreateScreening(f.ctx, f.visit, newScreening(t, body, ""))
	must(t, "create screening", err)
	if !created || s.ID == "" {
		t.Fatalf("create screening: created %v, id %q", created, s.ID)
	}
	return s
}

// service stores one of the demo directory's services in alpha (with an
// email address) and returns it.
func (f *fixture) service(t *testing.T, i int) assets.Service {
	t.Helper()
	svc := assets.DemoServicesAt(time.Now().UTC())[i]
	svc.Email = "referrals@provider.example"
	must(t, "create service", f.st.Directory.CreateService(f.ctx, f.lead, &svc))
	stored, err := f.st.Directory.Service(f.ctx, "alpha", svc.ID)
	must(t, "read service", err)
	return stored
}

// sys is the retention job's actor in alpha.
func sys() kith.Actor { return kith.Actor{Site: "alpha", Kind: "system", ID: "retention"} }

func (f *fixture) siteSettings(t *testing.T) kith.SiteSettings {
	t.Helper()
	s, err := f.st.Sites.Site(f.ctx, "alpha")
	must(t, "read site", err)
	return s.Settings
}

// cliAt is the command line acting on a site.
func (f *fixture) cliAt(site string) kith.Actor {
	a := f.cli
	a.Site = site
	return a
}
