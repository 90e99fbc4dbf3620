package web

import (
	"context"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/sqlite"
)

// RunTimers applies the referral timers every interval until ctx ends. They
// work from stored times, so a restart loses none: a referral sent ten
// working days ago expires on the first run after the service comes back.
func (s *Server) RunTimers(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.ApplyTimers(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("referral timers", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ApplyTimers nudges providers after 3 working days and moves referrals to
// expired after 10 (which puts them back at the top of the worklist);
// overdue (6) is computed when the worklist is read.
func (s *Server) ApplyTimers(ctx context.Context) error {
	actors, due, err := s.db.DueReferrals(ctx)
	if err != nil {
		return err
	}
	for i, r := range due {
		a := actors[i]
		switch {
		case r.Timer == nil:
		case r.Timer.Expire:
			_, err := s.db.Transition(ctx, a, r.ID, referral.Move{To: referral.Expired,
				Reason: "no answer from the provider in 10 working days"})
			if err != nil && kith.ErrorCode(err) != kith.ECONFLICT {
				return err
			}
		case r.Timer.Nudge:
			var queue []sqlite.Message
			if svc, err := s.db.Service(ctx, a.Site, r.ServiceID); err == nil && serviceEmail(svc) != "" {
				queue = append(queue, sqlite.Message{Kind: "provider_nudge", To: serviceEmail(svc), Subject: "Reminder: a referral to " + svc.Name + " is waiting",
					Body: "A referral to " + svc.Name + " sent " + r.SentAt.Format("2 January 2006") + " is still waiting for your answer.\n\n" +
						"Please use the link in the first email to accept or decline it. After 10 working days it goes back to the navigator.\n"})
			}
			if _, err := s.db.MarkNudged(ctx, a, r.ID, queue...); err != nil {
				return err
			}
		}
	}
	return nil
}
