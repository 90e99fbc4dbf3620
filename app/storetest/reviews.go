package storetest

import (
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// Screenings marked to check: marked once, listed until checked, checked
// once, in the caller's site only, every mark and check audited.
func testReviews(t *testing.T, f *fixture) {
	s := f.screen(t, minimal)
	if _, found, err := f.st.Reviews.ScreeningReview(f.ctx, f.nav, s.ID); err != nil || found {
		t.Fatalf("an unmarked screening has a review: %v %v", found, err)
	}
	wantCode(t, "checking an unmarked screening", f.st.Reviews.CheckScreeningReview(f.ctx, f.nav, s.ID, app.ReviewAsStored), kith.ENOTFOUND)
	fields := []string{"person.housebound", "s42.unable_to_protect_self"}
	must(t, "mark", f.st.Reviews.MarkScreeningForReview(f.ctx, kith.Actor{Site: "alpha", Kind: "cli", ID: "storetest"}, s.ID, fields))
	must(t, "mark again", f.st.Reviews.MarkScreeningForReview(f.ctx, kith.Actor{Site: "alpha", Kind: "cli", ID: "storetest"}, s.ID, fields))
	wantCode(t, "marking another site's screening", f.st.Reviews.MarkScreeningForReview(f.ctx, kith.Actor{Site: "beta", Kind: "cli", ID: "storetest"}, s.ID, fields), kith.ENOTFOUND)
	list, err := f.st.Reviews.ScreeningReviews(f.ctx, f.nav)
	if err != nil || len(list) != 1 || list[0].ScreeningID != s.ID || len(list[0].Fields) != 2 || list[0].PersonName != "Ada Example" || list[0].CheckedAt != nil {
		t.Fatalf("reviews to check: %+v %v", list, err)
	}
	if other, err := f.st.Reviews.ScreeningReviews(f.ctx, f.other); err != nil || len(other) != 0 {
		t.Fatalf("another site sees %d reviews (%v)", len(other), err)
	}
	must(t, "check", f.st.Reviews.CheckScreeningReview(f.ctx, f.nav, s.ID, app.ReviewInverted))
	wantCode(t, "checking twice", f.st.Reviews.CheckScreeningReview(f.ctx, f.nav, s.ID, app.ReviewAsStored), kith.ECONFLICT)
	r, found, err := f.st.Reviews.ScreeningReview(f.ctx, f.nav, s.ID)
	if err != nil || !found || r.CheckedAt == nil || r.Outcome != app.ReviewInverted || r.CheckedBy != f.nav.Ref() {
		t.Fatalf("checked review: %+v %v %v", r, found, err)
	}
	if list, _ := f.st.Reviews.ScreeningReviews(f.ctx, f.nav); len(list) != 0 {
		t.Fatalf("a checked screening is still listed: %+v", list)
	}
	entries, _, err := f.st.Audit.ListAudit(f.ctx, "alpha", kith.AuditFilter{Entity: "screening", EntityID: s.ID, Page: kith.Page{Number: 1, Size: 100}})
	must(t, "audit", err)
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Action]++
	}
	if counts["mark_for_review"] != 1 || counts["check_review"] != 1 {
		t.Fatalf("audit of the review: %v", counts)
	}
}
