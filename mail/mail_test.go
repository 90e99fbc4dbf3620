package mail

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
)

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if s, err := FromEnv(env(nil)); s != nil || err != nil {
		t.Fatalf("no config: %v %v", s, err)
	}
	if _, err := FromEnv(env(map[string]string{"KITH_SMTP_ADDR": "nohost"})); err == nil {
		t.Fatal("bad address accepted")
	}
	if _, err := FromEnv(env(map[string]string{"KITH_SMTP_ADDR": "localhost:25", "KITH_SMTP_FROM": "x"})); err == nil {
		t.Fatal("bad from accepted")
	}
	s, err := FromEnv(env(map[string]string{"KITH_SMTP_ADDR": "localhost:25", "KITH_SMTP_FROM": "kith@example.org"}))
	if err != nil || s == nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "a@example.org\r\nBcc: x@example.org", Subject: "x"}); err == nil {
		t.Fatal("header injection accepted")
	}
}

// fakeSMTP is a plain SMTP server on loopback that offers STARTTLS only
// when told to, and records the commands it was sent.
func fakeSMTP(t *testing.T, offerTLS bool) (string, func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var cmds []string
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func(conn net.Conn) {
				defer conn.Close()
				r := bufio.NewReader(conn)
				fmt.Fprintf(conn, "220 fake ESMTP\r\n")
				data := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					if data {
						if line == "." {
							data = false
							fmt.Fprintf(conn, "250 queued\r\n")
						}
						continue
					}
					mu.Lock()
					cmds = append(cmds, line)
					mu.Unlock()
					switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
					case "EHLO":
						if offerTLS {
							fmt.Fprintf(conn, "250-fake\r\n250 STARTTLS\r\n")
						} else {
							fmt.Fprintf(conn, "250 fake\r\n")
						}
					case "DATA":
						data = true
						fmt.Fprintf(conn, "354 go on\r\n")
					case "QUIT":
						fmt.Fprintf(conn, "221 bye\r\n")
						return
					case "STARTTLS":
						fmt.Fprintf(conn, "454 not today\r\n")
					default:
						fmt.Fprintf(conn, "250 ok\r\n")
					}
				}
			}(conn)
		}
	}()
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), cmds...)
	}
}

// STARTTLS is required, not used only when offered: a server (or someone
// in the middle) that does not offer it gets no message, unless plain
// SMTP was chosen explicitly (KITH_SMTP_INSECURE=true, for a relay on the
// same host).
func TestSMTPRequiresSTARTTLS(t *testing.T) {
	addr, sent := fakeSMTP(t, false)
	s := &SMTP{Addr: addr, From: "kith@example.org"}
	err := s.Send(context.Background(), Message{To: "team@example.org", Subject: "Referral", Body: "hello"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("a server without STARTTLS: %v", err)
	}
	for _, c := range sent() {
		if strings.HasPrefix(strings.ToUpper(c), "MAIL") || strings.HasPrefix(strings.ToUpper(c), "AUTH") {
			t.Fatalf("sent %q to a server without STARTTLS", c)
		}
	}
	// A server that offers STARTTLS but fails it gets nothing either.
	addr2, sent2 := fakeSMTP(t, true)
	s2 := &SMTP{Addr: addr2, From: "kith@example.org"}
	if err := s2.Send(context.Background(), Message{To: "team@example.org", Subject: "Referral", Body: "hello"}); err == nil {
		t.Fatal("a failed STARTTLS was ignored")
	}
	for _, c := range sent2() {
		if strings.HasPrefix(strings.ToUpper(c), "MAIL") {
			t.Fatalf("sent %q after a failed STARTTLS", c)
		}
	}
	// Chosen explicitly, plain SMTP sends.
	insecure, err := FromEnv(func(k string) string {
		return map[string]string{"KITH_SMTP_ADDR": addr, "KITH_SMTP_FROM": "kith@example.org", "KITH_SMTP_INSECURE": "true"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := insecure.Send(context.Background(), Message{To: "team@example.org", Subject: "Referral", Body: "hello"}); err != nil {
		t.Fatalf("explicitly plain SMTP: %v", err)
	}
	if _, err := FromEnv(func(k string) string {
		return map[string]string{"KITH_SMTP_ADDR": addr, "KITH_SMTP_FROM": "kith@example.org", "KITH_SMTP_INSECURE": "yes"}[k]
	}); err == nil {
		t.Fatal("KITH_SMTP_INSECURE=yes accepted: only true or false")
	}
}
