package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/password"
	"github.com/labstack/echo/v4"
)

const (
	leadUsersPath    = "/lead/users"
	leadTokensPath   = "/lead/tokens"
	leadSettingsPath = "/lead/settings"
)

// roleOptions are the roles with what each may do, for the radios.
var roleOptions = [][2]string{
	{string(kith.RoleVisitor), "Visitor: screens people during home visits"},
	{string(kith.RoleNavigator), "Navigator: works referrals and the directory search"},
	{string(kith.RoleSafeguarding), "Safeguarding officer: receives every raised concern and records the council's decision and outcome"},
	{string(kith.RoleLead), "Lead: everything, including the directory, pathways, reports and these pages"},
}

type usersView struct {
	Here   string
	Notice string
	Users  []kith.User
	Pager  pager
	Form   formState
	Me     int64
	Roles  [][2]string
}

func (s *Server) leadUsersPage(c echo.Context) error {
	v := usersView{Form: formState{}}
	if f, ok := s.takeFlash(c, leadUsersPath); ok {
		v.Notice = f.Notice
	}
	return s.showUsers(c, http.StatusOK, v, nil)
}

func (s *Server) showUsers(c echo.Context, status int, v usersView, errs []kith.FieldError) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	u, _ := c.Get(ctxUser).(kith.User)
	v.Here, v.Me, v.Roles = leadUsersPath, u.ID, roleOptions
	users, total, err := s.app.ListUsers(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	v.Users, v.Pager = users, newPager(c, "page", p, total)
	return s.render(c, status, "lead_users", pageData{Title: "Users", Data: v, Errors: errs})
}

var userFields = map[string][2]string{
	"email": {"email", "Email address"}, "role": {"role", "Role"}, "password": {"password", "Password"},
}

func fieldsFrom(table map[string][2]string, fallback string) func(string) (string, string) {
	return func(field string) (string, string) {
		base := field
		if i := strings.IndexAny(base, "[."); i >= 0 {
			base = base[:i]
		}
		if l, ok := table[base]; ok {
			return l[0], l[1]
		}
		return fallback, ""
	}
}

// leadCreateUser adds a person who signs in. The password is never shown
// again, not even when the form comes back with a problem.
func (s *Server) leadCreateUser(c echo.Context) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	req := createUserRequest{Email: strings.TrimSpace(f.Get("email")), Role: kith.Role(f.Get("role")), Password: f.Get("password")}
	delete(f, "password")
	err = s.validate(&req)
	if err == nil {
		if perr := password.Check(req.Password); perr != nil {
			err = kith.Invalid(kith.FieldError{Field: "password", Message: perr.Error()})
		}
	}
	if err == nil {
		var hash string
		if hash, err = password.Hash(req.Password); err != nil {
			return err
		}
		name := strings.TrimSpace(f.Get("display_name"))
		if len(name) > 200 {
			err = kith.Invalid(kith.FieldError{Field: "display_name", Message: "Name: must be at most 200 characters"})
		}
		var u kith.User
		if err == nil {
			u, err = s.app.CreateUser(c.Request().Context(), actor(c), req.Email, req.Role, hash)
		}
		if err == nil && name != "" {
			err = s.app.SetDisplayName(c.Request().Context(), actor(c), u.ID, name)
		}
		if err == nil {
			return s.redirectWithNotice(c, leadUsersPath, fmt.Sprintf("%s can now sign in as a %s.", req.Email, req.Role))
		}
	}
	errs := formErrors(err, "email", fieldsFrom(userFields, "email"))
	if errs == nil {
		return err
	}
	return s.showUsers(c, http.StatusUnprocessableEntity, usersView{Form: f}, errs)
}

// leadDisableUser stops a person signing in and ends their sessions. A lead
// cannot disable themselves, so a site always keeps a lead who can sign in.
func (s *Server) leadDisableUser(c echo.Context) error {
	id, err := pathID(c, "User")
	if err != nil {
		return err
	}
	if u, _ := c.Get(ctxUser).(kith.User); u.ID == id {
		return kith.Errorf(kith.ECONFLICT, "You cannot disable your own account: ask another lead.")
	}
	ctx := c.Request().Context()
	open, err := s.app.OpenWork(ctx, actor(c), id)
	if err != nil {
		return err
	}
	assignee := c.FormValue("assignee")
	if open > 0 && assignee == "" {
		return s.showHandover(c, http.StatusOK, id, open, nil)
	}
	moved, err := s.app.DisableUserHandingOver(ctx, actor(c), id, assignee)
	if err != nil {
		if errs := kith.FieldErrors(err); len(errs) > 0 {
			return s.showHandover(c, http.StatusUnprocessableEntity, id, open, errs)
		}
		return err
	}
	notice := "The account is disabled: it can no longer sign in."
	if moved > 0 {
		notice += fmt.Sprintf(" Their %d open referral%s went to %s.", moved, map[bool]string{true: "", false: "s"}[moved == 1], s.nameOf(c, assignee))
	}
	return s.redirectWithNotice(c, leadUsersPath, notice)
}

type handoverView struct {
	ID         int64
	Name       string
	Open       int
	Colleagues [][2]string
	Form       formState
}

// showHandover asks who takes a leaver's open referrals before their
// account is disabled.
func (s *Server) showHandover(c echo.Context, status int, id int64, open int, errs []kith.FieldError) error {
	ctx := c.Request().Context()
	cs, err := s.app.Colleagues(ctx, actor(c))
	if err != nil {
		return err
	}
	v := handoverView{ID: id, Open: open, Name: s.nameOf(c, "user:"+itoa(id)), Form: formState{}}
	for _, p := range cs {
		if p.User.ID != id {
			v.Colleagues = append(v.Colleagues, [2]string{p.Ref(), p.User.Name()})
		}
	}
	return s.render(c, status, "lead_handover", pageData{Title: "Who takes their work?", Data: v, Errors: errs})
}

// nameOf names an actor reference of the signed-in user's site.
func (s *Server) nameOf(c echo.Context, ref string) string {
	names, err := s.app.People(c.Request().Context(), actor(c))
	if err != nil {
		return ref
	}
	return names.Of(ref)
}

// leadRenameUser sets how a person is shown to colleagues.
func (s *Server) leadRenameUser(c echo.Context) error {
	id, err := pathID(c, "User")
	if err != nil {
		return err
	}
	if err := s.app.SetDisplayName(c.Request().Context(), actor(c), id, c.FormValue("display_name")); err != nil {
		if errs := kith.FieldErrors(err); len(errs) > 0 {
			for i := range errs {
				errs[i].Field = "display-name-" + itoa(id)
			}
			return s.showUsers(c, http.StatusUnprocessableEntity, usersView{Form: formState{}}, errs)
		}
		return err
	}
	return s.redirectWithNotice(c, leadUsersPath, "The name is saved.")
}

type tokensView struct {
	Here      string
	Notice    string
	Secret    string
	TokenName string
	TokenRole string
	Tokens    []kith.Token
	Pager     pager
	Form      formState
	Roles     [][2]string
	Lifetimes [][2]string
	Now       time.Time
}

// tokenLifetimes are the choices of how long a new token works.
var tokenLifetimes = [][2]string{
	{"30", "30 days"}, {"90", "90 days (recommended)"}, {"180", "180 days"}, {"365", "1 year (the longest allowed)"},
}

func (s *Server) leadTokensPage(c echo.Context) error {
	v := tokensView{Form: formState{"expires_in_days": {strconv.Itoa(app.DefaultTokenDays)}}}
	if f, ok := s.takeFlash(c, leadTokensPath); ok {
		v.Notice, v.Secret, v.TokenName, v.TokenRole = f.Notice, f.Secret, f.TokenName, f.TokenRole
	}
	return s.showTokens(c, http.StatusOK, v, nil)
}

func (s *Server) showTokens(c echo.Context, status int, v tokensView, errs []kith.FieldError) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	v.Here, v.Roles, v.Lifetimes, v.Now = leadTokensPath, roleOptions, tokenLifetimes, s.now()
	tokens, total, err := s.app.ListTokens(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	v.Tokens, v.Pager = tokens, newPager(c, "page", p, total)
	return s.render(c, status, "lead_tokens", pageData{Title: "API tokens", Data: v, Errors: errs})
}

// leadCreateToken makes an API token. Its secret is shown once, on the page
// the form redirects to, and never stored.
func (s *Server) leadCreateToken(c echo.Context) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	req := createTokenRequest{Role: kith.Role(f.Get("role")), Name: strings.TrimSpace(f.Get("name"))}
	days, convErr := strconv.Atoi(f.Get("expires_in_days"))
	if f.Get("expires_in_days") == "" {
		days = app.DefaultTokenDays
	}
	req.ExpiresInDays = &days
	err = s.validate(&req)
	if convErr != nil && f.Get("expires_in_days") != "" {
		err = kith.Invalid(append(kith.FieldErrors(err), kith.FieldError{Field: "expires_in_days", Message: "must be a whole number of days"})...)
	}
	if req.Name == "" && (err == nil || len(kith.FieldErrors(err)) > 0) {
		err = kith.Invalid(append([]kith.FieldError{{Field: "name", Message: "is required: say what will use the token"}}, kith.FieldErrors(err)...)...)
	}
	if err == nil {
		t, secret, err := s.app.CreateToken(c.Request().Context(), actor(c), req.Role, req.Name, req.days())
		if err != nil {
			return err
		}
		if err := s.setFlash(c, leadTokensPath, flash{Secret: secret, TokenName: t.Name, TokenRole: string(t.Role)}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, leadTokensPath)
	}
	errs := formErrors(err, "name", fieldsFrom(map[string][2]string{"role": {"role", "Role"}, "name": {"name", "What uses it"},
		"expires_in_days": {"expires_in_days", "How long it works"}}, "name"))
	if errs == nil {
		return err
	}
	return s.showTokens(c, http.StatusUnprocessableEntity, tokensView{Form: f}, errs)
}

func (s *Server) leadRevokeToken(c echo.Context) error {
	id, err := pathID(c, "Token")
	if err != nil {
		return err
	}
	if err := s.app.RevokeToken(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return s.redirectWithNotice(c, leadTokensPath, "The token is revoked: it stops working from the next request.")
}

type auditView struct {
	Here    string
	Names   map[string]string // "user:12" to the person's email
	People  app.Names         // "user:12" to the person's name
	Form    formState
	Entries []kith.AuditEntry
	Pager   pager
	Query   bool
}

// leadAuditPage shows the audit trail, newest first, with filters.
func (s *Server) leadAuditPage(c echo.Context) error {
	v := auditView{Here: "/lead/audit", Form: formState(c.QueryParams())}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := kith.AuditFilter{Entity: strings.TrimSpace(c.QueryParam("entity")), EntityID: strings.TrimSpace(c.QueryParam("entity_id")),
		Actor: strings.TrimSpace(c.QueryParam("actor")), Page: p}
	labels := map[string]string{"entity": "Record type", "entity_id": "Record id", "actor": "Who", "from": "From", "to": "To"}
	var errs []kith.FieldError
	for _, name := range []string{"entity", "entity_id", "actor"} {
		if len(c.QueryParam(name)) > 200 {
			errs = append(errs, kith.FieldError{Field: name, Message: labels[name] + ": use at most 200 characters"})
		}
	}
	var fe *kith.FieldError
	if f.From, fe = parseTimeParam(c, "from", false); fe != nil {
		errs = append(errs, kith.FieldError{Field: "from", Message: "From: write a date like 2026-03-31"})
	}
	if f.To, fe = parseTimeParam(c, "to", true); fe != nil {
		errs = append(errs, kith.FieldError{Field: "to", Message: "To: write a date like 2026-03-31"})
	}
	if len(errs) == 0 && !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs = append(errs, kith.FieldError{Field: "to", Message: "To: must be the same as or after From"})
	}
	// The trail names people by their user id; a lead may look one up by
	// email.
	if v.Names, err = s.userNames(c); err != nil {
		return err
	}
	if v.People, err = s.app.People(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	if strings.Contains(f.Actor, "@") {
		ref := ""
		for r, email := range v.Names {
			if strings.EqualFold(email, f.Actor) {
				ref = r
			}
		}
		if ref == "" {
			errs = append(errs, kith.FieldError{Field: "actor", Message: "Who: no one with that email address signs in to this site"})
		}
		f.Actor = ref
	}
	if len(errs) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, "lead_audit", pageData{Title: "Audit log", Data: v, Errors: errs})
	}
	v.Query = f.Entity != "" || f.EntityID != "" || f.Actor != "" || !f.From.IsZero() || !f.To.IsZero()
	entries, total, err := s.app.ListAudit(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	v.Entries, v.Pager = entries, newPager(c, "page", p, total)
	return s.render(c, http.StatusOK, "lead_audit", pageData{Title: "Audit log", Data: v})
}

// userNames maps the audit trail's "user:12" to the email of each person
// who can sign in to the site.
func (s *Server) userNames(c echo.Context) (map[string]string, error) {
	names := map[string]string{}
	for page := 1; ; page++ {
		users, total, err := s.app.ListUsers(c.Request().Context(), actor(c), kith.Page{Number: page, Size: 100})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			names["user:"+itoa(u.ID)] = u.Email
		}
		if page*100 >= total {
			return names, nil
		}
	}
}

type settingsView struct {
	Notice string
	Form   formState
}

func (s *Server) leadSettingsPage(c echo.Context) error {
	site, err := s.app.Site(c.Request().Context(), actor(c).Site)
	if err != nil {
		return err
	}
	st := site.Settings
	v := settingsView{Form: formState{
		"name": {site.Name}, "safeguarding_phone": {st.SafeguardingPhone}, "safeguarding_email": {st.SafeguardingEmail},
		"fraud_service": {st.FraudService}, "fraud_phone": {st.FraudPhone},
		"navigator_phone": {st.NavigatorPhone}, "navigator_email": {st.NavigatorEmail}, "colour": {st.Colour},
		"categories":  {strings.Join(st.Categories, "\n")},
		"nudge_after": {intOrEmpty(st.Timers.NudgeAfter)}, "overdue_after": {intOrEmpty(st.Timers.OverdueAfter)},
		"expire_after": {intOrEmpty(st.Timers.ExpireAfter)}, "retention_days": {intOrEmpty(st.RetentionDays)},
		"unit_costs": {unitCostLines(st.UnitCosts)},
	}}
	if f, ok := s.takeFlash(c, leadSettingsPath); ok {
		v.Notice = f.Notice
	}
	return s.render(c, http.StatusOK, "lead_settings", pageData{Title: "Settings", Data: v})
}

var settingsFields = map[string][2]string{
	"name": {"name", "Site name"}, "safeguarding_phone": {"safeguarding_phone", "Safeguarding team phone"},
	"safeguarding_email": {"safeguarding_email", "Safeguarding team email"}, "navigator_phone": {"navigator_phone", "Navigator team phone"},
	"navigator_email": {"navigator_email", "Navigator team email"}, "colour": {"colour", "Colour"}, "categories": {"categories", "The site's own kinds of support"},
	"timers.nudge_after": {"nudge_after", "Nudge the provider after"}, "timers.overdue_after": {"overdue_after", "Overdue after"},
	"timers.expire_after": {"expire_after", "Expire after"}, "retention_days": {"retention_days", "Keep personal data for"},
	"unit_costs": {"unit_costs", "Unit costs"},
}

func intOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// unitCostLines writes unit costs one to a line, fields split by "|":
// name | unit cost | driver | rate low | rate central | rate high | source.
func unitCostLines(items []kith.CostItem) string {
	var lines []string
	for _, it := range items {
		lines = append(lines, strings.Join([]string{it.Name, strconv.FormatFloat(it.UnitCost, 'f', -1, 64), it.Driver,
			strconv.FormatFloat(it.RateLow, 'f', -1, 64), strconv.FormatFloat(it.RateCentral, 'f', -1, 64),
			strconv.FormatFloat(it.RateHigh, 'f', -1, 64), it.Source}, " | "))
	}
	return strings.Join(lines, "\n")
}

// parseUnitCosts reads the lines back, naming the line of any problem.
func parseUnitCosts(text string) ([]kith.CostItem, []kith.FieldError) {
	var out []kith.CostItem
	var errs []kith.FieldError
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for k := range parts {
			parts[k] = strings.TrimSpace(parts[k])
		}
		if len(parts) < 6 {
			errs = append(errs, kith.FieldError{Field: "unit_costs", Message: fmt.Sprintf("Unit costs line %d: write name | unit cost | driver | rate low | rate central | rate high | source", i+1)})
			continue
		}
		num := func(s string) (float64, bool) {
			x, err := strconv.ParseFloat(strings.TrimPrefix(s, "£"), 64)
			return x, err == nil && x >= 0
		}
		it := kith.CostItem{Name: parts[0], Driver: parts[2]}
		var ok [4]bool
		it.UnitCost, ok[0] = num(parts[1])
		it.RateLow, ok[1] = num(parts[3])
		it.RateCentral, ok[2] = num(parts[4])
		it.RateHigh, ok[3] = num(parts[5])
		if len(parts) > 6 {
			it.Source = strings.Join(parts[6:], " | ")
		}
		if !ok[0] || !ok[1] || !ok[2] || !ok[3] || !(it.RateLow <= it.RateCentral && it.RateCentral <= it.RateHigh) {
			errs = append(errs, kith.FieldError{Field: "unit_costs", Message: fmt.Sprintf("Unit costs line %d: the cost and the three rates must be numbers, with low ≤ central ≤ high", i+1)})
			continue
		}
		if !slices.Contains([]string{"engaged_referrals", "closed_referrals", "screenings"}, it.Driver) {
			errs = append(errs, kith.FieldError{Field: "unit_costs", Message: fmt.Sprintf("Unit costs line %d: the driver must be engaged_referrals, closed_referrals or screenings", i+1)})
			continue
		}
		out = append(out, it)
	}
	return out, errs
}

// leadSaveSettings changes the site's name and the settings on the form;
// the others (unit costs, retention) are kept as they are. A site category
// still used by a service or the pathway in use cannot be removed.
func (s *Server) leadSaveSettings(c echo.Context) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := actor(c)
	site, err := s.app.Site(ctx, a.Site)
	if err != nil {
		return err
	}
	req := updateSiteRequest{Name: strings.TrimSpace(f.Get("name")), Settings: site.Settings}
	st := &req.Settings
	st.SafeguardingPhone, st.SafeguardingEmail = strings.TrimSpace(f.Get("safeguarding_phone")), strings.TrimSpace(f.Get("safeguarding_email"))
	st.FraudService, st.FraudPhone = strings.TrimSpace(f.Get("fraud_service")), strings.TrimSpace(f.Get("fraud_phone"))
	st.NavigatorPhone, st.NavigatorEmail = strings.TrimSpace(f.Get("navigator_phone")), strings.TrimSpace(f.Get("navigator_email"))
	st.Colour = strings.ToLower(strings.TrimSpace(f.Get("colour")))
	st.Categories = nil
	for _, line := range strings.Split(f.Get("categories"), "\n") {
		if code := strings.TrimSpace(line); code != "" && !slices.Contains(st.Categories, code) {
			st.Categories = append(st.Categories, code)
		}
	}
	var errs []kith.FieldError
	whole := func(name string) int {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, kith.FieldError{Field: name, Message: settingsFields[name][1] + ": enter a whole number of days"})
			if _, ok := settingsFields[name]; !ok {
				errs[len(errs)-1].Message = "Enter a whole number of days"
			}
			return 0
		}
		return n
	}
	st.Timers.NudgeAfter, st.Timers.OverdueAfter, st.Timers.ExpireAfter = whole("nudge_after"), whole("overdue_after"), whole("expire_after")
	st.RetentionDays = whole("retention_days")
	var costErrs []kith.FieldError
	st.UnitCosts, costErrs = parseUnitCosts(f.Get("unit_costs"))
	errs = append(errs, costErrs...)
	if err := s.validate(&req); err != nil {
		label := fieldsFrom(settingsFields, "name")
		more := formErrors(err, "name", func(field string) (string, string) { return label(strings.TrimPrefix(field, "settings.")) })
		if more == nil {
			return err
		}
		errs = append(errs, more...)
	}
	catErrs, err := s.app.CheckCategoryChange(ctx, a, site.Settings.Categories, st.Categories)
	if err != nil {
		return err
	}
	errs = append(errs, catErrs...)
	if len(errs) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, "lead_settings", pageData{Title: "Settings", Data: settingsView{Form: f}, Errors: errs})
	}
	if err := s.app.UpdateSiteSettings(ctx, a, req.Name, req.Settings); err != nil {
		return err
	}
	return s.redirectWithNotice(c, leadSettingsPath, "Settings saved.")
}
