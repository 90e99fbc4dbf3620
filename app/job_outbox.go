package app

import (
	"context"
	"errors"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/mail"
)

// MaxSendAttempts is how many times a message is tried before it is left
// for a person to look at (GET /api/v1/outbox still lists it).
const MaxSendAttempts = 10

// outboxBatch is how many messages one run sends at most.
const outboxBatch = 50

// SendOutbox sends the messages waiting in every site's outbox, oldest
// first, and records each success or failure. Messages already tried
// MaxSendAttempts times are not read, so they never crowd out the rest.
func (a *App) SendOutbox(ctx context.Context, sender mail.Sender) error {
	msgs, err := a.st.Outbox.ClaimMessages(ctx, outboxBatch, MaxSendAttempts)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range msgs {
		sendErr := sender.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, Body: m.Body})
		if sendErr != nil {
			a.log.Warn("outbox send failed", "message_id", m.ID, "error", sendErr.Error())
		}
		if err := a.st.Outbox.MarkSent(ctx, m.ID, sendErr); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PendingMessages lists up to limit of the actor's site's unsent messages.
func (a *App) PendingMessages(ctx context.Context, act kith.Actor, limit int) ([]Message, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, err
	}
	return a.st.Outbox.PendingMessages(ctx, act.Site, limit, 0)
}
