package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/letters"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// The rules of a referral's letters: which letter may be made, what each
// may say and who signs it. The web layer only renders what this returns.

// LetterOptions are the caller's choices for a letter.
type LetterOptions struct {
	LargePrint bool
	// BaseURL is where links sent outside the service point (the provider's
	// link and the page where its code is typed).
	BaseURL string
}

// ReferralLetter builds a letter of one kind for a referral, enforcing
// consent and safe contact: no letter to a home where post is not safe or
// there is no address; a provider sees only what the person agreed to share
// (as the navigator agreed it with them) and never safeguarding details;
// the person who must not be contacted is never named; the letter says
// "we have asked" until the service accepts; the navigator signs it by
// name.
func (a *App) ReferralLetter(ctx context.Context, act kith.Actor, id string, kind letters.Kind, o LetterOptions) (letters.Letter, error) {
	if err := Authorize(act, Navigate); err != nil {
		return letters.Letter{}, err
	}
	r, err := a.Referral(ctx, act, id)
	if err != nil {
		return letters.Letter{}, err
	}
	st, err := a.st.Screenings.Screening(ctx, act, r.ScreeningID, "")
	if err != nil {
		return letters.Letter{}, err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, r.ScreeningID)
	if err != nil {
		return letters.Letter{}, err
	}
	site, err := a.st.Sites.Site(ctx, act.Site)
	if err != nil {
		return letters.Letter{}, err
	}
	svc, err := a.st.Directory.Service(ctx, act.Site, r.ServiceID)
	if err != nil {
		return letters.Letter{}, err
	}
	nav, err := a.letterSigner(ctx, act, r)
	if err != nil {
		return letters.Letter{}, err
	}
	colour := site.Settings.Colour
	if colour == "" {
		colour = "#1d70b8"
	}
	sc := st.SafeContact
	l := letters.Letter{
		Kind: kind, Date: a.Now(), Reference: ReferralReference(r.ID),
		Site:      letters.Site{Name: site.Name, Colour: colour, SafeguardingPhone: site.Settings.SafeguardingPhone, SafeguardingEmail: site.Settings.SafeguardingEmail},
		Navigator: letters.Navigator{Name: nav, Phone: site.Settings.NavigatorPhone, Email: site.Settings.NavigatorEmail},
		Service:   serviceForLetter(svc),
		SafeContact: letters.SafeContact{Phone: sc.Phone, Post: sc.Post, Visit: sc.Visit,
			Times: sc.Times, HasDoNotContact: sc.DoNotContact != ""},
		LargePrint:     o.LargePrint,
		ProviderAgreed: r.ProviderAgreed(),
		BestInterest:   st.Consent.Refer != screening.Yes,
	}
	if p := req.Person; p != nil {
		l.Person = letters.Person{Name: p.Name, NameLatin: p.NameLatin, Address: AddressLines(p.Address)}
		if sc.Phone {
			l.SafeContact.PhoneNumber = p.Phone
		}
	}
	if l.Wishes, err = a.sharedWords(ctx, act, r.ScreeningID, st.Consent.Share, req.Wishes); err != nil {
		return l, err
	}
	switch kind {
	case letters.KindPerson:
		if !sc.Post {
			return l, kith.Errorf(kith.ECONFLICT, "No letter can go to the person: it is not safe to send post to their home.")
		}
		if len(l.Person.Address) == 0 {
			return l, kith.Errorf(kith.ECONFLICT, "No letter can go to the person: there is no postal address.")
		}
		// A posted letter is addressed as the Royal Mail and GOV.UK
		// Notify need it: the postcode last, 3 to 7 lines in all.
		lines, err := letters.PostalAddress(l.Person.Name, l.Person.Address, req.Person.Postcode, "person.address")
		if err != nil {
			msg := "the address cannot be posted"
			if f := kith.FieldErrors(err); len(f) > 0 {
				msg = "the address " + f[0].Message
			}
			return l, &kith.Error{Code: kith.ECONFLICT, Message: "No letter can go to the person: " + msg + ".",
				Fields: []kith.FieldError{{Field: "person.address", Message: msg}}}
		}
		l.Person.Address = lines[1:]
	case letters.KindProvider:
		link, tok, err := a.ProviderLink(ctx, act, r.ID)
		if err != nil {
			return l, err
		}
		if tok != "" && o.BaseURL != "" {
			l.ReplyURL, l.ReplyCode, l.CodeURL = o.BaseURL+"/provider/"+tok, link.CodeWords(), o.BaseURL+"/provider"
		}
	case letters.KindConcern:
		con, err := a.st.Concerns.ScreeningConcern(ctx, act, r.ScreeningID)
		if kith.ErrorCode(err) == kith.ENOTFOUND {
			return l, kith.Errorf(kith.ENOTFOUND, "No safeguarding concern was raised for this referral.")
		}
		if err != nil {
			return l, err
		}
		l.Reference = con.Reference
		// The council reads the person's words as the visitor wrote them.
		l.Wishes, l.DesiredOutcomes = req.Wishes, req.DesiredOutcomes
		l.Concern = concernForLetter(con.Reference, st.Result, req)
		// As the safeguarding team has them now: what the visitor gave, or
		// what the team completed.
		l.Concern.LocationOfRisk, l.Concern.SourceOfRisk = con.LocationOfRisk, con.SourceOfRisk
	}
	return l, nil
}

// ReferralReference is the reference a referral's letters quote.
func ReferralReference(id string) string {
	if len(id) < 8 {
		return "R-" + id
	}
	return "R-" + id[len(id)-8:]
}

// letterSigner is the navigator who signs: the one the referral is
// assigned to, else the one making the letter, by name.
func (a *App) letterSigner(ctx context.Context, act kith.Actor, r referral.Referral) (string, error) {
	names, err := a.People(ctx, act)
	if err != nil {
		return "", err
	}
	for _, ref := range []string{r.Assignee, act.Ref()} {
		if n, ok := names[ref]; ok {
			return n, nil
		}
	}
	return "The community navigator team", nil
}

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

// serviceForLetter is what a letter says of a service; one that visits at
// home gives no place to go.
func serviceForLetter(svc assets.Service) letters.Service {
	out := letters.Service{Name: svc.Name, Organisation: svc.Organization.Name, Description: svc.Description, Schedule: scheduleWords(svc.Schedules),
		VisitsAtHome: slices.Contains(svc.SupportToAttend, "home_visits")}
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

// AddressLines splits the address the visitor typed into lines.
func AddressLines(a string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(a, "\r", ""), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// concernForLetter is what the concern summary says of the safeguarding
// decision, in words.
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
		c.Observer = letters.Observer{Name: o.Name, Phone: o.Phone, Role: o.Role, Organisation: o.Organisation, Agency: o.Agency}
	}
	if req.SafeContact != nil {
		c.DoNotContact = req.SafeContact.DoNotContact
	}
	return c
}

// ConcernLetter is a concern's summary for the safeguarding team, as
// the case holds it now: what the visitor gave, or what the team
// completed.
func ConcernLetter(cc ConcernCase, now time.Time) letters.Letter {
	site := cc.Site
	colour := site.Settings.Colour
	if colour == "" {
		colour = "#1d70b8"
	}
	l := letters.Letter{Kind: letters.KindConcern, Date: now, Reference: cc.Concern.Reference,
		Site: letters.Site{Name: site.Name, Colour: colour, SafeguardingPhone: site.Settings.SafeguardingPhone, SafeguardingEmail: site.Settings.SafeguardingEmail}}
	req := cc.Request
	if cc.Referral != nil {
		l.Reference = "R-" + cc.Referral.ID[len(cc.Referral.ID)-8:]
	}
	if res := cc.Screening.Result; res != nil {
		sc := res.SafeContact
		l.SafeContact = letters.SafeContact{Phone: sc.Phone, Post: sc.Post, Visit: sc.Visit, Times: sc.Times, HasDoNotContact: sc.DoNotContact != ""}
		if req != nil {
			l.Concern = concernForLetter(cc.Concern.Reference, res, req)
		}
	}
	if req != nil && req.Person != nil {
		l.Person = letters.Person{Name: req.Person.Name, NameLatin: req.Person.NameLatin, Address: AddressLines(req.Person.Address)}
		if l.SafeContact.Phone {
			l.SafeContact.PhoneNumber = req.Person.Phone
		}
	}
	if req != nil {
		l.Wishes, l.DesiredOutcomes = req.Wishes, req.DesiredOutcomes
	}
	if l.Concern != nil {
		l.Concern.RaisedAt = cc.Concern.CreatedAt
		l.Concern.LocationOfRisk, l.Concern.SourceOfRisk = cc.Concern.LocationOfRisk, cc.Concern.SourceOfRisk
	}
	return l
}
