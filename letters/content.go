package letters

import (
	"github.com/kith-project/kith"
	"strings"
	"time"
)

// document is a letter's content, independent of output: the PDF and the
// HTML twin are both drawn from it, so they always say the same thing.
type document struct {
	Kind      Kind
	Title     string // <title> and PDF metadata: never personal data, as it lands in browser history
	Heading   text   // the h1
	Site      Site
	SiteName  text
	Marking   string // government security marking, for letters carrying personal details
	Large     bool
	Date      time.Time
	Reference string
	Recipient []text // address block
	Meta      []row  // date, references, contact: beside the address
	Sections  []section
}

// section is an h2 and what follows it; the opening section has no heading.
type section struct {
	Heading text
	Blocks  []block
}

type blockKind int

const (
	paraBlock      blockKind = iota // Lines[0] is the paragraph
	importantBlock                  // a paragraph the reader must not miss
	quoteBlock                      // the person's own words, a paragraph a line
	listBlock                       // a bulleted list, an item a line
	rowsBlock                       // label and value pairs
	subheadBlock                    // a heading within a section (an h3), Lines[0]
)

type block struct {
	Kind  blockKind
	Lines []text
	Rows  []row
}

// row is a label and its value, a line each.
type row struct {
	Label    string
	Value    []text
	DateTime string // for the HTML <time> element
	HTMLOnly bool   // only the HTML shows it (the Latin form of a name: the PDF already prints that)
}

func para(parts ...text) block { return block{Kind: paraBlock, Lines: []text{join(parts...)}} }
func important(parts ...text) block {
	return block{Kind: importantBlock, Lines: []text{join(parts...)}}
}
func list(items []text) block { return block{Kind: listBlock, Lines: items} }
func rows(rs ...row) block    { return block{Kind: rowsBlock, Rows: rs} }

func field(label string, value ...text) row { return row{Label: label, Value: value} }

func freeAll(vs []string) []text {
	var out []text
	for _, v := range lines(vs) {
		out = append(out, free(v))
	}
	return out
}

func labelled(codes []string, labels map[string]string) []text {
	var out []text
	for _, c := range codes {
		out = append(out, plain(labels[c]))
	}
	return out
}

// quote is the person's own words, or nil when there are none.
func quote(s string) *block {
	ps := paragraphs(s)
	if len(ps) == 0 {
		return nil
	}
	b := block{Kind: quoteBlock}
	for _, p := range ps {
		b.Lines = append(b.Lines, free(p))
	}
	return &b
}

// build turns a validated letter into its content.
func build(l Letter) *document {
	d := &document{
		Kind:      l.Kind,
		Site:      l.Site,
		SiteName:  free(l.Site.Name),
		Date:      l.Date,
		Reference: oneLine(l.Reference),
	}
	switch l.Kind {
	case KindProvider:
		buildProvider(d, l)
	case KindPerson:
		buildPerson(d, l)
	case KindConcern:
		buildConcern(d, l)
	}
	return d
}

func dateRow(t time.Time) row {
	return row{Label: "Date", Value: []text{plain(t.Format("2 January 2006"))}, DateTime: t.Format("2006-01-02")}
}

// nameRows show the name, and in the HTML the Latin form beside a name the
// PDF cannot print (the PDF prints the Latin form as the name itself).
func nameRows(p Person) []row {
	rs := []row{field("Name", name(p))}
	if latin := latinName(p); !latin.empty() {
		rs = append(rs, row{Label: "Name in Latin letters", Value: []text{latin}, HTMLOnly: true})
	}
	return rs
}

// phone keeps a number on one line: its spaces become no-break spaces.
func phone(s string) text {
	t := free(s)
	for i := range t {
		if !t[i].Foreign {
			t[i].Text = strings.ReplaceAll(t[i].Text, " ", "\u00a0")
		}
	}
	return t
}

func navigatorRows(n Navigator) []row {
	rs := []row{field("Navigator", free(n.Name)), field("Phone", phone(n.Phone))}
	if e := oneLine(n.Email); e != "" {
		rs = append(rs, field("Email", free(e)))
	}
	return rs
}

// safeContact says how the person may be contacted, and never who must not
// be: the letters carry only that there is such a person.
func safeContact(sc SafeContact, who text) []block {
	yesNo := func(ok bool, yes, no string) text {
		if ok {
			return plain(yes)
		}
		return plain(no)
	}
	times := plain("Not given: ask the navigator")
	if t := free(sc.Times); !t.empty() {
		times = t
	}
	phoneLine := yesNo(sc.Phone, "Yes, it is safe to phone", "No, do not phone")
	if sc.Phone && sc.PhoneNumber != "" {
		phoneLine = join(plain("Yes, it is safe to phone: "), phone(sc.PhoneNumber))
	}
	bs := []block{rows(
		field("Phone", phoneLine),
		field("Post", yesNo(sc.Post, "Yes, it is safe to write to their home", "No, do not write to their home")),
		field("Visit", yesNo(sc.Visit, "Yes, it is safe to visit their home", "No, do not visit their home")),
		field("Safe times", times),
	)}
	if !sc.Phone && !sc.Post && !sc.Visit {
		bs = append(bs, important(plain("No safe way to contact "), who, plain(" has been confirmed yet. Do not phone, write or visit until the navigator confirms how.")))
	}
	if sc.HasDoNotContact {
		bs = append(bs, important(plain("There is someone who must not be contacted or told about this. Contact "), who,
			plain(" only in the safe ways above. If anyone else answers, do not say who you are or why you are calling, and do not leave a message.")))
	}
	return bs
}

func buildProvider(d *document, l Letter) {
	who := name(l.Person)
	svc := free(l.Service.Name)
	d.Title = "Referral " + d.Reference + " – " + oneLine(l.Site.Name)
	d.Heading = join(plain("Referral to "), svc)
	d.Marking = "OFFICIAL-SENSITIVE"
	d.Recipient = []text{free(l.Service.Organisation), svc}
	d.Meta = append([]row{dateRow(l.Date), field("Our reference", free(d.Reference))}, navigatorRows(l.Navigator)...)

	about := []block{rows(nameRows(l.Person)...)}
	if q := quote(l.Wishes); q != nil {
		about = append(about, para(plain("In their own words, what they would like:")), *q)
	} else {
		about = append(about, para(plain("They have not shared anything more about what they would like.")))
	}
	support := para(plain("They have not asked for support to attend."))
	if s := freeAll(l.Service.SupportToAttend); len(s) > 0 {
		support = list(s)
	}
	reply := []block{para(plain("Please tell us whether you can accept this referral using the secure link in our email."))}
	if l.ReplyURL != "" {
		reply = []block{para(plain("Please tell us whether you can accept this referral using this secure link: "), text{{Text: l.ReplyURL, Link: l.ReplyURL}})}
	}
	if code := oneLine(l.ReplyCode); code != "" {
		reply = append(reply, important(plain("Or go to "), text{{Text: l.CodeURL, Link: l.CodeURL}}, plain(" and type this code: "), plain(code)))
	}
	opening := para(plain("We would like to refer "), who, plain(" to "), svc, plain(". They have agreed that we can share the information in this letter with you."))
	if l.BestInterest {
		opening = para(plain("We would like to refer "), who, plain(" to "), svc, plain(". They could not make this decision themselves, so we made this referral in their best interests, after talking with the people who know them. Please involve them in every decision as far as they can be."))
	}
	if l.Service.VisitsAtHome {
		support = list(append([]text{plain("Please visit them at home: your service visits people at home.")}, freeAll(l.Service.SupportToAttend)...))
	}
	d.Sections = []section{
		{Blocks: []block{
			opening,
		}},
		{Heading: plain("About the person"), Blocks: about},
		{Heading: plain("Support to attend"), Blocks: []block{support}},
		{Heading: plain("How to contact them safely"), Blocks: safeContact(l.SafeContact, who)},
		{Heading: plain("How to reply"), Blocks: append(reply,
			para(plain("The link is for this referral only. If you have questions, call "), free(l.Navigator.Name), plain(" on "), phone(l.Navigator.Phone), plain(".")),
		)},
		{Heading: plain("Your contact"), Blocks: []block{rows(navigatorRows(l.Navigator)...)}},
		{Blocks: []block{
			para(plain("This letter contains personal information. Keep it secure and share it only with people who need it to support "), who, plain(".")),
			para(plain("Thank you for your help.")),
			signOff(l),
		}},
	}
}

// signOff is signed by the navigator by name, with their number.
func signOff(l Letter) block {
	lines := []text{
		plain("Yours sincerely,"),
		free(l.Navigator.Name),
		join(plain("Community navigator, "), free(l.Site.Name)),
	}
	if p := phone(l.Navigator.Phone); !p.empty() {
		lines = append(lines, join(plain("Phone: "), p))
	}
	return block{Kind: paraBlock, Lines: lines}
}

func buildPerson(d *document, l Letter) {
	nav, tel := free(l.Navigator.Name), phone(l.Navigator.Phone)
	svc := free(l.Service.Name)
	heading := "Who we have asked to help you"
	if l.ProviderAgreed {
		heading = "What we have arranged for you"
	}
	d.Title = heading + " – " + oneLine(l.Site.Name)
	d.Heading = plain(heading)
	d.Large = l.LargePrint
	d.Recipient = append([]text{name(l.Person)}, freeAll(l.Person.Address)...)
	d.Meta = []row{dateRow(l.Date), field("Our reference", free(d.Reference)), field("Please call", join(nav, plain(" on "), tel))}

	runBy := text{}
	if org := free(l.Service.Organisation); !org.empty() {
		runBy = join(plain(", run by "), org, plain(","))
	}
	// Nothing is arranged until the service agrees: until then the person
	// is told who was asked to contact them.
	arranged := join(plain("Thank you for talking with us. As we agreed, we have asked "), svc, runBy, plain(" to contact you."))
	if l.ProviderAgreed {
		arranged = join(plain("Thank you for talking with us. As we agreed, we asked "), svc, runBy, plain(" to support you, and they have agreed."))
	}
	if l.Service.VisitsAtHome {
		arranged = join(arranged, plain(" They will visit you at home: you do not need to go anywhere."))
	}
	secs := []section{{Blocks: []block{
		para(plain("Dear "), name(l.Person), plain(",")),
		para(arranged),
	}}}
	if desc := paragraphs(l.Service.Description); len(desc) > 0 {
		var bs []block
		for _, p := range desc {
			bs = append(bs, para(free(p)))
		}
		secs = append(secs, section{Heading: plain("What it is"), Blocks: bs})
	}
	var when []row
	if s := free(l.Service.Schedule); !s.empty() {
		when = append(when, field("When", s))
	}
	if l.Service.VisitsAtHome {
		when = append(when, field("Where", plain("At your home: they will visit you")))
	} else if a := free(l.Service.Address); !a.empty() {
		when = append(when, field("Where", a))
	}
	if len(when) > 0 {
		secs = append(secs, section{Heading: plain("When and where"), Blocks: []block{rows(when...)}})
	}
	cost := para(plain("Please ask "), nav, plain(" if there is a cost."))
	if c := free(l.Service.Cost); !c.empty() {
		cost = para(c)
	}
	getThere := []block{para(plain("If you would like help to get there, please call "), nav, plain(" on "), tel, plain("."))}
	if s := freeAll(l.Service.SupportToAttend); len(s) > 0 {
		getThere = []block{para(plain("To help you take part, the service offers:")), list(s)}
	}
	if l.Service.VisitsAtHome {
		getThere = []block{para(plain("You do not need to go anywhere: they will come to you."))}
	}
	call := []block{para(plain("If you have any questions, please call "), nav, plain(" on "), tel, plain("."))}
	if e := free(l.Navigator.Email); !e.empty() {
		call = append(call, para(plain("You can also email "), e, plain(".")))
	}
	secs = append(secs,
		section{Heading: plain("Cost"), Blocks: []block{cost}},
		section{Heading: plain("Getting there"), Blocks: getThere},
		section{Heading: plain("Who to call"), Blocks: call},
		section{Heading: plain("It is your choice"), Blocks: []block{
			para(plain("You can say no, or change your mind at any time. Just call "), nav, plain(" on "), tel, plain(".")),
			para(plain("Saying no will not change any other help you get.")),
		}},
		section{Blocks: []block{signOff(l)}},
	)
	d.Sections = secs
}

func buildConcern(d *document, l Letter) {
	c := l.Concern
	ref := oneLine(c.Reference)
	d.Title = "Safeguarding concern " + ref + " – " + oneLine(l.Site.Name)
	d.Heading = plain("Adult safeguarding concern")
	d.Marking = "OFFICIAL-SENSITIVE"
	d.Reference = ref
	d.Recipient = []text{plain("Adult safeguarding team"), free(l.Site.Name)}
	d.Meta = []row{dateRow(l.Date), field("Concern reference", free(ref))}
	if !c.RaisedAt.IsZero() {
		at := c.RaisedAt.In(kith.London)
		d.Meta = append(d.Meta, row{Label: "Raised", Value: []text{plain(at.Format("2 January 2006 at 15:04"))}, DateTime: c.RaisedAt.UTC().Format(time.RFC3339)})
	}
	if r := oneLine(l.Reference); r != "" && r != ref {
		d.Meta = append(d.Meta, field("Referral reference", free(r)))
	}
	d.Meta = append(d.Meta, field("Site", free(l.Site.Name)))

	person := rows(nameRows(l.Person)...)
	if addr := freeAll(l.Person.Address); len(addr) > 0 {
		person.Rows = append(person.Rows, field("Address", addr...))
	}
	abuse := field("Abuse or neglect indicated", plain("No"))
	if c.AbuseIndicated {
		abuse = field("Abuse or neglect indicated", plain("Yes"))
	}
	limbs := []block{rows(
		field("Care and support needs", plain(answerLabels[c.CareAndSupportNeeds])),
		abuse,
		field("Unable to protect themselves", plain(answerLabels[c.UnableToProtectSelf])),
	)}
	if because := freeAll(c.AbuseBecause); len(because) > 0 {
		limbs = append(limbs, para(plain("Abuse or neglect is indicated because:")), list(because))
	}
	limbs = append(limbs, para(plain("The council applies the section 42 test. Whether the person can protect themselves is recorded here as the visitor saw it; it did not decide whether this concern was raised.")))

	var risks []text
	for _, code := range c.TypesOfRisk {
		risks = append(risks, plain(riskLabels[code]))
	}
	wishes := []block{para(plain("Not recorded."))}
	if q := quote(l.Wishes); q != nil {
		wishes = []block{para(plain("In their own words:")), *q}
	}
	if outcomes := freeAll(l.DesiredOutcomes); len(outcomes) > 0 {
		wishes = append(wishes, para(plain("The outcomes they want:")), list(outcomes))
	}
	observer := []row{
		field("Name", orNotRecorded(free(c.Observer.Name))),
		field("Number to call back", orNotRecorded(phone(c.Observer.Phone))),
		field("Role", orNotRecorded(free(c.Observer.Role))),
		field("Organisation", orNotRecorded(free(c.Observer.Organisation))),
		field("Agency", orNotRecorded(plain(agencyLabels[c.Observer.Agency]))),
	}
	var team []text
	if p := phone(l.Site.SafeguardingPhone); !p.empty() {
		team = append(team, join(plain("Phone: "), p))
	}
	if e := free(l.Site.SafeguardingEmail); !e.empty() {
		team = append(team, join(plain("Email: "), e))
	}

	doNotContact := []block{para(plain("No one was named."))}
	if who := oneLine(c.DoNotContact); who != "" {
		doNotContact = []block{important(plain("Do not contact or tell: "), free(who)),
			para(plain("They must not be contacted, told or consulted about this concern."))}
	}
	d.Sections = []section{
		{Heading: plain("The person"), Blocks: []block{person}},
		{Heading: plain("Who must not be contacted"), Blocks: doNotContact},
		{Heading: plain("Safeguarding action"), Blocks: []block{
			rows(field("Action", plain(actionLabels[c.Action]))),
			para(plain("Reasons:")),
			orNone(freeAll(c.Reasons)),
		}},
		{Heading: plain("Care Act 2014 section 42, as the visitor recorded it"), Blocks: limbs},
		{Heading: plain("Types of risk"), Blocks: []block{orNone(risks)}},
		{Heading: plain("Basis for sharing"), Blocks: []block{orNone(labelled(c.ShareBasis, basisLabels))}},
		{Heading: plain("What the visitor noticed"), Blocks: []block{orNone(freeAll(c.Noticed))}},
		{Heading: plain("Others at risk"), Blocks: othersAtRisk(c)},
		{Heading: plain("Where and who"), Blocks: []block{rows(
			field("Location of risk", orNotYetKnown(plain(locationLabels[c.LocationOfRisk]))),
			field("Source of risk", orNotYetKnown(plain(sourceLabels[c.SourceOfRisk]))),
		)}},
		{Heading: plain("Other routes the visitor was given"), Blocks: []block{orNone(freeAll(c.Routes))}},
		{Heading: plain("Safe contact"), Blocks: safeContact(l.SafeContact, plain("the person"))},
		{Heading: plain("The person’s wishes"), Blocks: wishes},
		{Heading: plain("Raised by"), Blocks: []block{rows(observer...)}},
	}
	if len(team) > 0 {
		d.Sections = append(d.Sections, section{Heading: plain("Adult safeguarding team"), Blocks: []block{block{Kind: paraBlock, Lines: team}}})
	}
}

// orNone is a list, or "None recorded." when it is empty.
func orNone(items []text) block {
	if len(items) == 0 {
		return para(plain("None recorded."))
	}
	return list(items)
}

// othersAtRisk names who else may be at risk and, where the service worked
// it out from the answers, why.
func othersAtRisk(c *Concern) []block {
	out := []block{orNone(labelled(c.OthersAtRisk, othersLabels))}
	if reasons := freeAll(c.OthersReasons); len(c.OthersAtRisk) > 0 && len(reasons) > 0 {
		out = append(out, para(plain("Why:")), list(reasons))
	}
	return out
}

// orNotYetKnown marks what the visitor did not say, for the safeguarding
// team to complete: it is never invented.
func orNotYetKnown(t text) text {
	if t.empty() {
		return plain("Not yet known: to be completed by the safeguarding team")
	}
	return t
}

func orNotRecorded(t text) text {
	if t.empty() {
		return plain("Not recorded")
	}
	return t
}

// Plain labels for the codes a concern carries.
var (
	actionLabels = map[string]string{
		"emergency":     "Emergency: the person was in immediate danger",
		"raise_concern": "Raise a safeguarding concern",
		"discuss":       "Discuss with a manager or the safeguarding advice line",
		"none":          "No safeguarding action indicated",
	}
	answerLabels = map[string]string{"yes": "Yes", "no": "No", "unsure": "Unsure"}
	// The national Safeguarding Adults Collection types of risk.
	riskLabels = map[string]string{
		"physical":                     "Physical abuse",
		"sexual":                       "Sexual abuse",
		"psychological":                "Psychological abuse",
		"financial_or_material":        "Financial or material abuse",
		"discriminatory":               "Discriminatory abuse",
		"organisational":               "Organisational abuse",
		"neglect_and_acts_of_omission": "Neglect and acts of omission",
		"domestic_abuse":               "Domestic abuse",
		"sexual_exploitation":          "Sexual exploitation",
		"modern_slavery":               "Modern slavery",
		"self_neglect":                 "Self-neglect",
	}
	// A capacity concern justifies sharing; it never records that the person
	// lacks capacity, so the label says concern.
	basisLabels = map[string]string{
		"consent":                       "The person consented to sharing",
		"others_at_risk":                "Others are at risk",
		"capacity_concern":              "A concern about the person’s capacity to make this decision",
		"crime_suspected":               "A serious crime is suspected, or sharing could prevent one",
		"consent_not_safely_obtainable": "It was not safe or not possible to ask the person, and abuse or neglect is indicated",
		"coercion":                      "Signs of coercion or control",
		"staff_or_provider_implicated":  "Staff or a care provider may be involved",
		"high_risk_domestic_abuse":      "A high domestic abuse risk (the MARAC threshold)",
		"risk_to_life":                  "Risk to life",
	}
	locationLabels = map[string]string{
		"own_home": "The person’s own home", "in_the_community": "In the community (not a community service)",
		"community_service": "A community service", "care_home_nursing": "A care home with nursing",
		"care_home_residential": "A residential care home", "hospital_acute": "An acute hospital",
		"hospital_mental_health": "A mental health hospital", "hospital_community": "A community hospital", "other": "Somewhere else",
	}
	sourceLabels = map[string]string{
		"service_provider": "A paid care or support provider", "other_known_to_individual": "Someone known to the person",
		"other_unknown_to_individual": "Someone not known to the person",
	}
	othersLabels = map[string]string{"child": "A child", "adult": "Another adult", "public": "The public"}
	agencyLabels = map[string]string{
		"home_care":        "Home care",
		"fire_service":     "Fire and rescue service",
		"housing":          "Housing",
		"police":           "Police",
		"ambulance":        "Ambulance service",
		"primary_care":     "Primary care",
		"pharmacy":         "Pharmacy",
		"voluntary_sector": "Voluntary or community sector",
		"other":            "Other",
	}
)
