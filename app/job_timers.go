package app

import (
	"context"
	"strconv"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
)

// ApplyTimers nudges providers and expires referrals waiting on them, each
// under its own site's timers (3 and 10 working days unless the site says
// otherwise; overdue is worked out when the worklist is read). The timers
// run from stored times, so a restart loses none: a referral sent ten
// working days ago expires on the first run after the service comes back.
func (a *App) ApplyTimers(ctx context.Context) error {
	due, err := a.st.Referrals.SentReferrals(ctx)
	if err != nil {
		return err
	}
	now := a.Now()
	sites := map[string]referral.Thresholds{}
	for _, d := range due {
		th, ok := sites[d.Site]
		if !ok {
			if th, err = a.thresholds(ctx, d.Site); err != nil {
				return err
			}
			sites[d.Site] = th
		}
		r := d.Referral.WithTimer(now, th)
		if r.Timer == nil {
			continue
		}
		sys := kith.Actor{Site: d.Site, Kind: "system", ID: "timers"}
		switch {
		case r.Timer.Expire:
			_, err := a.st.Referrals.Transition(ctx, sys, r.ID, referral.Move{To: referral.Expired,
				Reason: "no answer from the provider in " + strconv.Itoa(th.Expire) + " working days"}, nil)
			if err != nil && kith.ErrorCode(err) != kith.ECONFLICT {
				return err
			}
		case r.Timer.Nudge:
			var queue []Message
			if svc, err := a.st.Directory.Service(ctx, d.Site, r.ServiceID); err == nil && serviceEmail(svc) != "" {
				queue = append(queue, nudgeMessage(svc, r, th))
			}
			if _, err := a.st.Referrals.MarkNudged(ctx, sys, r.ID, queue...); err != nil {
				return err
			}
		}
	}
	return nil
}

// nudgeMessage reminds a provider of a referral waiting for its answer.
func nudgeMessage(svc assets.Service, r referral.Referral, th referral.Thresholds) Message {
	return Message{Kind: "provider_nudge", To: serviceEmail(svc), Subject: "Reminder: a referral to " + svc.Name + " is waiting",
		Body: "A referral to " + svc.Name + " sent " + r.SentAt.Format("2 January 2006") + " is still waiting for your answer.\n\n" +
			"Please use the link in the first email to accept or decline it. After " + strconv.Itoa(th.Expire) +
			" working days it goes back to the navigator.\n"}
}

// serviceEmail is where a provider's referrals go.
func serviceEmail(svc assets.Service) string {
	if svc.Email != "" {
		return svc.Email
	}
	for _, ct := range svc.Contacts {
		if ct.Email != "" {
			return ct.Email
		}
	}
	return svc.Organization.Email
}
