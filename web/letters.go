package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/letters"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

var dayNames = map[string]string{"MO": "Mondays", "TU": "Tuesdays", "WE": "Wednesdays", "TH": "Thursdays", "FR": "Fridays", "SA": "Saturdays", "SU": "Sundays"}

// scheduleWords says when a service meets, in words a letter can carry.
func scheduleWords(ss []assets.Schedule) string {
	var parts []string
	for _, s := range ss {
		var days []string
		for _, d := range strings.Split(s.ByDay, ",") {
			if n, ok := dayNames[strings.TrimSpace(d)]; ok {
				days = append(days, n)
			}
		}
		when := listWords(days)
		switch {
		case when == "":
			when = "Every day"
		case strings.Join(days, ",") == "Mondays,Tuesdays,Wednesdays,Thursdays,Fridays":
			when = "Monday to Friday"
		}
		if s.OpensAt != "" && s.ClosesAt != "" {
			when += ", " + s.OpensAt + " to " + s.ClosesAt
		}
		if s.Description != "" {
			when += " (" + s.Description + ")"
		}
		parts = append(parts, when)
	}
	return strings.Join(parts, "; ")
}

// listWords joins words as a sentence does: "a, b and c".
func listWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

func serviceForLetter(svc assets.Service) letters.Service {
	out := letters.Service{Name: svc.Name, Organisation: svc.Organization.Name, Description: svc.Description, Schedule: scheduleWords(svc.Schedules)}
	if svc.Cost.Free {
		out.Cost = "Free"
	} else {
		out.Cost = svc.Cost.Description
	}
	for _, l := range svc.Locations {
		out.Address = strings.Join(nonEmpty(l.Name, l.Address1, l.City, l.PostalCode), ", ")
		break
	}
	if len(svc.Phones) > 0 {
		out.Phone = svc.Phones[0].Number
	}
	for _, x := range svc.SupportToAttend {
		out.SupportToAttend = append(out.SupportToAttend, assets.SupportToAttendLabel(x))
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// addressLines splits the address the visitor typed into lines.
func addressLines(a string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(a, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// referralLetter builds a letter of one kind for a referral, enforcing
// consent and safe contact: no letter to a home where post is not safe or
// there is no address; a provider sees only what the person agreed to share
// and never safeguarding details; the person who must not be told is never
// named.
func (s *Server) referralLetter(c echo.Context, kind letters.Kind) (letters.Letter, error) {
	ctx := c.Request().Context()
	a := actor(c)
	r, err := s.app.Referral(ctx, a, c.Param("id"))
	if err != nil {
		return letters.Letter{}, err
	}
	st, err := s.app.Screening(ctx, a, r.ScreeningID)
	if err != nil {
		return letters.Letter{}, err
	}
	req, err := s.app.ScreeningRequest(ctx, a, r.ScreeningID)
	if err != nil {
		return letters.Letter{}, err
	}
	site, err := s.app.Site(ctx, a.Site)
	if err != nil {
		return letters.Letter{}, err
	}
	svc, err := s.app.Service(ctx, a.Site, r.ServiceID)
	if err != nil {
		return letters.Letter{}, err
	}
	colour := site.Settings.Colour
	if colour == "" {
		colour = "#1d70b8"
	}
	l := letters.Letter{
		Kind: kind, Date: s.now(), Reference: "R-" + r.ID[len(r.ID)-8:],
		Site:      letters.Site{Name: site.Name, Colour: colour, SafeguardingPhone: site.Settings.SafeguardingPhone, SafeguardingEmail: site.Settings.SafeguardingEmail},
		Navigator: letters.Navigator{Name: "the community navigator team", Phone: site.Settings.NavigatorPhone, Email: site.Settings.NavigatorEmail},
		Service:   serviceForLetter(svc),
		SafeContact: letters.SafeContact{Phone: st.SafeContact.Phone, Post: st.SafeContact.Post, Visit: st.SafeContact.Visit,
			Times: st.SafeContact.Times, HasDoNotContact: st.SafeContact.DoNotContact != ""},
		LargePrint: c.QueryParam("large_print") == "true",
	}
	if req.Person != nil {
		l.Person = letters.Person{Name: req.Person.Name, NameLatin: req.Person.NameLatin, Address: addressLines(req.Person.Address)}
		if st.SafeContact.Phone {
			l.SafeContact.PhoneNumber = req.Person.Phone
		}
	}
	if st.Consent.Share == screening.Yes {
		l.Wishes = req.Wishes
	}
	switch kind {
	case letters.KindPerson:
		if !st.SafeContact.Post {
			return l, kith.Errorf(kith.ECONFLICT, "No letter can go to the person: it is not safe to send post to their home.")
		}
		if len(l.Person.Address) == 0 {
			return l, kith.Errorf(kith.ECONFLICT, "No letter can go to the person: there is no postal address.")
		}
	case letters.KindProvider:
		if link, _, err := s.providerURL(c, r.ID); err == nil {
			l.ReplyURL = link
		}
	case letters.KindConcern:
		con, err := s.app.ScreeningConcern(ctx, a, r.ScreeningID)
		if kith.ErrorCode(err) == kith.ENOTFOUND {
			return l, kith.Errorf(kith.ENOTFOUND, "No safeguarding concern was raised for this referral.")
		}
		if err != nil {
			return l, err
		}
		l.Reference = con.Reference
		l.Wishes, l.DesiredOutcomes = req.Wishes, req.DesiredOutcomes
		l.Concern = concernForLetter(con.Reference, st.Result, req)
		// As the safeguarding team has them now: what the visitor gave, or
		// what the team completed.
		l.Concern.LocationOfRisk, l.Concern.SourceOfRisk = con.LocationOfRisk, con.SourceOfRisk
	}
	return l, nil
}

func concernForLetter(ref string, res *screening.Result, req *screening.Request) *letters.Concern {
	sg := res.Safeguarding
	c := &letters.Concern{Reference: ref, Action: sg.Action, Reasons: sg.Reasons, TypesOfRisk: sg.TypesOfRisk, ShareBasis: sg.ShareBasis,
		CareAndSupportNeeds: sg.Limbs.CareAndSupportNeeds.Answer, UnableToProtectSelf: sg.Limbs.UnableToProtectSelf.Answer,
		AbuseIndicated: sg.Limbs.ExperiencingOrAtRiskOfAbuse.Met}
	for _, code := range sg.Limbs.ExperiencingOrAtRiskOfAbuse.Because {
		if ind, ok := screening.IndicatorByCode(code); ok {
			c.AbuseBecause = append(c.AbuseBecause, ind.Wording)
		} else {
			c.AbuseBecause = append(c.AbuseBecause, strings.ReplaceAll(code, "_", " "))
		}
	}
	for _, code := range req.Indicators {
		if ind, ok := screening.IndicatorByCode(code); ok {
			c.Noticed = append(c.Noticed, ind.Wording)
		}
	}
	if len(sg.OthersAtRisk) > 0 {
		for _, o := range sg.OthersAtRisk {
			c.OthersAtRisk, c.OthersReasons = append(c.OthersAtRisk, o.Who), append(c.OthersReasons, o.Reason)
		}
	} else if req.S42 != nil {
		// A result stored under 2026.1 has only what the visitor answered.
		c.OthersAtRisk = req.S42.OthersAtRiskWho
	}
	for _, r := range sg.Routes {
		c.Routes = append(c.Routes, r.Step)
	}
	if o := req.Observer; o != nil {
		c.Observer = letters.Observer{Role: o.Role, Organisation: o.Organisation, Agency: o.Agency}
	}
	return c
}

// getLetter serves a referral's letter as PDF or as its accessible HTML twin.
func (s *Server) getLetter(c echo.Context) error {
	name := c.Param("file")
	kindName, ext, ok := strings.Cut(name, ".")
	kind := letters.Kind(kindName)
	if !ok || (ext != "pdf" && ext != "html") || (kind != letters.KindProvider && kind != letters.KindPerson && kind != letters.KindConcern) {
		return kith.Errorf(kith.ENOTFOUND, "No such letter: use provider, person or concern, as .pdf or .html.")
	}
	l, err := s.referralLetter(c, kind)
	if err != nil {
		return err
	}
	if err := s.app.AuditRead(c.Request().Context(), actor(c), "letter:"+kindName, c.Param("id")); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if ext == "pdf" {
		b, err := letters.PDF(l)
		if err != nil {
			return letterError(err)
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-%s.pdf"`, kindName, l.Reference))
		return c.Blob(http.StatusOK, "application/pdf", b)
	}
	css, _ := s.static.url("govuk.css")
	b, err := letters.HTML(l, letters.HTMLOptions{StylesheetURL: css})
	if err != nil {
		return letterError(err)
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// letterError explains a letter that cannot be made: the fields it lacks
// are the site's settings or the record's, not the request's.
func letterError(err error) error {
	if kith.ErrorCode(err) != kith.EINVALID {
		return fmt.Errorf("render letter: %w", err)
	}
	return &kith.Error{Code: kith.ECONFLICT, Fields: kith.FieldErrors(err),
		Message: "This letter cannot be made yet: add what is missing (site settings hold the navigator phone number) and try again."}
}
