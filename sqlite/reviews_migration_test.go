package sqlite

import (
	"context"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// Migration 0011 marks for checking, and audits, the screenings that look
// made through the form (their key starts "form-") and hold either answer
// the form once stored the wrong way round; it leaves the stored answers
// as they are, and marks nothing made through the API.
func TestMigrationMarksInvertedAnswersForReview(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	for _, r := range []struct{ id, key, request string }{
		{"form-housebound", "form-aaaa", `{"person": {"name": "Hal", "housebound": true}, "s42": {"unable_to_protect_self": "unsure"}}`},
		{"form-protect", "form-bbbb", `{"person": {"name": "Pat"}, "s42": {"unable_to_protect_self": "yes"}}`},
		{"form-neither", "form-cccc", `{"person": {"name": "Nel"}, "s42": {"unable_to_protect_self": "unsure"}}`},
		{"api-both", "client-1", `{"person": {"name": "Api", "housebound": true}, "s42": {"unable_to_protect_self": "no"}}`},
	} {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO screenings (id, site_id, created_at, created_by, idempotency_key, request_hash, request, result,
			scoring_version, action, quadrant, loneliness, isolation) VALUES (?, 's', '2026-11-01T10:00:00.000000Z', 'user:1', ?, x'00', ?, '{}', '2026.1', 'none', 'unknown', 'unknown', 'unknown')`,
			r.id, r.key, r.request); err != nil {
			t.Fatal(err)
		}
	}
	// As if the database were made before 0011: apply it again.
	if _, err := db.write.ExecContext(ctx, `DROP TABLE screening_reviews; DELETE FROM schema_migrations WHERE name = '0011_screening_reviews.sql'`); err != nil {
		t.Fatal(err)
	}
	if err := db.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	nav := kith.Actor{Site: "s", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	list, err := db.ScreeningReviews(ctx, nav)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range list {
		got[r.ScreeningID] = r.Fields
	}
	if len(got) != 2 || len(got["form-housebound"]) != 1 || got["form-housebound"][0] != "person.housebound" ||
		len(got["form-protect"]) != 1 || got["form-protect"][0] != "s42.unable_to_protect_self" {
		t.Fatalf("marked: %v", got)
	}
	var audited int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'mark_for_review' AND actor = 'system:migration-0011'`).Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("%d marks audited (%v), want 2", audited, err)
	}
	var stored string
	if err := db.read.QueryRowContext(ctx, `SELECT json_extract(request, '$.s42.unable_to_protect_self') FROM screenings WHERE id = 'form-protect'`).Scan(&stored); err != nil || stored != "yes" {
		t.Fatalf("the stored answer was changed: %q %v", stored, err)
	}
	if err := db.CheckScreeningReview(ctx, nav, "form-protect", app.ReviewAsStored); err != nil {
		t.Fatal(err)
	}
}
