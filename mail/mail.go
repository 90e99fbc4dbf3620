// Package mail sends the service's email: the provider links, nudges and
// confirmations waiting in the outbox. The outbox (in storage) is the
// record; a Sender only delivers, so a crash between a change and its email
// loses nothing.
package mail

import (
	"context"
	"crypto/tls"
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

// SMTP sends through an SMTP server, always over STARTTLS (the message is
// never sent in the clear because a server, or someone in the middle,
// did not offer it), with PLAIN auth when a user is set. Configured from
// the environment (KITH_SMTP_*).
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
	// Insecure sends without TLS: only when chosen (KITH_SMTP_INSECURE=true),
	// for a relay on the same host.
	Insecure bool
	// TLS, when set, replaces the default TLS settings (tests).
	TLS *tls.Config
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
	s := &SMTP{Addr: addr, From: from, User: getenv("KITH_SMTP_USER"), Password: getenv("KITH_SMTP_PASSWORD")}
	switch v := getenv("KITH_SMTP_INSECURE"); v {
	case "", "false":
	case "true":
		s.Insecure = true
	default:
		return nil, fmt.Errorf("KITH_SMTP_INSECURE must be true or false, got %q", v)
	}
	return s, nil
}

// headerSafe refuses line breaks, which would let a value add headers.
func headerSafe(s string) bool { return !strings.ContainsAny(s, "\r\n") }

// sendTimeout bounds one delivery, whatever the server does.
const sendTimeout = time.Minute

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if !headerSafe(m.To) || !headerSafe(m.Subject) {
		return fmt.Errorf("send mail: a header holds a line break")
	}
	msg := "From: " + s.From + "\r\nTo: " + m.To + "\r\nSubject: " + m.Subject + "\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := s.deliver(conn, m.To, msg); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}

// deliver speaks SMTP on conn: STARTTLS (required unless Insecure), AUTH,
// then the message.
func (s *SMTP) deliver(conn net.Conn, to, msg string) error {
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if !s.Insecure {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("the server %s does not offer STARTTLS, which is required (set KITH_SMTP_INSECURE=true only for a relay on the same host)", s.Addr)
		}
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.User != "" {
		// net/smtp's PlainAuth refuses to send the password without TLS
		// except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
