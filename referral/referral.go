package referral

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kith-project/kith"
)

// Referral is a community referral from a screening to one service.
type Referral struct {
	ID           string     `json:"id"`
	ScreeningID  string     `json:"screening_id"`
	PersonName   string     `json:"person_name"`
	ServiceID    string     `json:"service_id"`
	ServiceName  string     `json:"service_name"`
	State        State      `json:"state"`
	Assignee     string     `json:"assignee"`
	Safeguarding bool       `json:"safeguarding"`
	RedFlags     bool       `json:"red_flags"`
	ReroutedFrom string     `json:"rerouted_from,omitempty"`
	ReroutedTo   string     `json:"rerouted_to,omitempty"`
	Outcome      *Outcome   `json:"outcome,omitempty"`
	Change       *Change    `json:"loneliness_change,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	StateAt      time.Time  `json:"state_at"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
	Timer        *Timer     `json:"timer,omitempty"`
	Overdue      bool       `json:"overdue"`
	FHIRStatus   string     `json:"fhir_status"`
	History      []Entry    `json:"history,omitempty"`
	Tasks        []Task     `json:"tasks,omitempty"`
	Notes        []Note     `json:"notes,omitempty"`
	Attempts     []Attempt  `json:"contact_attempts,omitempty"`
}

// Entry is one recorded transition.
type Entry struct {
	From   State     `json:"from"`
	To     State     `json:"to"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	Note   string    `json:"note"`
}

// Note is a navigator's note on a referral.
type Note struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Note  string    `json:"note"`
}

// Attempt results; all but Reached count as failed.
var AttemptResults = []string{"reached", "no_answer", "wrong_number", "unsafe_to_speak", "left_message"}

// FailedAttemptsForWelfareCheck is how many failed contacts make a welfare check.
const FailedAttemptsForWelfareCheck = 3

// Attempt is one try to contact the person.
type Attempt struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Result string    `json:"result"`
	Note   string    `json:"note"`
}

// Task kinds.
const (
	TaskWelfareCheck  = "welfare_check"  // three failed attempts to reach the person
	TaskCoercionCheck = "coercion_check" // withdrawn while red flags are present
)

// Task is follow-up work for a navigator.
type Task struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

// Change is the difference between the first loneliness measure and the
// follow-up with the same instrument.
type Change struct {
	Instrument       string `json:"instrument"`
	FirstScore       *int   `json:"first_score"`
	FollowUpScore    *int   `json:"follow_up_score"`
	Delta            *int   `json:"delta"`
	FirstClass       string `json:"first_classification"`
	FollowUpClass    string `json:"follow_up_classification"`
	MovedOutOfLonely bool   `json:"moved_out_of_lonely"`
}

// LonelyClass reports whether an instrument's classification means lonely,
// for the change from first to follow-up measure.
func LonelyClass(class string) bool {
	switch class {
	case "lonely", "moderately_lonely", "severely_lonely", "chronic_loneliness", "some_loneliness":
		return true
	}
	return false
}

// Less orders a navigator's worklist: safeguarding first, then expired or
// overdue, then oldest.
func Less(a, b Referral) bool {
	if a.Safeguarding != b.Safeguarding {
		return a.Safeguarding
	}
	ua, ub := a.Overdue || a.State == Expired, b.Overdue || b.State == Expired
	if ua != ub {
		return ua
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// Open reports whether a referral is still being worked.
func Open(s State) bool { return !Final(s) }

// WithTimer sets a sent referral's timers as of now under th (and Overdue
// from them); other referrals have none.
func (r Referral) WithTimer(now time.Time, th Thresholds) Referral {
	r.Timer, r.Overdue = nil, false
	if r.State == Sent && r.SentAt != nil {
		t := TimerAt(*r.SentAt, now, th)
		r.Timer, r.Overdue = &t, t.Overdue
	}
	return r
}

// CheckAttempt validates a contact attempt, however it was entered.
func CheckAttempt(result, note string) error {
	var errs []kith.FieldError
	if !slices.Contains(AttemptResults, result) {
		errs = append(errs, kith.FieldError{Field: "result", Message: "must be one of: " + strings.Join(AttemptResults, ", ")})
	}
	if utf8.RuneCountInString(note) > 5000 {
		errs = append(errs, kith.FieldError{Field: "note", Message: "must be at most 5000 characters"})
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

// WelfareCheckDue reports whether a referral's contact attempts (their
// results) call for a welfare check: FailedAttemptsForWelfareCheck that
// did not reach the person.
func WelfareCheckDue(results []string) bool {
	failed := 0
	for _, r := range results {
		if r != "reached" {
			failed++
		}
	}
	return failed >= FailedAttemptsForWelfareCheck
}

// CheckReassign says whether r may be given to assignee (an actor
// reference): only open work moves, and only to someone else.
func CheckReassign(r Referral, assignee string) error {
	switch {
	case Final(r.State):
		return kith.Errorf(kith.ECONFLICT, "A referral that is %s is finished: it cannot be reassigned.", r.State)
	case assignee == "":
		return kith.Invalid(kith.FieldError{Field: "assignee", Message: "Choose the colleague who takes it"})
	case assignee == r.Assignee:
		return kith.Invalid(kith.FieldError{Field: "assignee", Message: "It is already assigned to them: choose someone else"})
	}
	return nil
}

// ReassignReason is the history's reason for a reassignment (the actor
// references; pages show names).
func ReassignReason(from, to string) string {
	if from == "" {
		return "assigned to " + to
	}
	return "reassigned from " + from + " to " + to
}

// ProviderAgreed reports whether the service has accepted the referral and
// it still stands with them (accepted, the person started, or closed after
// that): only then may the person be told the service has agreed.
func (r Referral) ProviderAgreed() bool {
	if r.State != Accepted && r.State != Engaged && r.State != Closed {
		return false
	}
	for _, e := range r.History {
		if e.To == Accepted {
			return true
		}
	}
	return false
}
