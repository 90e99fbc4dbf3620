// Package mail sends the service's email: the provider links, nudges and
// confirmations waiting in the outbox. The outbox (in storage) is the
// record; a Sender only delivers, so a crash between a change and its email
// loses nothing.
package mail

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Message is one email.
type Message struct {
	To, Subject, Body string
}

// Sender delivers a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through an SMTP server with STARTTLS and PLAIN auth when a
// user is set. Configured from the environment (KITH_SMTP_*).
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
}

// FromEnv returns an SMTP sender when KITH_SMTP_ADDR is set, else nil:
// messages then wait in the outbox.
func FromEnv(getenv func(string) string) (*SMTP, error) {
	addr := getenv("KITH_SMTP_ADDR")
	if addr == "" {
		return nil, nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("KITH_SMTP_ADDR must be host:port: %w", err)
	}
	from := getenv("KITH_SMTP_FROM")
	if !strings.Contains(from, "@") {
		return nil, fmt.Errorf("KITH_SMTP_FROM must be an email address")
	}
	return &SMTP{Addr: addr, From: from, User: getenv("KITH_SMTP_USER"), Password: getenv("KITH_SMTP_PASSWORD")}, nil
}

// headerSafe refuses line breaks, which would let a value add headers.
func headerSafe(s string) bool { return !strings.ContainsAny(s, "\r\n") }

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if !headerSafe(m.To) || !headerSafe(m.Subject) {
		return fmt.Errorf("send mail: a header holds a line break")
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	var auth smtp.Auth
	if s.User != "" {
		auth = smtp.PlainAuth("", s.User, s.Password, host)
	}
	msg := "From: " + s.From + "\r\nTo: " + m.To + "\r\nSubject: " + m.Subject + "\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(s.Addr, auth, s.From, []string{m.To}, []byte(msg)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("send mail: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
