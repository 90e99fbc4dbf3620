package referral

import (
	"slices"
	"testing"
)

// Every path a referral can take through Kith's 29 transitions changes
// its Task.status only as the Gravity referral Task state diagram allows,
// and only to statuses in the Gravity value set; no Kith move reads as
// failed (an error, in FHIR's terms).
func TestEveryPathFollowsGravitysDiagram(t *testing.T) {
	type at struct {
		s    State
		task string
	}
	seen := map[at]bool{}
	edges := 0
	var walk func(s State, task string)
	walk = func(s State, task string) {
		if seen[at{s, task}] {
			return
		}
		seen[at{s, task}] = true
		for _, to := range Allowed(s) {
			edges++
			next := TaskStatusAfter(task, s, to)
			if !slices.Contains(GravityTaskStatuses, next) || next == "ready" || next == "received" {
				t.Errorf("%s -> %s: %q is not in the Gravity referral task status value set", s, to, next)
			}
			if !GravityAllows(task, next) {
				t.Errorf("%s -> %s: Task status %s -> %s is not in Gravity's state diagram", s, to, task, next)
			}
			if next == TaskFailed {
				t.Errorf("%s -> %s reads as failed", s, to)
			}
			if to != s {
				walk(to, next)
			}
		}
	}
	walk(New, TaskDraft)
	if edges < 29 {
		t.Errorf("walked %d transitions, want every one of the 29", edges)
	}
}

func TestTaskStatusAlongPaths(t *testing.T) {
	path := func(states ...State) []Entry {
		var h []Entry
		for i := 1; i < len(states); i++ {
			h = append(h, Entry{From: states[i-1], To: states[i]})
		}
		return h
	}
	for _, c := range []struct {
		name string
		h    []Entry
		want string
	}{
		{"being prepared", path(New, Assigned, Contacted), TaskDraft},
		{"sent", path(New, Assigned, Contacted, Sent), TaskRequested},
		{"accepted", path(New, Assigned, Contacted, Sent, Accepted), TaskAccepted},
		{"engaged", path(New, Assigned, Contacted, Sent, Accepted, Engaged), TaskInProgress},
		{"closed after taking part", path(New, Assigned, Contacted, Sent, Accepted, Engaged, Closed), TaskCompleted},
		{"declined on receipt", path(New, Assigned, Contacted, Sent, Declined), TaskRejected},
		{"declined on receipt, then closed", path(New, Assigned, Contacted, Sent, Declined, Closed), TaskRejected},
		{"declined on receipt, then rerouted", path(New, Assigned, Contacted, Sent, Declined, Rerouted), TaskRejected},
		{"declined after accepting", path(New, Assigned, Contacted, Sent, Accepted, Declined), TaskCancelled},
		{"declined after accepting, then closed", path(New, Assigned, Contacted, Sent, Accepted, Declined, Closed), TaskCancelled},
		{"expired unanswered", path(New, Assigned, Contacted, Sent, Expired), TaskCancelled},
		{"expired, then closed", path(New, Assigned, Contacted, Sent, Expired, Closed), TaskCancelled},
		{"expired, then escalated", path(New, Assigned, Contacted, Sent, Expired, Escalated), TaskCancelled},
		{"escalated while engaged", path(New, Assigned, Contacted, Sent, Accepted, Engaged, Escalated), TaskCancelled},
		{"rerouted after accepting", path(New, Assigned, Contacted, Sent, Accepted, Rerouted), TaskCancelled},
		{"withdrawn once sent", path(New, Assigned, Contacted, Sent, Withdrawn), TaskCancelled},
		{"withdrawn before it was sent", path(New, Assigned, Withdrawn), TaskDraft},
		{"escalated before it was sent", path(New, Escalated), TaskDraft},
	} {
		if got := TaskStatusOf(c.h); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestPersonDeclined(t *testing.T) {
	for _, c := range []struct {
		h    []Entry
		want bool
	}{
		{[]Entry{{From: Sent, To: Declined, Reason: "person_declined"}}, true},
		{[]Entry{{From: Sent, To: Declined, Reason: "service_full"}}, false},
		{[]Entry{{From: Assigned, To: Withdrawn, Reason: "person: changed their mind"}}, true},
		{[]Entry{{From: Assigned, To: Withdrawn, Reason: "referrer: made in error"}}, false},
		{nil, false},
	} {
		if got := PersonDeclined(c.h); got != c.want {
			t.Errorf("%v: %v, want %v", c.h, got, c.want)
		}
	}
}
