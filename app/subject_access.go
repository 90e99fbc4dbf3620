package app

import (
	"context"
	"sort"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
)

// SubjectAccess gathers everything held about the person screened in a
// screening: the screening as submitted and scored, every referral with
// its history, notes and attempts, concerns, and the audit trail about
// them. Only a lead may; each read is audited as it is made, and the copy
// itself is audited last.
func (a *App) SubjectAccess(ctx context.Context, act kith.Actor, screeningID string) (map[string]any, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, err
	}
	out := map[string]any{"generated_at": a.Now(), "site": act.Site, "screening_id": screeningID}
	st, err := a.st.Screenings.Screening(ctx, act, screeningID, "")
	if err != nil {
		return nil, err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, screeningID)
	if err != nil {
		return nil, err
	}
	out["screening"] = map[string]any{"as_submitted": req, "result": st}
	ids, err := a.st.Referrals.ScreeningReferralIDs(ctx, act.Site, screeningID)
	if err != nil {
		return nil, err
	}
	var refs []referral.Referral
	for _, id := range ids {
		r, err := a.referral(ctx, act, id)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	out["referrals"] = refs
	mine := []referral.Concern{}
	switch c, err := a.st.Concerns.ScreeningConcern(ctx, act, screeningID); {
	case err == nil:
		mine = append(mine, c)
	case kith.ErrorCode(err) != kith.ENOTFOUND:
		return nil, err
	}
	out["concerns"] = mine
	bi, err := a.st.Screenings.BestInterestDecision(ctx, act, screeningID)
	if err != nil {
		return nil, err
	}
	out["best_interest"] = bi
	about := append([]string{screeningID}, ids...)
	for _, c := range mine {
		about = append(about, c.ID)
	}
	var audit []kith.AuditEntry
	for _, id := range about {
		items, _, err := a.st.Audit.ListAudit(ctx, act.Site, kith.AuditFilter{EntityID: id, Page: kith.Page{Number: 1, Size: 1000}})
		if err != nil {
			return nil, err
		}
		audit = append(audit, items...)
	}
	sort.Slice(audit, func(i, j int) bool { return audit[i].ID < audit[j].ID })
	out["audit"] = audit
	if err := a.st.Audit.AuditRead(ctx, act, "subject_access", screeningID); err != nil {
		return nil, err
	}
	return out, nil
}
