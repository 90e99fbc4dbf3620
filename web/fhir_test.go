package web_test

import (
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

// A referral is available as a FHIR Task whose status follows Gravity's
// state diagram as the referral moves (never ready, received or failed),
// with Kith's own state as the business status; only navigators and leads
// of the referral's own site can read it.
func TestReferralAsFHIRTask(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	task := func() map[string]any {
		t.Helper()
		r := e.do("GET", "/api/v1/referrals/"+ref.ID+"/fhir", nav, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/fhir+json") {
			t.Fatalf("fhir: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		return r.JSON(t)
	}
	steps := []struct{ to, status string }{
		{"", "draft"}, {"assigned", "draft"}, {"contacted", "draft"}, {"sent", "requested"},
		{"accepted", "accepted"}, {"declined", "cancelled"},
	}
	for _, st := range steps {
		if st.to != "" {
			body := map[string]any{"to": st.to}
			if st.to == "declined" {
				body["reason"] = "service_full"
			}
			if r := move(t, e, nav, ref.ID, body); r.Status != 200 {
				t.Fatalf("to %s: %d %s", st.to, r.Status, r.Body)
			}
		}
		got := task()
		if got["status"] != st.status {
			t.Errorf("after %q: Task.status %v, want %s", st.to, got["status"], st.status)
		}
		bs := got["businessStatus"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		if want := st.to; want != "" && bs["code"] != want {
			t.Errorf("after %q: business status %v", st.to, bs["code"])
		}
		if got["intent"] != "order" || got["resourceType"] != "Task" {
			t.Errorf("after %q: %v", st.to, got)
		}
	}
	last := task()
	reason, _ := last["statusReason"].(map[string]any)
	if reason == nil || !strings.Contains(reason["text"].(string), "the service is full") {
		t.Errorf("cancelled Task's reason: %v", last["statusReason"])
	}
	// The referral's own fhir_status says the same, read alone or in the
	// worklist.
	if got := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["fhir_status"]; got != "cancelled" {
		t.Errorf("the referral's fhir_status: %v", got)
	}
	list := e.do("GET", "/api/v1/referrals?size=100", nav, nil).JSON(t)
	found := false
	for _, it := range list["items"].([]any) {
		if m := it.(map[string]any); m["id"] == ref.ID {
			found = true
			if m["fhir_status"] != "cancelled" {
				t.Errorf("the worklist's fhir_status: %v", m["fhir_status"])
			}
		}
	}
	if !found {
		t.Errorf("the referral is not in the worklist: %v", list)
	}
	wantProblem(t, e.do("GET", "/api/v1/referrals/"+ref.ID+"/fhir", e.token("alpha", kith.RoleVisitor), nil), 403, "")
	wantProblem(t, e.do("GET", "/api/v1/referrals/"+ref.ID+"/fhir", e.token("beta", kith.RoleNavigator), nil), 404, "")
}
