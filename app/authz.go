package app

import (
	"slices"

	"github.com/kith-project/kith"
)

// Permission is something a role may do. Who may do what is decided here
// and nowhere else: the web layer asks Authorize before it parses a
// request (so a caller without the role learns nothing from validation),
// and each use case asks again before it touches a store.
type Permission string

const (
	// Screen: submit screenings and read one's own, search the directory.
	Screen Permission = "screen"
	// Navigate: work referrals and concerns, read the site's screenings.
	Navigate Permission = "navigate"
	// Safeguard: the site's safeguarding concerns, with the screening and
	// referral behind each, and the council's decision and outcome.
	Safeguard Permission = "safeguard"
	// Administer: the site's settings, directory, pathways, users, tokens,
	// reports, exports, the audit trail and subject access copies.
	Administer Permission = "administer"
)

// policy is which roles hold each permission.
var policy = map[Permission][]kith.Role{
	Screen:     {kith.RoleVisitor, kith.RoleNavigator, kith.RoleLead},
	Navigate:   {kith.RoleNavigator, kith.RoleLead},
	Safeguard:  {kith.RoleSafeguarding, kith.RoleLead},
	Administer: {kith.RoleLead},
}

// Authorize says whether a may do p: nil, kith.EUNAUTHORIZED for no
// actor, or kith.EFORBIDDEN.
func Authorize(a kith.Actor, p Permission) error {
	if a.Kind == "" {
		return kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	if slices.Contains(policy[p], a.Role) {
		return nil
	}
	return kith.Errorf(kith.EFORBIDDEN, "Your role (%s) may not do this.", a.Role)
}

// authorizeAny says whether a holds at least one of ps (the error is the
// first's when none).
func authorizeAny(a kith.Actor, ps ...Permission) error {
	var first error
	for _, p := range ps {
		err := Authorize(a, p)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// AuthorizeAny is authorizeAny for the web layer's route middleware.
func AuthorizeAny(a kith.Actor, ps ...Permission) error { return authorizeAny(a, ps...) }

// submittedBy is the scope of the screenings a may read: a visitor reads
// only the screenings they submitted ("" means any of the site's).
func submittedBy(a kith.Actor) string {
	if a.Role == kith.RoleVisitor {
		return a.Ref()
	}
	return ""
}
