package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
)

const leadSSOPath = "/lead/sign-in"

type ssoView struct {
	Here     string
	Notice   string
	Provider *app.OIDCProvider
	Groups   map[kith.Role]string // one value a line, per role
	Roles    []kith.Role
}

// leadSSOPage shows the site's provider and the lead's mapping from its
// group or app-role values to roles.
func (s *Server) leadSSOPage(c echo.Context) error {
	v := ssoView{Here: leadUsersPath, Roles: kith.Roles, Groups: map[kith.Role]string{}}
	if f, ok := s.takeFlash(c, leadSSOPath); ok {
		v.Notice = f.Notice
	}
	p, err := s.app.OIDCProviderFor(c.Request().Context(), actor(c).Site)
	switch {
	case err == nil:
		v.Provider = &p
		byRole := map[kith.Role][]string{}
		for val, r := range p.RoleMap {
			byRole[r] = append(byRole[r], val)
		}
		for r, vals := range byRole {
			sort.Strings(vals)
			v.Groups[r] = strings.Join(vals, "\n")
		}
	case kith.ErrorCode(err) != kith.ENOTFOUND:
		return err
	}
	return s.render(c, http.StatusOK, "lead_sso", pageData{Title: "Sign-in with the council's accounts", Data: v})
}

// leadSaveSSO saves the mapping: each role's box holds one value a line.
func (s *Server) leadSaveSSO(c echo.Context) error {
	m := map[kith.Role]string{}
	mapping := map[string]kith.Role{}
	var errs []kith.FieldError
	for _, r := range kith.Roles {
		m[r] = c.FormValue("groups_" + string(r))
		for _, line := range strings.Split(m[r], "\n") {
			val := strings.TrimSpace(line)
			if val == "" {
				continue
			}
			if prev, ok := mapping[val]; ok && prev != r {
				errs = append(errs, kith.FieldError{Field: "groups_" + string(r), Message: "“" + val + "” is already given the role " + string(prev) + ": each group gives one role"})
			}
			mapping[val] = r
		}
	}
	if len(errs) == 0 {
		err := s.app.SetRoleMapping(c.Request().Context(), actor(c), mapping)
		if err == nil {
			return s.redirectWithNotice(c, leadSSOPath, "The roles are saved. They apply from each person's next sign-in.")
		}
		if errs = formErrors(err, "groups_visitor", fieldsFrom(map[string][2]string{}, "groups_visitor")); errs == nil {
			return err
		}
	}
	p, err := s.app.OIDCProviderFor(c.Request().Context(), actor(c).Site)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "lead_sso", pageData{Title: "Sign-in with the council's accounts", Errors: errs,
		Data: ssoView{Here: leadUsersPath, Roles: kith.Roles, Groups: m, Provider: &p}})
}
