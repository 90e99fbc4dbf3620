package referral

import (
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

func consentReq(refer string, capacityDoubt bool, dnc string) *screening.Request {
	doubt := capacityDoubt
	return &screening.Request{Consent: &screening.Consent{Share: refer, Refer: refer}, S42: &screening.S42{CapacityConcern: &doubt},
		SafeContact: &screening.SafeContactAnswers{DoNotContact: dnc}}
}

func TestCheckBestInterest(t *testing.T) {
	full := BestInterest{Decision: "refer", Doubt: "Could not retain what the service is between visits",
		StepsTaken: "Explained with pictures over two visits", Consulted: "Her daughter Mary and her GP"}
	cases := []struct {
		name string
		req  *screening.Request
		b    BestInterest
		want string
	}{
		{"a capacitous no is never overridden", consentReq("no", false, ""), full, kith.ECONFLICT},
		{"not asked, no doubt about capacity: ask the person", consentReq("not_asked", false, ""), full, kith.ECONFLICT},
		{"agreed: nothing to decide", consentReq("yes", true, ""), full, kith.ECONFLICT},
		{"capacity in doubt, complete", consentReq("no", true, ""), full, ""},
		{"steps taken none", consentReq("not_asked", true, ""), BestInterest{Decision: "refer", Doubt: full.Doubt, StepsTaken: "None.", Consulted: full.Consulted}, kith.EINVALID},
		{"no one consulted", consentReq("not_asked", true, ""), BestInterest{Decision: "refer", Doubt: full.Doubt, StepsTaken: full.StepsTaken}, kith.EINVALID},
		{"no doubt given", consentReq("not_asked", true, ""), BestInterest{Decision: "refer", StepsTaken: full.StepsTaken, Consulted: full.Consulted}, kith.EINVALID},
		{"the do-not-contact person consulted", consentReq("not_asked", true, "Darren"), BestInterest{Decision: "refer", Doubt: full.Doubt, StepsTaken: full.StepsTaken, Consulted: "her nephew darren"}, kith.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckBestInterest(c.req, c.b)
			if got := kith.ErrorCode(err); (c.want == "" && err != nil) || (c.want != "" && got != c.want) {
				t.Fatalf("got %v (%s), want %s", err, got, c.want)
			}
		})
	}
}

// A best-interest decision to refer, even one recorded before the rule
// above, never opens a referral over a capacitous refusal.
func TestOpenFromNeverOverridesACapacitousRefusal(t *testing.T) {
	first := &screening.Result{Consent: screening.Consent{Share: "no", Refer: "no"}}
	if _, err := OpenFrom(first, consentReq("no", false, ""), true); kith.ErrorCode(err) != kith.ECONFLICT {
		t.Fatalf("opened over a capacitous no: %v", err)
	}
	if _, err := OpenFrom(first, consentReq("no", true, ""), true); err != nil {
		t.Fatalf("a best-interest decision where capacity is in doubt: %v", err)
	}
}
