package mail

import (
	"context"
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
