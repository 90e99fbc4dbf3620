package sqlite

import (
	"strings"
	"testing"
)

// Retention's "all referrals final" is referral.Final's list of states.
func TestRetentionFinalStatesAreReferrals(t *testing.T) {
	for _, st := range []string{"'closed'", "'withdrawn'", "'rerouted'", "'escalated'"} {
		if !strings.Contains(noOpenReferral, st) {
			t.Errorf("retention does not treat %s as final: %s", st, noOpenReferral)
		}
	}
	if strings.Contains(noOpenReferral, "'sent'") {
		t.Errorf("retention treats sent as final")
	}
}
