package app_test

import (
	"encoding/json"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
)

func TestAuthorize(t *testing.T) {
	roles := []kith.Role{kith.RoleVisitor, kith.RoleNavigator, kith.RoleLead}
	want := map[app.Permission][3]bool{
		app.Screen:     {true, true, true},
		app.Navigate:   {false, true, true},
		app.Administer: {false, false, true},
	}
	for p, allowed := range want {
		for i, r := range roles {
			err := app.Authorize(kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: r}, p)
			if (err == nil) != allowed[i] || (err != nil && kith.ErrorCode(err) != kith.EFORBIDDEN) {
				t.Errorf("%s may %s: %v", r, p, err)
			}
		}
	}
	if err := app.Authorize(kith.Actor{}, app.Screen); kith.ErrorCode(err) != kith.EUNAUTHORIZED {
		t.Errorf("no actor: %v", err)
	}
	if err := app.Authorize(kith.Actor{Site: "alpha", Kind: "provider", ID: "r1"}, app.Navigate); kith.ErrorCode(err) != kith.EFORBIDDEN {
		t.Errorf("a provider link as a navigator: %v", err)
	}
}

// A visitor reads only their own screenings; a provider's link reads only
// its referral; neither is done by acting as a lead.
func TestScopes(t *testing.T) {
	w := newWorld(t)
	r := w.sentReferral(t, "alpha", 0)
	mine := kith.Actor{Site: "alpha", Kind: "user", ID: "v", Role: kith.RoleVisitor}
	if _, err := w.app.Screening(w.ctx, mine, r.ScreeningID); err != nil {
		t.Errorf("the visitor's own screening: %v", err)
	}
	another := kith.Actor{Site: "alpha", Kind: "user", ID: "w", Role: kith.RoleVisitor}
	if _, err := w.app.Screening(w.ctx, another, r.ScreeningID); kith.ErrorCode(err) != kith.ENOTFOUND {
		t.Errorf("another visitor's screening: %v, want not found", err)
	}
	provider := kith.Actor{Site: "alpha", Kind: "provider", ID: r.ID}
	got, err := w.app.ProviderReferral(w.ctx, provider)
	if err != nil || got.Referral.ID != r.ID || got.PersonName != "Ada Example" || got.Wishes != "someone to talk to" {
		t.Fatalf("the provider's copy: %+v %v", got, err)
	}
	if _, err := w.app.ScreeningRequest(w.ctx, provider, r.ScreeningID); kith.ErrorCode(err) != kith.EFORBIDDEN {
		t.Errorf("a provider reading screenings as a navigator: %v", err)
	}
	if _, err := w.app.ProviderReferral(w.ctx, nav("alpha")); kith.ErrorCode(err) != kith.EFORBIDDEN {
		t.Errorf("a navigator through the provider's door: %v", err)
	}
	var req screening.Request
	_ = json.Unmarshal([]byte(lonely), &req)
	if _, _, err := w.app.SubmitScreening(w.ctx, provider, &req, "", app.Links{}); kith.ErrorCode(err) != kith.EFORBIDDEN {
		t.Errorf("a provider submitting a screening: %v", err)
	}
}
