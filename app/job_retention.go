package app

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// Removed replaces a person's name once retention has taken it out.
const Removed = "[removed under the site's retention policy]"

// RetentionItem is a screening retention may redact, as stored.
type RetentionItem struct {
	ID      string
	Request screening.Request
	Result  StoredScreening
}

// Redaction is what retention keeps of a screening: the request and the
// result with the personal data taken out, and what it clears on the
// records kept beside it (Records). The store also forgets the screening's
// idempotency key and coordinates.
type Redaction struct {
	ScreeningID string
	Request     screening.Request
	Result      StoredScreening
	Records     RecordRedaction
}

// RecordRedaction is what retention does to the records beside a
// screening (its referrals with their notes, contact attempts and
// history, its best-interest decision, its concern, the messages still
// queued about it), decided here from the records' types so that every
// store clears the same things; a store maps each to its own columns.
type RecordRedaction struct {
	// Notes replaces the text of each note on its referrals, so the page
	// still shows a note was written, and removed.
	Notes string
	// AttemptNotes, HistoryNotes and OutcomeNotes clear the free text of
	// contact attempts, of each move, and of the referrals' and the
	// concern's outcomes (Outcome.Note, ConcernOutcome.Note).
	AttemptNotes, HistoryNotes, OutcomeNotes bool
	// HistoryReasonsOf are the moves whose reasons are cleared
	// (referral.FreeTextReasons).
	HistoryReasonsOf []referral.State
	// BestInterest is what a best-interest decision keeps of its words
	// (its decision stays).
	BestInterest BestInterest
	// SearchName is what the referrals' copy of the person's name, kept
	// for the worklist's search, becomes.
	SearchName string
	// DropMessages deletes the messages about its referrals not yet sent.
	DropMessages bool
}

// RedactRecords is what retention clears beside every screening it
// redacts: all the free text about the person, and the name the worklist
// searches by.
func RedactRecords() RecordRedaction {
	return RecordRedaction{Notes: Removed, AttemptNotes: true, HistoryNotes: true, OutcomeNotes: true,
		HistoryReasonsOf: referral.FreeTextReasons, BestInterest: BestInterest{StepsTaken: Removed}, SearchName: "", DropMessages: true}
}

// Redact decides what retention keeps of a screening, from its typed data
// alone: the request's personal data (screening.Request.Redacted), the
// result's safe-contact details and location, and any recommendation
// reason that quotes the person (pathways decides which).
func Redact(it RetentionItem) (Redaction, error) {
	res := it.Result
	if res.Result != nil {
		r := *res.Result
		r.SafeContact.Times, r.SafeContact.DoNotContact = "", ""
		recs := make([]json.RawMessage, len(r.Recommendations))
		for i, raw := range r.Recommendations {
			var rec pathways.Recommendation
			if err := json.Unmarshal(raw, &rec); err != nil {
				return Redaction{}, err
			}
			b, err := json.Marshal(rec.WithoutPersonWords())
			if err != nil {
				return Redaction{}, err
			}
			recs[i] = b
		}
		r.Recommendations = recs
		res.Result = &r
	}
	res.Location = Location{Source: "unknown"}
	res.JSON = nil
	return Redaction{ScreeningID: it.ID, Request: it.Request.Redacted(Removed), Result: res, Records: RedactRecords()}, nil
}

// DefaultRetentionDays is the retention period of a site whose lead has
// not chosen one: six years, the limitation period for most claims in
// England, after which a council rarely has a reason to hold a screening's
// personal data; the statistics stay. A lead can choose 30 days to 100
// years on the settings page.
const DefaultRetentionDays = 6 * 365

// RetentionDays is a site's retention period in days.
func RetentionDays(s kith.SiteSettings) int {
	if s.RetentionDays > 0 {
		return s.RetentionDays
	}
	return DefaultRetentionDays
}

// ApplyRetention redacts, in every site, the screenings older than its
// retention period (DefaultRetentionDays unless the lead chose one) whose
// referrals are all final, after moving to expired those left open and
// untouched past the period. It returns how many screenings it changed.
func (a *App) ApplyRetention(ctx context.Context) (int, error) {
	sites, err := a.st.Exports.EverySiteSettings(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for site, settings := range sites {
		n, err := a.ApplySiteRetention(ctx, site, RetentionDays(settings))
		total += n
		if err != nil {
			errs = append(errs, err)
		} else if n > 0 {
			a.log.Info("retention applied", "site", site, "screenings", n)
		}
	}
	if total > 0 {
		errs = append(errs, a.st.Exports.ForgetRemoved(ctx))
	}
	return total, errors.Join(errs...)
}

// ApplySiteRetention redacts one site's screenings older than days.
func (a *App) ApplySiteRetention(ctx context.Context, site string, days int) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	sys := kith.Actor{Site: site, Kind: "system", ID: "retention"}
	cutoff := a.Now().AddDate(0, 0, -days)
	if _, err := a.st.Exports.ExpireStaleReferrals(ctx, sys, cutoff); err != nil {
		return 0, err
	}
	items, err := a.st.Exports.RetentionCandidates(ctx, sys, cutoff)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		r, err := Redact(it)
		if err != nil {
			return n, err
		}
		if err := a.st.Exports.Redact(ctx, sys, r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
