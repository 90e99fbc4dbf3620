package app

import (
	"testing"
	"time"

	"github.com/kith-project/kith"
)

func TestLockoutDelayGrows(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{{1, 0}, {4, 0}, {5, time.Minute}, {6, 2 * time.Minute}, {7, 4 * time.Minute}, {11, time.Hour}, {50, time.Hour}} {
		if got := LockoutDelay(tc.failures); got != tc.want {
			t.Errorf("LockoutDelay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestMFARequiredForEveryoneButVisitors(t *testing.T) {
	for role, want := range map[kith.Role]bool{kith.RoleVisitor: false, kith.RoleNavigator: true, kith.RoleLead: true, "safeguarding_officer": true} {
		if got := MFARequired(role); got != want {
			t.Errorf("MFARequired(%s) = %v", role, got)
		}
	}
}
