package app

import (
	"slices"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

func TestCheckReplayAuthor(t *testing.T) {
	me := kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleVisitor}
	if err := CheckReplayAuthor(me, me.Ref()); err != nil {
		t.Fatalf("my own key: %v", err)
	}
	if err := CheckReplayAuthor(me, ""); err != nil {
		t.Fatalf("no replay: %v", err)
	}
	if err := CheckReplayAuthor(me, "user:4"); kith.ErrorCode(err) != kith.EFORBIDDEN {
		t.Fatalf("another's key: %v", err)
	}
}

func TestNewScreeningWaiting(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		name             string
		consent          screening.Consent
		doubt            *bool
		agreed, awaiting bool
	}{
		{"agreed to refer", screening.Consent{Share: "yes", Refer: "yes"}, &no, true, true},
		{"agreed to share, refer unset", screening.Consent{Share: "yes"}, &no, true, true},
		{"said no", screening.Consent{Share: "no"}, &no, false, false},
		{"not asked, capacity in doubt", screening.Consent{Share: "not_asked"}, &yes, false, true},
		{"said no, capacity in doubt", screening.Consent{Share: "no", Refer: "no"}, &yes, false, true},
	} {
		req := &screening.Request{Consent: &c.consent, S42: &screening.S42{CapacityConcern: c.doubt}}
		agreed, awaiting := NewScreening{Request: req}.Waiting()
		if agreed != c.agreed || awaiting != c.awaiting {
			t.Errorf("%s: agreed %v awaiting %v, want %v %v", c.name, agreed, awaiting, c.agreed, c.awaiting)
		}
	}
}

func TestRetentionDays(t *testing.T) {
	if got := RetentionDays(kith.SiteSettings{}); got != DefaultRetentionDays {
		t.Fatalf("no period chosen: %d", got)
	}
	if got := RetentionDays(kith.SiteSettings{RetentionDays: 400}); got != 400 {
		t.Fatalf("400 chosen: %d", got)
	}
}

func TestNewSecret(t *testing.T) {
	a, ha, err := NewSecret(TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewSecret(TokenPrefix)
	if a == b || len(a) != len(TokenPrefix)+43 || a[:len(TokenPrefix)] != TokenPrefix || string(ha) != string(HashSecret(a)) || len(ha) != 32 {
		t.Fatalf("secrets %q %q, hash %x", a, b, ha)
	}
}

func TestRedactRecordsClearsEveryFreeText(t *testing.T) {
	rr := RedactRecords()
	if rr.Notes != Removed || !rr.AttemptNotes || !rr.HistoryNotes || !rr.OutcomeNotes || !rr.DropMessages || rr.SearchName != "" {
		t.Fatalf("records: %+v", rr)
	}
	if b := rr.BestInterest; b.StepsTaken != Removed || b.Doubt != "" || b.Consulted != "" || b.Advocate != "" {
		t.Fatalf("best interest keeps words: %+v", b)
	}
	if !slices.Equal(rr.HistoryReasonsOf, referral.FreeTextReasons) || slices.Contains(rr.HistoryReasonsOf, referral.Declined) {
		t.Fatalf("history reasons: %v", rr.HistoryReasonsOf)
	}
}
