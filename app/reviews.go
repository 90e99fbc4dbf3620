package app

import (
	"context"
	"slices"
	"time"

	"github.com/kith-project/kith"
)

// ScreeningReview is a screening marked to be checked by hand: answers it
// holds may be stored the wrong way round (see migration 0011: the form's
// "Can they leave home without help?" and "Could the person protect
// themselves?" were once stored inverted, and form screenings cannot be
// told for certain from API ones). A navigator checks with the visitor and
// records what they found; nothing is flipped by guesswork.
type ScreeningReview struct {
	ScreeningID string
	Fields      []string // the request's fields to check
	MarkedAt    time.Time
	ScreenedAt  time.Time
	PersonName  string
	CheckedAt   *time.Time
	CheckedBy   string
	Outcome     string // ReviewAsStored or ReviewInverted, once checked
}

// What a navigator found on checking with the visitor.
const (
	ReviewAsStored = "as_stored" // the answers are as the visitor meant them
	ReviewInverted = "inverted"  // the visitor confirms they are the wrong way round
)

// ReviewStore keeps the screenings marked for checking.
type ReviewStore interface {
	// MarkScreeningForReview marks a screening of a's site to check, with
	// the request's fields in question, and audits the mark. Marking one
	// already marked adds nothing.
	MarkScreeningForReview(ctx context.Context, a kith.Actor, screeningID string, fields []string) error
	// ScreeningReviews lists a site's reviews not yet checked, oldest
	// first, and audits the read.
	ScreeningReviews(ctx context.Context, a kith.Actor) ([]ScreeningReview, error)
	// ScreeningReview is one screening's review; found is false when it
	// was never marked.
	ScreeningReview(ctx context.Context, a kith.Actor, screeningID string) (r ScreeningReview, found bool, err error)
	// CheckScreeningReview records the outcome and audits it: kith.ENOTFOUND
	// when the screening was never marked, kith.ECONFLICT when already
	// checked.
	CheckScreeningReview(ctx context.Context, a kith.Actor, screeningID, outcome string) error
}

// ScreeningReviews are the site's screenings still to check.
func (a *App) ScreeningReviews(ctx context.Context, act kith.Actor) ([]ScreeningReview, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, err
	}
	return a.st.Reviews.ScreeningReviews(ctx, act)
}

// ScreeningReviewOf is the review of a screening the caller has read
// (through Screening, which decided they may), if it was marked.
func (a *App) ScreeningReviewOf(ctx context.Context, act kith.Actor, st StoredScreening) (ScreeningReview, bool, error) {
	if err := Authorize(act, Screen); err != nil {
		return ScreeningReview{}, false, err
	}
	return a.st.Reviews.ScreeningReview(ctx, act, st.Result.ID)
}

// CheckScreeningReview records what a navigator found.
func (a *App) CheckScreeningReview(ctx context.Context, act kith.Actor, screeningID, outcome string) error {
	if err := Authorize(act, Navigate); err != nil {
		return err
	}
	if !slices.Contains([]string{ReviewAsStored, ReviewInverted}, outcome) {
		return kith.Invalid(kith.FieldError{Field: "outcome", Message: "Say what the visitor told you: the answers are right, or the wrong way round"})
	}
	return a.st.Reviews.CheckScreeningReview(ctx, act, screeningID, outcome)
}

// ReviewQuestion is the question a review field was asked as, and what
// each stored answer meant when it was stored the wrong way round.
func ReviewQuestion(field string) string {
	switch field {
	case "person.housebound":
		return "Can they leave home without help?"
	case "s42.unable_to_protect_self":
		return "Could the person protect themselves?"
	}
	return field
}
