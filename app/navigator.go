package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// Why a screening waits for a navigator.
const (
	WaitingAgreed            = "agreed"              // the person agreed to a referral
	WaitingBestInterest      = "best_interest"       // capacity in doubt: a best-interest decision is needed
	WaitingBestInterestRefer = "best_interest_refer" // a best-interest decision to refer is recorded
)

// WaitingScreening is one screening waiting for a navigator.
type WaitingScreening struct {
	ID         string
	CreatedAt  time.Time
	Reference  string
	Action     string
	PersonName string
	Waiting    string
}

// WaitingScreenings lists the screenings waiting for a navigator: agreed
// to a referral with none made yet, or needing a best-interest decision.
func (a *App) WaitingScreenings(ctx context.Context, act kith.Actor, p kith.Page) ([]WaitingScreening, int, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, 0, err
	}
	return a.st.Screenings.WaitingScreenings(ctx, act, p)
}

// NavigatorScreening is what a navigator sees of one screening before a
// referral is made: the person, how to contact them safely, what will be
// shared, and the services to choose from.
type NavigatorScreening struct {
	Stored       StoredScreening
	Request      *screening.Request
	Agreement    referral.Agreement
	BestInterest *BestInterest
	// CanRefer: the person agreed, or a best-interest decision to refer is
	// recorded.
	CanRefer        bool
	Recommendations []pathways.Recommendation
	// Shared is what the provider will see of the person's own words;
	// SharingAgreed says whether they agreed to share any.
	Shared        string
	SharingAgreed bool
	WordsEdited   bool
	ReferralIDs   []string
}

// NavigatorScreening reads one screening for the navigator's page.
func (a *App) NavigatorScreening(ctx context.Context, act kith.Actor, id string) (NavigatorScreening, error) {
	if err := Authorize(act, Navigate); err != nil {
		return NavigatorScreening{}, err
	}
	st, err := a.st.Screenings.Screening(ctx, act, id, "")
	if err != nil {
		return NavigatorScreening{}, err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, id)
	if err != nil {
		return NavigatorScreening{}, err
	}
	out := NavigatorScreening{Stored: st, Request: req, Agreement: referral.AgreementOf(req), SharingAgreed: st.Consent.Share == screening.Yes}
	b, ok, err := a.st.Screenings.BestInterest(ctx, act, id)
	if err != nil {
		return out, err
	}
	if ok {
		out.BestInterest = &b
	}
	out.CanRefer = out.Agreement == referral.Agreed || (out.Agreement == referral.CapacityInDoubt && ok && b.Decision == "refer")
	words, edited, err := a.st.Screenings.SharedWords(ctx, act, id)
	if err != nil {
		return out, err
	}
	out.WordsEdited = edited
	out.Shared = referral.WordsToShare(st.Consent.Share, req.Wishes, words, edited)
	if out.ReferralIDs, err = a.st.Referrals.ScreeningReferralIDs(ctx, act.Site, id); err != nil {
		return out, err
	}
	if out.CanRefer {
		run, err := a.Recommendations(ctx, act, id)
		if err != nil && kith.ErrorCode(err) != kith.ECONFLICT {
			return out, err
		}
		out.Recommendations = run.Recommendations
	}
	return out, nil
}

// SetSharedWords records what the navigator agreed with the person to share
// with the provider, before anything is sent. Only words the person agreed
// to share can be shared at all.
func (a *App) SetSharedWords(ctx context.Context, act kith.Actor, id, words string) error {
	if err := Authorize(act, Navigate); err != nil {
		return err
	}
	words = strings.TrimSpace(words)
	if utf8.RuneCountInString(words) > 5000 {
		return kith.Invalid(kith.FieldError{Field: "shared_words", Message: "What will be shared must be at most 5,000 characters"})
	}
	st, err := a.st.Screenings.Screening(ctx, act, id, "")
	if err != nil {
		return err
	}
	if st.Consent.Share != screening.Yes {
		return kith.Invalid(kith.FieldError{Field: "shared_words", Message: "The person did not agree to share their words, so none can be shared"})
	}
	return a.st.Screenings.SetSharedWords(ctx, act, id, words)
}

// sharedWords is what a provider may see of the person's words for a
// screening: referral.WordsToShare over what was recorded and edited.
func (a *App) sharedWords(ctx context.Context, act kith.Actor, screeningID string, share, recorded string) (string, error) {
	words, edited, err := a.st.Screenings.SharedWords(ctx, act, screeningID)
	if err != nil {
		return "", err
	}
	return referral.WordsToShare(share, recorded, words, edited), nil
}
