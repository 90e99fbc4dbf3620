package web_test

import (
	"testing"

	"github.com/kith-project/kith"
)

// A person who said no, with nothing to doubt their capacity, cannot be
// referred by a best-interest decision (before this rule a navigator could,
// and the provider letter then said the person agreed).
func TestBestInterestNeverOverridesACapacitousNo(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "no", nil)).JSON(t)
	id := s["id"].(string)
	svc := e.do("GET", "/api/v1/assets?per_page=1", nav, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"]
	wantProblem(t, e.do("POST", "/api/v1/screenings/"+id+"/best-interest", nav, map[string]any{"decision": "refer",
		"doubt": "She seemed confused", "steps_taken": "none", "consulted": "her neighbour"}), 409, "decision")
	wantProblem(t, e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": id, "service_id": svc}), 409, "")
}
