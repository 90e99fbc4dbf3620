package app

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
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
// result with the personal data taken out. The store also clears the
// free text recorded on its referrals (notes, attempt notes, the outcome's
// note) and forgets its idempotency key and coordinates.
type Redaction struct {
	ScreeningID string
	Request     screening.Request
	Result      StoredScreening
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
	return Redaction{ScreeningID: it.ID, Request: it.Request.Redacted(Removed), Result: res}, nil
}

// ApplyRetention redacts, in every site with a retention period, the
// screenings older than it whose referrals are all final (or which have
// none). It returns how many screenings it changed.
func (a *App) ApplyRetention(ctx context.Context) (int, error) {
	sites, err := a.st.Exports.SitesWithRetention(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for site, days := range sites {
		n, err := a.ApplySiteRetention(ctx, site, days)
		total += n
		if err != nil {
			errs = append(errs, err)
		} else if n > 0 {
			a.log.Info("retention applied", "site", site, "screenings", n)
		}
	}
	return total, errors.Join(errs...)
}

// ApplySiteRetention redacts one site's screenings older than days.
func (a *App) ApplySiteRetention(ctx context.Context, site string, days int) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	sys := kith.Actor{Site: site, Kind: "system", ID: "retention"}
	items, err := a.st.Exports.RetentionCandidates(ctx, sys, a.Now().AddDate(0, 0, -days))
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
