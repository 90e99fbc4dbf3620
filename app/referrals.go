package app

import (
	"context"
	"slices"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// thresholds are a site's referral timers, the defaults where unset.
func (a *App) thresholds(ctx context.Context, site string) (referral.Thresholds, error) {
	st, err := a.st.Sites.Site(ctx, site)
	if err != nil {
		return referral.Thresholds{}, err
	}
	return siteThresholds(st), nil
}

// siteThresholds are the referral timers a site's settings ask for.
func siteThresholds(st kith.Site) referral.Thresholds {
	t := st.Settings.Timers
	return referral.Thresholds{Nudge: t.NudgeAfter, Overdue: t.OverdueAfter, Expire: t.ExpireAfter}.OrDefault()
}

// CreateReferral opens a referral from a screening to a service and
// returns it.
func (a *App) CreateReferral(ctx context.Context, act kith.Actor, screeningID, serviceID string) (referral.Referral, error) {
	if err := Authorize(act, Navigate); err != nil {
		return referral.Referral{}, err
	}
	id, err := a.st.Referrals.CreateReferral(ctx, act, screeningID, serviceID)
	if err != nil {
		return referral.Referral{}, err
	}
	return a.Referral(ctx, act, id)
}

// Referral reads one referral, with its timers as of now under the site's
// settings.
func (a *App) Referral(ctx context.Context, act kith.Actor, id string) (referral.Referral, error) {
	if err := Authorize(act, Navigate); err != nil {
		return referral.Referral{}, err
	}
	return a.referral(ctx, act, id)
}

func (a *App) referral(ctx context.Context, act kith.Actor, id string) (referral.Referral, error) {
	r, err := a.st.Referrals.Referral(ctx, act, id)
	if err != nil {
		return r, err
	}
	th, err := a.thresholds(ctx, act.Site)
	if err != nil {
		return r, err
	}
	r.FHIRStatus = referral.TaskStatusOf(r.History)
	return r.WithTimer(a.Now(), th), nil
}

// ListReferrals is a page of the navigator's worklist (referral.Less
// order), each with its timers.
func (a *App) ListReferrals(ctx context.Context, act kith.Actor, f ReferralFilter) ([]referral.Referral, int, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, 0, err
	}
	th, err := a.thresholds(ctx, act.Site)
	if err != nil {
		return nil, 0, err
	}
	f.Now, f.Thresholds = a.Now(), th
	items, total, err := a.st.Referrals.ListReferrals(ctx, act, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	histories, err := a.st.Referrals.Histories(ctx, act, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range items {
		items[i].FHIRStatus = referral.TaskStatusOf(histories[items[i].ID])
		items[i] = items[i].WithTimer(f.Now, th)
	}
	return items, total, nil
}

// Transition moves a referral (referral.Plan says what the move does).
// Sending it emails the provider, when the service has an address, with
// the link links.Provider makes (the web layer signs it; it is called only
// then), in the same transaction as the move. Escalating it raises a
// concern, unless its screening raised one already, delivered to the
// safeguarding team as a screening's is.
func (a *App) Transition(ctx context.Context, act kith.Actor, id string, m referral.Move, links Links) (TransitionResult, error) {
	if err := Authorize(act, Navigate); err != nil {
		return TransitionResult{}, err
	}
	if m.To == referral.Assigned && m.Assignee != "" && m.Assignee != act.Ref() {
		if err := a.colleague(ctx, act, m.Assignee); err != nil {
			return TransitionResult{}, err
		}
	}
	var raise *NewConcern
	if m.To == referral.Escalated {
		var err error
		if raise, err = a.escalationConcern(ctx, act, id, links); err != nil {
			return TransitionResult{}, err
		}
	}
	var queue []Message
	if m.To == referral.Sent {
		msg, ok, err := a.providerMessage(ctx, act, id, links.Provider)
		if err != nil {
			return TransitionResult{}, err
		}
		if ok {
			queue = append(queue, msg)
		}
	}
	return a.st.Referrals.Transition(ctx, act, id, m, raise, queue...)
}

// escalationConcern is the concern an escalation raises if the referral's
// screening has none yet (the store keeps the one it has): what the
// screening found, as a screening's own concern would hold.
func (a *App) escalationConcern(ctx context.Context, act kith.Actor, id string, links Links) (*NewConcern, error) {
	r, err := a.st.Referrals.Referral(ctx, act, id)
	if err != nil {
		return nil, err
	}
	st, err := a.st.Screenings.Screening(ctx, act, r.ScreeningID, "")
	if err != nil {
		return nil, err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, r.ScreeningID)
	if err != nil {
		return nil, err
	}
	nc, err := concernFrom(r.ScreeningID, st.Result, req)
	if err != nil {
		return nil, err
	}
	nc.Concern.ReferralID = id
	return nc, a.withTeamMessage(ctx, act.Site, nc, links)
}

// providerMessage is the email that carries the provider's link, if the
// service has an address (otherwise the navigator passes the link on from
// the referral page). It names no one and holds nothing the person did not
// agree to share: the page behind the link does that, after the link is
// checked.
func (a *App) providerMessage(ctx context.Context, act kith.Actor, id string, providerLink func() (string, error)) (Message, bool, error) {
	r, err := a.st.Referrals.Referral(ctx, act, id)
	if err != nil {
		return Message{}, false, err
	}
	svc, err := a.st.Directory.Service(ctx, act.Site, r.ServiceID)
	if err != nil || serviceEmail(svc) == "" || providerLink == nil {
		return Message{}, false, err
	}
	link, err := providerLink()
	if err != nil || link == "" {
		return Message{}, false, err
	}
	code := ""
	if l, ok, err := a.st.Referrals.ProviderLinkFor(ctx, act.Site, id); err != nil {
		return Message{}, false, err
	} else if ok {
		base, _, _ := strings.Cut(link, "/provider/")
		code = "Or go to " + base + "/provider and type the code " + l.CodeWords() + ".\n\n"
	}
	return Message{Kind: "provider_referral", To: serviceEmail(svc), Subject: "A referral to " + svc.Name,
		Body: "A community navigator has referred someone to " + svc.Name + ".\n\n" +
			"Open this link to see the referral and to accept it, decline it, or say the person has started:\n" + link + "\n\n" + code +
			"The link is for your organisation only and works for 30 days, or until the referral ends. Please do not forward it.\n"}, true, nil
}

// AddNote records a navigator's note on a referral.
func (a *App) AddNote(ctx context.Context, act kith.Actor, id, note string) error {
	if err := Authorize(act, Navigate); err != nil {
		return err
	}
	return a.st.Referrals.AddNote(ctx, act, id, note)
}

// AddAttempt records an attempt to contact the person; the third failed
// one raises a welfare check (true). The result must be one of
// referral.AttemptResults whichever form it came from.
func (a *App) AddAttempt(ctx context.Context, act kith.Actor, id, result, note string) (bool, error) {
	if err := Authorize(act, Navigate); err != nil {
		return false, err
	}
	if err := referral.CheckAttempt(result, note); err != nil {
		return false, err
	}
	return a.st.Referrals.AddAttempt(ctx, act, id, result, note)
}

// ProviderCopy is all a provider, holding a checked link for one referral
// (act.Kind "provider", act.ID the referral), may see of it: never the
// safeguarding details, and the person's own words only when they agreed
// to share them.
type ProviderCopy struct {
	Referral    referral.Referral
	PersonName  string // with the name in Latin letters, when given
	Wishes      string // empty unless the person agreed to share
	Housebound  bool
	SafeContact screening.SafeContact
	Phone       string // the person's number, only where phoning is safe
}

// ProviderReferral is the provider's copy of its referral. The link is the
// provider's only authority; it reaches no other record.
func (a *App) ProviderReferral(ctx context.Context, act kith.Actor) (ProviderCopy, error) {
	if act.Kind != "provider" || act.ID == "" {
		return ProviderCopy{}, kith.Errorf(kith.EFORBIDDEN, "This link does not allow that.")
	}
	r, err := a.referral(ctx, act, act.ID)
	if err != nil {
		return ProviderCopy{}, err
	}
	st, err := a.st.Screenings.Screening(ctx, act, r.ScreeningID, "")
	if err != nil {
		return ProviderCopy{}, err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, r.ScreeningID)
	if err != nil {
		return ProviderCopy{}, err
	}
	out := ProviderCopy{Referral: r, SafeContact: st.SafeContact}
	if p := req.Person; p != nil {
		out.PersonName = p.Name
		if p.NameLatin != "" {
			out.PersonName += " (" + p.NameLatin + ")"
		}
		out.Housebound = p.Housebound != nil && *p.Housebound
		if st.SafeContact.Phone {
			out.Phone = p.Phone
		}
	}
	if out.Wishes, err = a.sharedWords(ctx, act, r.ScreeningID, st.Consent.Share, req.Wishes); err != nil {
		return ProviderCopy{}, err
	}
	return out, nil
}

// ProviderAnswer records a provider's accept, decline (with a reason) or
// engaged on the one referral its link names; nothing else is possible.
func (a *App) ProviderAnswer(ctx context.Context, act kith.Actor, m referral.Move) error {
	if act.Kind != "provider" || act.ID == "" {
		return kith.Errorf(kith.EFORBIDDEN, "This link does not allow that.")
	}
	if !slices.Contains(referral.ProviderMoves, m.To) {
		return kith.Invalid(kith.FieldError{Field: "answer", Message: "choose accept, decline or started"})
	}
	if len(m.Note) > 5000 {
		return kith.Invalid(kith.FieldError{Field: "note", Message: "must be at most 5000 characters"})
	}
	_, err := a.st.Referrals.Transition(ctx, act, act.ID, m, nil)
	return err
}
