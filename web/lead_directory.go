package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/signedlink"
	"github.com/labstack/echo/v4"
)

const (
	leadDirectoryPath = "/lead/directory"
	leadImportPath    = "/lead/directory/import"
	// maxImportShown is how many import problems the error summary lists
	// one by one; the table under it always lists every problem.
	maxImportShown = 25
)

// servicePath is where a service is edited; an id may hold any character.
func servicePath(id string) string { return leadDirectoryPath + "/" + url.PathEscape(id) }

// serviceRow is one service in the lead's list.
type serviceRow struct {
	assets.Service
	Path, CategoryLabel, CapacityLabel, SendTo, ConfirmURL string
}

func newServiceRow(svc assets.Service) serviceRow {
	r := serviceRow{Service: svc, Path: servicePath(svc.ID), CategoryLabel: assets.CategoryLabel(svc.Category)}
	for _, t := range assets.Capacities {
		if t.Code == svc.Capacity {
			r.CapacityLabel = t.Label
		}
	}
	// Who to send a "still up to date?" link to: the service's own address,
	// then a named contact's, then the organisation's, then a phone.
	r.SendTo = svc.Email
	for _, ct := range svc.Contacts {
		if r.SendTo == "" && ct.Email != "" {
			r.SendTo = ct.Email
		}
	}
	if r.SendTo == "" {
		r.SendTo = svc.Organization.Email
	}
	for _, p := range svc.Phones {
		if r.SendTo == "" && p.Number != "" {
			r.SendTo = "phone " + p.Number
		}
	}
	return r
}

type leadDirectoryView struct {
	Notice     string
	Form       formState
	Services   []serviceRow
	Pager      pager
	Stale      []serviceRow
	StalePager pager
	Cutoff     string
}

// leadDirectoryPage lists the site's services to edit, and those not
// confirmed for six months with the link to send each one's contact.
func (s *Server) leadDirectoryPage(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	sp, err := pageNumber(c, "stale_page", 10)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := actor(c)
	q := strings.TrimSpace(c.QueryParam("q"))
	v := leadDirectoryView{Form: formState{"q": {q}}, Cutoff: assets.StaleCutoff(s.now())}
	if f, ok := s.takeFlash(c, leadDirectoryPath); ok {
		v.Notice = f.Notice
	}
	if len(q) > 200 {
		return s.render(c, http.StatusUnprocessableEntity, "lead_directory", pageData{Title: "Directory admin", Data: v,
			Errors: []kith.FieldError{{Field: "q", Message: "Find a service: use at most 200 characters"}}})
	}
	svcs, total, err := s.app.ListServices(ctx, a.Site, app.ServiceFilter{Q: q, Page: p})
	if err != nil {
		errs := formErrors(err, "q", func(string) (string, string) { return "q", "Find a service" })
		if errs == nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "lead_directory", pageData{Title: "Directory admin", Data: v, Errors: errs})
	}
	for _, svc := range svcs {
		v.Services = append(v.Services, newServiceRow(svc))
	}
	v.Pager = newPager(c, "page", p, total)
	stale, staleTotal, err := s.app.ListServices(ctx, a.Site, app.ServiceFilter{StaleBefore: v.Cutoff, Page: sp})
	if err != nil {
		return err
	}
	key, err := s.app.Secret(ctx, signingKeyName)
	if err != nil {
		return err
	}
	for _, svc := range stale {
		r := newServiceRow(svc)
		tok := signedlink.Sign(key, signedlink.Claims{Purpose: confirmPurpose, Site: a.Site, ID: svc.ID, Expires: s.now().Add(confirmLinkLifetime)})
		r.ConfirmURL = s.baseURL(c) + "/confirm/" + tok
		v.Stale = append(v.Stale, r)
	}
	v.StalePager = newPager(c, "stale_page", sp, staleTotal)
	return s.render(c, http.StatusOK, "lead_directory", pageData{Title: "Directory admin", Data: v})
}

// serviceFormView is the form to add or change a service.
type serviceFormView struct {
	New           bool
	Action        string
	Form          formState
	Service       assets.Service
	Categories    []assets.Term
	Relationships []assets.Term
	Support       []assets.Term
	Capacities    [][2]string
}

func (s *Server) newServiceFormView(c echo.Context, svc assets.Service, f formState, isNew bool) (serviceFormView, error) {
	cats, err := s.siteCategories(c)
	if err != nil {
		return serviceFormView{}, err
	}
	v := serviceFormView{New: isNew, Action: leadDirectoryPath + "/new", Form: f, Service: svc,
		Categories: slices.Clone(assets.Categories), Relationships: assets.Relationships, Support: assets.SupportToAttend}
	if !isNew {
		v.Action = servicePath(svc.ID)
	}
	for _, code := range cats {
		v.Categories = append(v.Categories, assets.Term{Code: code, Label: code + " (this site's own)"})
	}
	// A service may be in a category the site has since removed: keep it
	// choosable so that saving other changes does not lose it.
	if cur := f.Get("category"); cur != "" && !slices.ContainsFunc(v.Categories, func(t assets.Term) bool { return t.Code == cur }) {
		v.Categories = append(v.Categories, assets.Term{Code: cur, Label: cur + " (no longer a category here)"})
	}
	for _, t := range assets.Capacities {
		v.Capacities = append(v.Capacities, [2]string{t.Code, t.Label})
	}
	return v, nil
}

// serviceForm is a stored service as the form shows it.
func serviceForm(svc assets.Service) formState {
	f := formState{
		"name": {svc.Name}, "description": {svc.Description}, "category": {svc.Category},
		"relationships": slices.Clone(svc.Relationships), "support_to_attend": slices.Clone(svc.SupportToAttend),
		"capacity": {svc.Capacity}, "cost.description": {svc.Cost.Description}, "languages": {strings.Join(svc.Languages, ", ")},
		"email": {svc.Email}, "last_confirmed": {svc.LastConfirmed},
	}
	if svc.Cost.Free {
		f["cost.free"] = []string{"true"}
	}
	if svc.Public {
		f["public"] = []string{"true"}
	}
	return f
}

// applyServiceForm changes only the fields the form shows; everything else
// the service holds (locations, phones, schedules, eligibility...) is kept.
func applyServiceForm(f formState, svc *assets.Service) {
	svc.Name = strings.TrimSpace(f.Get("name"))
	svc.Description = strings.TrimSpace(f.Get("description"))
	svc.Category = strings.TrimSpace(f.Get("category"))
	svc.Relationships = nonBlank(f["relationships"])
	svc.SupportToAttend = nonBlank(f["support_to_attend"])
	svc.Capacity = f.Get("capacity")
	svc.Cost.Free = f.Get("cost.free") == "true"
	svc.Cost.Description = strings.TrimSpace(f.Get("cost.description"))
	svc.Languages = nonBlank(strings.Split(f.Get("languages"), ","))
	svc.Email = strings.TrimSpace(f.Get("email"))
	svc.Public = f.Get("public") == "true"
	svc.LastConfirmed = strings.TrimSpace(f.Get("last_confirmed"))
}

func nonBlank(vs []string) []string {
	out := []string{}
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// serviceFields names each field of the form: the input an error points at
// and the words for it.
var serviceFields = map[string][2]string{
	"name": {"name", "Name"}, "description": {"description", "Description"}, "category": {"category", "Kind of support"},
	"relationships": {"relationships", "Helps where"}, "support_to_attend": {"support_to_attend", "Support to attend"},
	"capacity": {"capacity", "Taking referrals now"}, "cost.free": {"cost.free", "Free"}, "cost.amount": {"cost.free", "Cost"},
	"cost.description": {"cost.description", "Cost details"}, "languages": {"languages", "Languages"},
	"email": {"email", "Email address"}, "public": {"public", "Published"}, "last_confirmed": {"last_confirmed", "Last confirmed"},
	"id": {"name", "Service id"},
}

// serviceFieldLabel points an error at its input. A problem in a part of
// the service the form does not show (from an older import) points at the
// list of those details.
func serviceFieldLabel(svc assets.Service) func(string) (string, string) {
	return func(field string) (string, string) {
		base := field
		if i := strings.IndexByte(base, '['); i >= 0 {
			base = base[:i]
		}
		l, ok := serviceFields[base]
		if !ok {
			return "other-details", "Other details (" + field + ")"
		}
		if base == "languages" && base != field {
			var n int
			if _, err := fmt.Sscanf(field, "languages[%d]", &n); err == nil && n >= 0 && n < len(svc.Languages) {
				return l[0], fmt.Sprintf("%s: %q", l[1], svc.Languages[n])
			}
		}
		return l[0], l[1]
	}
}

func (s *Server) leadNewServicePage(c echo.Context) error {
	f := formState{"capacity": {assets.CapacityOpen}, "public": {"true"}, "last_confirmed": {s.now().Format(time.DateOnly)}}
	return s.showServiceForm(c, http.StatusOK, assets.Service{}, f, true, nil)
}

func (s *Server) leadServicePage(c echo.Context) error {
	svc, err := s.liveService(c)
	if err != nil {
		return err
	}
	return s.showServiceForm(c, http.StatusOK, svc, serviceForm(svc), false, nil)
}

func (s *Server) showServiceForm(c echo.Context, status int, svc assets.Service, f formState, isNew bool, errs []kith.FieldError) error {
	v, err := s.newServiceFormView(c, svc, f, isNew)
	if err != nil {
		return err
	}
	title := "Add a service"
	if !isNew {
		title = "Change " + svc.Name
	}
	return s.render(c, status, "lead_service", pageData{Title: title, Data: v, Errors: errs})
}

// liveService is the service named in the path; a deleted one is gone.
func (s *Server) liveService(c echo.Context) (assets.Service, error) {
	id := pathParam(c, "id")
	if len(id) > 200 {
		return assets.Service{}, kith.Errorf(kith.ENOTFOUND, "Service not found.")
	}
	svc, err := s.app.Service(c.Request().Context(), actor(c).Site, id)
	if err == nil && svc.DeletedAt != nil {
		err = kith.Errorf(kith.ENOTFOUND, "Service not found: it was deleted.")
	}
	return svc, err
}

func (s *Server) leadCreateService(c echo.Context) error {
	return s.saveServiceForm(c, assets.Service{}, true)
}

func (s *Server) leadUpdateService(c echo.Context) error {
	svc, err := s.liveService(c)
	if err != nil {
		return err
	}
	return s.saveServiceForm(c, svc, false)
}

// saveServiceForm checks the form with the same rules as the API and the
// import, then stores the whole service.
func (s *Server) saveServiceForm(c echo.Context, svc assets.Service, isNew bool) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	stored := svc
	applyServiceForm(f, &svc)
	cats, err := s.siteCategories(c)
	if err != nil {
		return err
	}
	assets.Normalize(&svc)
	if errs := assets.Validate(&svc, cats); len(errs) > 0 {
		// A category the site has since removed may stay on a service that
		// already had it; it may not be newly chosen.
		errs = slices.DeleteFunc(errs, func(e kith.FieldError) bool {
			return e.Field == "category" && !isNew && svc.Category != "" && svc.Category == stored.Category
		})
		if len(errs) > 0 {
			return s.showServiceForm(c, http.StatusUnprocessableEntity, stored, f, isNew,
				formErrors(kith.Invalid(errs...), "name", serviceFieldLabel(svc)))
		}
	}
	ctx := c.Request().Context()
	if isNew {
		err = s.app.CreateService(ctx, actor(c), &svc)
	} else {
		err = s.app.UpdateService(ctx, actor(c), &svc)
	}
	if err != nil {
		errs := formErrors(err, "name", serviceFieldLabel(svc))
		if errs == nil {
			return err
		}
		return s.showServiceForm(c, http.StatusUnprocessableEntity, stored, f, isNew, errs)
	}
	notice := "Changes to " + svc.Name + " saved."
	if isNew {
		notice = svc.Name + " added to the directory."
	}
	return s.redirectWithNotice(c, leadDirectoryPath, notice)
}

// leadDeleteService takes a service out of the directory; referrals made
// to it still show where they went.
func (s *Server) leadDeleteService(c echo.Context) error {
	svc, err := s.liveService(c)
	if err != nil {
		return err
	}
	if err := s.app.DeleteService(c.Request().Context(), actor(c), svc.ID); err != nil {
		return err
	}
	return s.redirectWithNotice(c, leadDirectoryPath, svc.Name+" deleted from the directory.")
}

type importView struct {
	Report       *importReport
	MoreWarnings int
	// Problems are every problem in a refused file, by where it is.
	Problems []kith.FieldError
}

func (s *Server) leadImportPage(c echo.Context) error {
	v := importView{}
	if f, ok := s.takeFlash(c, leadImportPath); ok && f.Report != nil {
		v.Report, v.MoreWarnings = f.Report, f.MoreWarnings
	}
	return s.render(c, http.StatusOK, "lead_import", pageData{Title: "Import services", Data: v})
}

// leadImport takes the same files as the API's import (ORUK/HSDS JSON, a
// zip of HSDS CSV tables, or the CSV files) from an upload form. All or
// nothing: a file with problems imports nothing and every problem is listed.
func (s *Server) leadImport(c echo.Context) error {
	cats, err := s.siteCategories(c)
	if err != nil {
		return err
	}
	var imp *assets.Import
	switch {
	case c.Request().ContentLength > maxImport+64<<10:
		err = &kith.Error{Code: kith.ETOOLARGE, Message: "The upload is larger than 20 MiB: split the directory into smaller files."}
	case !strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm):
		err = kith.Invalid(kith.FieldError{Field: "file", Message: "choose a JSON file, a zip of HSDS CSV tables, or the CSV files"})
	default:
		imp, err = parseImport(c, cats)
	}
	if err != nil {
		problems := kith.FieldErrors(err)
		if len(problems) == 0 {
			switch kith.ErrorCode(err) {
			case kith.EINVALID, kith.EBADREQUEST, kith.ETOOLARGE, kith.EUNSUPPORTED:
				problems = []kith.FieldError{{Field: "", Message: kith.ErrorMessage(err)}}
			default:
				return err
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, "lead_import", pageData{Title: "Import services",
			Data: importView{Problems: problems}, Errors: importSummary(problems)})
	}
	report, err := s.storeImport(c, imp)
	if err != nil {
		return err
	}
	if err := s.setFlash(c, leadImportPath, flash{Report: &report}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, leadImportPath)
}

// importSummary is the error summary of a refused file: each problem with
// where it is, or, for a long list, a pointer to the table of them all.
func importSummary(problems []kith.FieldError) []kith.FieldError {
	if len(problems) > maxImportShown {
		return []kith.FieldError{{Field: "import-problems",
			Message: fmt.Sprintf("The file has %d problems, listed in the table below. Nothing was imported.", len(problems))}}
	}
	out := make([]kith.FieldError, 0, len(problems))
	for _, p := range problems {
		msg := p.Message
		if p.Field != "" {
			msg = p.Field + ": " + msg
		}
		out = append(out, kith.FieldError{Field: "file", Message: msg})
	}
	return out
}
