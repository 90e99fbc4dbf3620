package app

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kith-project/kith"
)

// Person is a user as colleagues see them.
type Person struct {
	User     kith.User
	Disabled bool
}

// Ref is the actor reference their work is recorded under.
func (p Person) Ref() string { return "user:" + strconv.FormatInt(p.User.ID, 10) }

// Colleagues are the site's enabled navigators and leads, who can take
// referrals, by name.
func (a *App) Colleagues(ctx context.Context, act kith.Actor) ([]Person, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, err
	}
	all, err := a.st.Users.People(ctx, act.Site)
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, p := range all {
		if !p.Disabled && (p.User.Role == kith.RoleNavigator || p.User.Role == kith.RoleLead) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Names maps the actor references a site's records carry to the words a
// page shows: a user's name, and plain words for the rest.
type Names map[string]string

// Of names an actor reference.
func (n Names) Of(ref string) string {
	if name, ok := n[ref]; ok {
		return name
	}
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "provider":
		return "The provider (by their link)"
	case "token":
		return "An API token (" + id + ")"
	case "system", "job":
		return "Kith, automatically"
	case "cli":
		return "The command line"
	case "user":
		return "A former user"
	}
	return ref
}

// InText replaces the user references in a recorded text (a history
// reason such as "reassigned from user:2 to user:5") with names.
func (n Names) InText(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if strings.HasPrefix(w, "user:") {
			words[i] = n.Of(w)
		}
	}
	if len(words) == 0 {
		return s
	}
	return strings.Join(words, " ")
}

// People names every user of the actor's site, for the pages that show
// who did what.
func (a *App) People(ctx context.Context, act kith.Actor) (Names, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, err
	}
	all, err := a.st.Users.People(ctx, act.Site)
	if err != nil {
		return nil, err
	}
	out := Names{}
	for _, p := range all {
		out[p.Ref()] = p.User.Name()
	}
	return out, nil
}

// SetDisplayName sets how a user is shown to colleagues (lead only).
func (a *App) SetDisplayName(ctx context.Context, act kith.Actor, id int64, name string) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return kith.Invalid(kith.FieldError{Field: "display_name", Message: "Enter the name colleagues know them by, up to 200 characters"})
	}
	return a.st.Users.SetDisplayName(ctx, act, id, name)
}

// colleague checks that ref names an enabled navigator or lead of the
// actor's site, who can take work.
func (a *App) colleague(ctx context.Context, act kith.Actor, ref string) error {
	cs, err := a.Colleagues(ctx, act)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Ref() == ref {
			return nil
		}
	}
	return kith.Invalid(kith.FieldError{Field: "assignee", Message: "Choose a navigator or lead of this site who can still sign in"})
}

// Reassign gives an open referral to a colleague.
func (a *App) Reassign(ctx context.Context, act kith.Actor, id, assignee string) error {
	if err := Authorize(act, Navigate); err != nil {
		return err
	}
	if err := a.colleague(ctx, act, assignee); err != nil {
		return err
	}
	return a.st.Referrals.Reassign(ctx, act, id, assignee)
}

// OpenWork counts a user's open referrals, before they are disabled.
func (a *App) OpenWork(ctx context.Context, act kith.Actor, userID int64) (int, error) {
	if err := Authorize(act, Administer); err != nil {
		return 0, err
	}
	return a.st.Referrals.OpenWork(ctx, act, "user:"+strconv.FormatInt(userID, 10))
}

// DisableUserHandingOver disables a user, first giving their open
// referrals to the colleague who takes them (to, an actor reference). A
// user with open work cannot be disabled without someone to take it.
func (a *App) DisableUserHandingOver(ctx context.Context, act kith.Actor, userID int64, to string) (int, error) {
	if err := Authorize(act, Administer); err != nil {
		return 0, err
	}
	from := "user:" + strconv.FormatInt(userID, 10)
	n, err := a.st.Referrals.OpenWork(ctx, act, from)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if to == "" || to == from {
			return 0, kith.Invalid(kith.FieldError{Field: "assignee", Message: "Choose who takes their " + strconv.Itoa(n) + " open referrals"})
		}
		if err := a.colleague(ctx, act, to); err != nil {
			return 0, err
		}
		if n, err = a.st.Referrals.ReassignOpenWork(ctx, act, from, to); err != nil {
			return 0, err
		}
	}
	return n, a.st.Users.DisableUser(ctx, act, userID)
}
