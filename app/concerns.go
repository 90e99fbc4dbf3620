package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// ConcernToRaise is the concern a new screening raises, or nil: a concern
// about the person is recorded when the safeguarding decision says so
// (screening.Safeguarding.ConcernAboutPerson); where only others are at
// risk the visitor is given their route and no concern about this person
// is stored. The concern's id is made here, so its link can be signed
// before it is stored.
func ConcernToRaise(res *screening.Result, req *screening.Request) (*NewConcern, error) {
	if !res.Safeguarding.ConcernAboutPerson {
		return nil, nil
	}
	return concernFrom(res.ID, res, req)
}

func concernFrom(screeningID string, res *screening.Result, req *screening.Request) (*NewConcern, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new concern id: %w", err)
	}
	return &NewConcern{Concern: referral.NewConcern(id.String(), screeningID, res, req)}, nil
}

// withTeamMessage adds the safeguarding team's email to a concern to raise,
// when the site has an address for the team: every raised concern is
// delivered the moment it is stored, through the outbox, retried until
// sent. The email names no one: it carries the reference and a signed link
// to the concern summary, which the team opens (each opening audited).
func (a *App) withTeamMessage(ctx context.Context, site string, nc *NewConcern, links Links) error {
	if nc == nil {
		return nil
	}
	st, err := a.st.Sites.Site(ctx, site)
	if err != nil {
		return err
	}
	to := st.Settings.SafeguardingEmail
	if to == "" || links.Concern == nil {
		return nil
	}
	link, err := links.Concern(site, nc.Concern.ID)
	if err != nil {
		return err
	}
	id := nc.Concern.ID
	nc.Message = func(ref string) Message {
		return Message{Kind: "safeguarding_concern", To: to, ConcernID: id, UntilSent: true,
			Subject: "Adult safeguarding concern " + ref + " raised in Kith",
			Body: "A safeguarding concern has been raised for " + st.Name + " (reference " + ref + ").\n\n" +
				"Open the concern summary (what was seen, who must not be contacted, who raised it and how to call them back):\n" + link + "\n\n" +
				"The link works for " + fmt.Sprint(ConcernLinkDays) + " days and every opening is recorded. Please do not forward it. " +
				"The concern is also on the Concerns page in Kith, where you record the council's decision.\n"}
	}
	return nil
}

// ConcernLinkDays is how long the safeguarding team's link to a concern
// summary works.
const ConcernLinkDays = 30

// ConcernCase is a concern with what lies behind it: the screening that
// raised it, what was submitted, and the referral, if any.
type ConcernCase struct {
	Concern   referral.Concern
	Screening StoredScreening
	Request   *screening.Request
	Referral  *referral.Referral
	Site      kith.Site
}

// mayReadConcern: safeguarding officers and leads, or the holder of the
// team's signed link to this one concern (act.Kind "concern_link").
func mayReadConcern(act kith.Actor, id string) error {
	if act.Kind == "concern_link" {
		if act.ID == id && act.ID != "" {
			return nil
		}
		return kith.Errorf(kith.EFORBIDDEN, "This link does not allow that.")
	}
	return Authorize(act, Safeguard)
}

// Concern reads one concern with its screening, what was submitted, and
// its referral if any (every read audited).
func (a *App) Concern(ctx context.Context, act kith.Actor, id string) (ConcernCase, error) {
	if err := mayReadConcern(act, id); err != nil {
		return ConcernCase{}, err
	}
	c, err := a.st.Concerns.Concern(ctx, act, id)
	if err != nil {
		return ConcernCase{}, err
	}
	out := ConcernCase{Concern: c}
	if out.Site, err = a.st.Sites.Site(ctx, act.Site); err != nil {
		return ConcernCase{}, err
	}
	if out.Screening, err = a.st.Screenings.Screening(ctx, act, c.ScreeningID, ""); err != nil {
		return ConcernCase{}, err
	}
	if out.Request, err = a.st.Screenings.ScreeningRequest(ctx, act, c.ScreeningID); err != nil {
		return ConcernCase{}, err
	}
	if c.ReferralID != "" {
		r, err := a.referral(ctx, act, c.ReferralID)
		if err != nil {
			return ConcernCase{}, err
		}
		out.Referral = &r
	}
	return out, nil
}

// ScreeningConcern is the concern a screening raised, if any.
func (a *App) ScreeningConcern(ctx context.Context, act kith.Actor, screeningID string) (referral.Concern, error) {
	if err := authorizeAny(act, Navigate, Safeguard); err != nil {
		return referral.Concern{}, err
	}
	return a.st.Concerns.ScreeningConcern(ctx, act, screeningID)
}

// ListConcerns lists the site's safeguarding concerns, newest first, for
// its safeguarding officers, navigators and leads.
func (a *App) ListConcerns(ctx context.Context, act kith.Actor, p kith.Page) ([]referral.Concern, int, error) {
	if err := authorizeAny(act, Navigate, Safeguard); err != nil {
		return nil, 0, err
	}
	return a.st.Concerns.ListConcerns(ctx, act, ConcernFilter{Page: p})
}

// RecordConcernOutcome stores the council's decision on a concern and,
// later, the outcome, in the national return's terms.
func (a *App) RecordConcernOutcome(ctx context.Context, act kith.Actor, id string, o referral.ConcernOutcome) (referral.Concern, error) {
	if err := Authorize(act, Safeguard); err != nil {
		return referral.Concern{}, err
	}
	if errs := o.Check(); len(errs) > 0 {
		return referral.Concern{}, kith.Invalid(errs...)
	}
	old, err := a.st.Concerns.Concern(ctx, act, id)
	if err != nil {
		return referral.Concern{}, err
	}
	// What the team leaves out of location and source stays as it was:
	// the store is given the values to keep.
	c := old.WithOutcome(o, a.Now())
	o.LocationOfRisk, o.SourceOfRisk = c.LocationOfRisk, c.SourceOfRisk
	return a.st.Concerns.RecordConcernOutcome(ctx, act, id, o)
}

// RaisedConcern is all the visitor who raised a concern may see of it: what
// they gave (the person's name), what they were given (the reference, the
// time), and what happened in the council's terms (referral.ConcernStatus),
// never what the team found or recorded.
type RaisedConcern struct {
	Reference  string
	RaisedAt   time.Time
	PersonName string
	Status     referral.ConcernStatus
	DecidedAt  *time.Time
}

// ConcernsRaised lists the concerns raised from the screenings the actor
// submitted, newest first.
func (a *App) ConcernsRaised(ctx context.Context, act kith.Actor, p kith.Page) ([]RaisedConcern, int, error) {
	if err := Authorize(act, Screen); err != nil {
		return nil, 0, err
	}
	items, total, err := a.st.Concerns.ListConcerns(ctx, act, ConcernFilter{RaisedBy: act.Ref(), Page: p})
	if err != nil {
		return nil, 0, err
	}
	out := make([]RaisedConcern, 0, len(items))
	for _, c := range items {
		out = append(out, RaisedConcern{Reference: c.Reference, RaisedAt: c.CreatedAt, PersonName: c.PersonName, Status: c.VisitorStatus(), DecidedAt: c.OutcomeAt})
	}
	return out, total, nil
}

// ConcernReturnRows are the rows of the concerns return for a period, in
// the Safeguarding Adults Collection's terms (referral.ConcernReturnRow).
func (a *App) ConcernReturnRows(ctx context.Context, act kith.Actor, from, to time.Time) ([][]string, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, err
	}
	list, err := a.st.Exports.ConcernsRaisedBetween(ctx, act, from, to)
	if err != nil {
		return nil, err
	}
	if err := a.st.Audit.AuditRead(ctx, act, "export:concerns", ""); err != nil {
		return nil, err
	}
	out := [][]string{referral.ConcernReturnColumns}
	for _, c := range list {
		out = append(out, referral.ConcernReturnRow(c))
	}
	return out, nil
}
