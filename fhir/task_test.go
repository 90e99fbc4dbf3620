package fhir

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith/referral"
)

type profile struct {
	URL               string              `json:"url"`
	Required          []string            `json:"required"`
	Fixed             map[string]string   `json:"fixed"`
	Bindings          map[string][]string `json:"bindings"`
	ReasonWhen        []string            `json:"status_reason_text_required_when"`
	References        map[string][]string `json:"references"`
	ContainedRequired map[string][]string `json:"contained_required"`
	ContainedBindings map[string][]string `json:"contained_bindings"`
}

// at walks a dotted path (numbers index arrays) through decoded JSON.
func at(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// check returns every way the Task breaks the profile.
func check(p profile, task map[string]any) []string {
	var bad []string
	for _, path := range p.Required {
		if !present(at(task, path)) {
			bad = append(bad, path+" is required")
		}
	}
	for path, want := range p.Fixed {
		if got := at(task, path); got != want {
			bad = append(bad, fmt.Sprintf("%s is %v, the profile fixes %s", path, got, want))
		}
	}
	for path, codes := range p.Bindings {
		if got, _ := at(task, path).(string); got != "" && !slices.Contains(codes, got) {
			bad = append(bad, fmt.Sprintf("%s %q is not in its value set", path, got))
		}
	}
	if s, _ := task["status"].(string); slices.Contains(p.ReasonWhen, s) && !present(at(task, "statusReason.text")) {
		bad = append(bad, "statusReason.text is required when the status is "+s)
	}
	contained := map[string]map[string]any{}
	for _, c := range task["contained"].([]any) {
		m := c.(map[string]any)
		contained["#"+m["id"].(string)] = m
		for _, path := range p.ContainedRequired[m["resourceType"].(string)] {
			if !present(at(m, path)) {
				bad = append(bad, fmt.Sprintf("contained %s: %s is required", m["resourceType"], path))
			}
		}
		for key, codes := range p.ContainedBindings {
			typ, path, _ := strings.Cut(key, ".")
			if got, _ := at(m, path).(string); typ == m["resourceType"] && !slices.Contains(codes, got) {
				bad = append(bad, fmt.Sprintf("contained %s: %s %q is not in its value set", typ, path, got))
			}
		}
	}
	for path, types := range p.References {
		ref, _ := at(task, path).(map[string]any)
		if ref == nil {
			continue
		}
		typ, _ := ref["type"].(string)
		if r, _ := ref["reference"].(string); r != "" {
			target, ok := contained[r]
			if !ok {
				bad = append(bad, path+" refers to "+r+", which is not contained")
				continue
			}
			typ = target["resourceType"].(string)
		}
		if !slices.Contains(types, typ) {
			bad = append(bad, fmt.Sprintf("%s refers to a %s, the profile allows %v", path, typ, types))
		}
	}
	return bad
}

// Every state a referral can reach renders as a Task that meets the
// profile's required elements, fixed values, value sets and reference
// types.
func TestTaskMeetsTheProfile(t *testing.T) {
	raw, err := os.ReadFile("testdata/sdohcc-task-for-referral-management.json")
	if err != nil {
		t.Fatal(err)
	}
	var p profile
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	paths := [][]referral.State{
		{referral.New},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Accepted, referral.Engaged, referral.Closed},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Declined, referral.Closed},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Accepted, referral.Declined},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Expired},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Rerouted},
		{referral.New, referral.Assigned, referral.Withdrawn},
		{referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Accepted, referral.Escalated},
	}
	for _, states := range paths {
		r := referral.Referral{ID: "r1", PersonName: "Ada Example", ServiceID: "svc-1", ServiceName: "Lunch club",
			State: states[len(states)-1], CreatedAt: now, UpdatedAt: now.Add(time.Hour), Safeguarding: true}
		for i := 1; i < len(states); i++ {
			e := referral.Entry{From: states[i-1], To: states[i], At: now}
			switch states[i] {
			case referral.Declined:
				e.Reason = "service_full"
			case referral.Withdrawn:
				e.Reason = "person: changed their mind"
			}
			r.History = append(r.History, e)
		}
		task := ReferralTask(TaskInput{Referral: r, BaseURL: "https://kith.example/", SiteID: "alpha", SiteName: "Alpha Council"})
		b, err := json.Marshal(task)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, why := range check(p, m) {
			t.Errorf("%v: %s", states, why)
		}
		if got := at(m, "meta.profile.0"); got != p.URL {
			t.Errorf("%v: claims profile %v", states, got)
		}
		if got := at(m, "businessStatus.coding.0.code"); got != string(r.State) {
			t.Errorf("%v: business status %v", states, got)
		}
	}
}

// The checker itself notices a Task that breaks the profile.
func TestProfileCheckCatchesBreaks(t *testing.T) {
	raw, _ := os.ReadFile("testdata/sdohcc-task-for-referral-management.json")
	var p profile
	_ = json.Unmarshal(raw, &p)
	task := map[string]any{"resourceType": "Task", "status": "received", "intent": "plan",
		"contained": []any{map[string]any{"resourceType": "Patient", "id": "person"}},
		"for":       map[string]any{"reference": "#missing"}}
	bad := strings.Join(check(p, task), "\n")
	for _, want := range []string{"code is required", "focus is required", "requester is required", "authoredOn is required",
		`status "received" is not in its value set`, "intent is plan", "for refers to #missing"} {
		if !strings.Contains(bad, want) {
			t.Errorf("missed %q in:\n%s", want, bad)
		}
	}
}

func TestCancelledTaskSaysWhy(t *testing.T) {
	now := time.Now()
	r := referral.Referral{ID: "r", State: referral.Declined, CreatedAt: now, UpdatedAt: now, History: []referral.Entry{
		{From: referral.New, To: referral.Assigned}, {From: referral.Assigned, To: referral.Contacted},
		{From: referral.Contacted, To: referral.Sent}, {From: referral.Sent, To: referral.Declined, Reason: "out_of_area"}}}
	task := ReferralTask(TaskInput{Referral: r, BaseURL: "https://kith.example"})
	if task.Status != referral.TaskRejected || task.StatusReason == nil || !strings.Contains(task.StatusReason.Text, "outside the area") {
		t.Errorf("status %s, reason %+v", task.Status, task.StatusReason)
	}
}
