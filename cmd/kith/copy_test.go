package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-project/kith/internal/pgtest"
)

// kith copy moves the demo site's whole history into an empty PostgreSQL
// database (counts and report summary checked by the command itself), the
// copy serves it, new rows go on from the copied ids, and a second copy
// into the now non-empty database is refused.
func TestCopyDemoSiteToPostgres(t *testing.T) {
	lite := filepath.Join(t.TempDir(), "kith.db")
	if _, err := runKith(t, "", "demo", "generate", "--db", lite, "--screenings", "300", "--pilot"); err != nil {
		t.Fatal(err)
	}
	pg := pgtest.NewDatabase(t)
	out, err := runKith(t, "", "copy", "--from", lite, "--to", pg)
	if err != nil {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	for _, want := range []string{"screenings                     300 rows", "row counts match", "report summaries match for every site (demo)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("copy said %q, not %q", out, want)
		}
	}
	if !strings.Contains(out, "audit ") || strings.Contains(out, "audit                            0 rows") {
		t.Fatalf("the audit trail was not copied: %s", out)
	}
	// A token made now gets a new id (identities go on from the copy), and
	// the copied screenings are served from PostgreSQL.
	tok, err := runKith(t, "", "token", "create", "--db", pg, "--site", "demo", "--role", "lead", "--name", "after copy")
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, pg)
	code, body := get(t, base+"/api/v1/screenings?size=1", strings.TrimSpace(tok))
	var list struct {
		Total int `json:"total"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &list) != nil || list.Total != 300 {
		t.Fatalf("screenings on the copy: %d %s", code, body)
	}
	if _, err := runKith(t, "", "copy", "--from", lite, "--to", pg); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second copy into the same database: %v", err)
	}
	for _, bad := range [][]string{{"--to", pg}, {"--from", lite, "--to", filepath.Join(t.TempDir(), "x.db")}, {"--from", pg, "--to", pg},
		{"--from", filepath.Join(t.TempDir(), "missing.db"), "--to", pg}} {
		if _, err := runKith(t, "", append([]string{"copy"}, bad...)...); err == nil {
			t.Fatalf("copy %v succeeded", bad)
		}
	}
}
