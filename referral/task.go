package referral

import (
	"slices"
	"strings"
)

// The referral as a FHIR R4 Task under the Gravity Project's SDOH Clinical
// Care profile "SDOHCC Task For Referral Management": its Task.status comes
// from the value set SDOHCC ValueSet Referral Task Status (FHIR's
// TaskStatus without ready and received) and may change only along the
// profile's state diagram. Kith's own state travels as Task.businessStatus.

// Task statuses Kith uses, all in the Gravity referral value set.
const (
	TaskDraft      = "draft"
	TaskRequested  = "requested"
	TaskAccepted   = "accepted"
	TaskRejected   = "rejected"
	TaskCancelled  = "cancelled"
	TaskInProgress = "in-progress"
	TaskOnHold     = "on-hold"
	TaskFailed     = "failed"
	TaskCompleted  = "completed"
	TaskInError    = "entered-in-error"
)

// GravityTaskStatuses is the value set SDOHCC-ValueSetReferralTaskStatus:
// every FHIR R4 TaskStatus code except ready and received.
var GravityTaskStatuses = []string{TaskDraft, TaskRequested, TaskAccepted, TaskRejected, TaskCancelled,
	TaskInProgress, TaskOnHold, TaskFailed, TaskCompleted, TaskInError}

// gravityMoves is the profile's referral Task state diagram: from each
// status, the statuses it may change to (any status may also become
// entered-in-error).
var gravityMoves = map[string][]string{
	TaskDraft:      {TaskRequested},
	TaskRequested:  {TaskAccepted, TaskRejected, TaskCancelled},
	TaskAccepted:   {TaskInProgress, TaskOnHold, TaskCancelled, TaskCompleted, TaskFailed},
	TaskInProgress: {TaskOnHold, TaskCancelled, TaskCompleted, TaskFailed},
	TaskOnHold:     {TaskInProgress, TaskCancelled, TaskCompleted, TaskFailed},
}

// GravityAllows reports whether the state diagram lets a referral Task's
// status change from one status to another (staying put is always allowed).
func GravityAllows(from, to string) bool {
	return from == to || to == TaskInError || slices.Contains(gravityMoves[from], to)
}

// TaskStatusAfter is the Task.status once a referral whose Task is at cur
// moves from one state to another. While the navigator prepares the
// referral (new, assigned, contacted) the Task is a draft Kith has not sent
// anyone; sending requests it; the provider accepts, rejects (declines
// before accepting) or starts it (engaged); Kith cancels it when the
// provider declines after accepting, when the timers expire it unanswered,
// when it is rerouted, withdrawn or escalated to the safeguarding team;
// closing completes it only when the person took part. A change the diagram
// does not allow (a draft withdrawn before it was ever sent, a rejected
// Task then closed) leaves the status where it is: Task.businessStatus
// carries what happened.
func TaskStatusAfter(cur string, from, to State) string {
	next := cur
	switch to {
	case Sent:
		next = TaskRequested
	case Accepted:
		next = TaskAccepted
	case Engaged:
		next = TaskInProgress
	case Declined:
		next = TaskRejected
		if from != Sent {
			next = TaskCancelled
		}
	case Closed:
		if from == Engaged {
			next = TaskCompleted
		}
	case Expired, Rerouted, Withdrawn, Escalated:
		next = TaskCancelled
	}
	if !GravityAllows(cur, next) {
		return cur
	}
	return next
}

// TaskStatusOf folds a referral's history (oldest first) into its
// Task.status, from a draft.
func TaskStatusOf(history []Entry) string {
	s := TaskDraft
	for _, e := range history {
		s = TaskStatusAfter(s, e.From, e.To)
	}
	return s
}

// TaskStatusReason is Task.statusReason's text for a Task that was
// rejected or cancelled, from the move that did it (the profile asks for
// one whenever the status is rejected, cancelled, on-hold or failed).
func TaskStatusReason(e Entry) string {
	switch e.To {
	case Declined:
		return "The service declined the referral: " + DeclineReasonWords(e.Reason)
	case Expired:
		return "The service did not answer within the referral's time limits"
	case Rerouted:
		return "The referral was sent to another service instead"
	case Withdrawn:
		if by, _, _ := strings.Cut(e.Reason, ":"); by == "person" {
			return "The person withdrew from the referral"
		}
		return "The referrer withdrew the referral"
	case Escalated:
		return "Passed to the council's safeguarding team"
	}
	return ""
}

// DeclineReasonWords says a decline reason in words.
func DeclineReasonWords(reason string) string {
	switch reason {
	case "not_eligible":
		return "the person is not eligible"
	case "service_full":
		return "the service is full"
	case "out_of_area":
		return "the person lives outside the area the service covers"
	case "could_not_contact":
		return "the service could not contact the person"
	case "person_declined":
		return "the person did not want the service"
	}
	return "another reason"
}

// PersonDeclined reports whether a history shows the person themself
// declining social prescribing: the provider recorded that the person did
// not want the service, or the referral was withdrawn at the person's
// request. A provider's own decline or a referrer's withdrawal is not the
// person declining.
func PersonDeclined(history []Entry) bool {
	for _, e := range history {
		if e.To == Declined && e.Reason == "person_declined" {
			return true
		}
		if by, _, _ := strings.Cut(e.Reason, ":"); e.To == Withdrawn && by == "person" {
			return true
		}
	}
	return false
}
