package kith

import "time"

// Role is what a signed-in person or API token may do within its site.
type Role string

const (
	RoleVisitor   Role = "visitor"   // home-visit staff: screens people
	RoleNavigator Role = "navigator" // works referrals
	RoleLead      Role = "lead"      // site admin: directory, pathways, reports, users
	// RoleSafeguarding is the council's safeguarding officer (the front
	// door): receives every raised concern and records the council's
	// decision and outcome.
	RoleSafeguarding Role = "safeguarding"
)

// Roles lists every role, lowest first (the safeguarding officer's is
// beside the others, not above them).
var Roles = []Role{RoleVisitor, RoleNavigator, RoleSafeguarding, RoleLead}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Actor is who is doing something, and where the request came from. Every
// store method that reads or changes personal data takes one so the audit
// row it writes names the actor, the site and the request.
type Actor struct {
	Site string // the site the actor belongs to; every query is scoped by it
	Kind string // "user", "token", "cli", "system" or "provider"
	ID   string // user id, token id, or a name for cli/system
	// UserID is the person behind the actor: the user, or the user who
	// made the token (0: none, e.g. a token made on the command line).
	UserID    int64
	Role      Role
	RequestID string
	IP        string
}

// Ref is how the actor is written in the audit trail, e.g. "user:12".
func (a Actor) Ref() string { return a.Kind + ":" + a.ID }

// Site is a tenant: a council or innovation site. No site ever sees another's data.
type Site struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	CreatedAt time.Time    `json:"created_at"`
	Settings  SiteSettings `json:"settings"`
}

// SiteSettings are the site's own values that the service uses in its
// wording and rules. They are data, not configuration: a lead changes them.
type SiteSettings struct {
	// SafeguardingPhone is the adult safeguarding team's number, shown to a
	// visitor whenever a concern must be raised.
	SafeguardingPhone string `json:"safeguarding_phone" validate:"max=40"`
	// SafeguardingEmail is where concern summaries go.
	SafeguardingEmail string `json:"safeguarding_email" validate:"omitempty,email,max=200"`
	// FraudService and FraudPhone name the national fraud reporting service
	// a visitor is told to report fraud and scams to; empty means Report
	// Fraud (0300 123 2040).
	FraudService string `json:"fraud_service,omitempty" validate:"max=100"`
	FraudPhone   string `json:"fraud_phone,omitempty" validate:"max=40"`
	// NavigatorPhone and NavigatorEmail are how people and providers reach
	// the community navigator team; letters carry them.
	NavigatorPhone string `json:"navigator_phone" validate:"max=40"`
	NavigatorEmail string `json:"navigator_email" validate:"omitempty,email,max=200"`
	// Colour is the site's brand colour (#rrggbb) used on pages and letters.
	Colour string `json:"colour" validate:"omitempty,hexcolor"`
	// Categories are the site's own asset categories, beside the standard
	// ones (lower_snake_case codes).
	Categories []string `json:"categories,omitempty" validate:"max=50,dive,max=60"`
	// UnitCosts are the site's own costs and assumptions behind the
	// costs-avoided estimate in its reports.
	UnitCosts []CostItem `json:"unit_costs,omitempty" validate:"max=30,dive"`
	// Timers are the referral timers in working days (nudge the provider,
	// flag overdue, expire); zero means the default 3, 6 and 10.
	Timers ReferralTimers `json:"timers"`
	// RetentionDays is how long closed records keep personal data.
	RetentionDays int `json:"retention_days,omitempty" validate:"omitempty,min=30,max=36500"`
}

// ReferralTimers are a site's referral timers in working days.
type ReferralTimers struct {
	NudgeAfter   int `json:"nudge_after" validate:"omitempty,min=1,max=60"`
	OverdueAfter int `json:"overdue_after" validate:"omitempty,min=1,max=60,gtefield=NudgeAfter"`
	ExpireAfter  int `json:"expire_after" validate:"omitempty,min=1,max=120,gtefield=OverdueAfter"`
}

// CostItem is one kind of avoided event, with the site's unit cost and its
// assumptions about how often engagement avoids one. These are assumptions
// the site owns and must be able to defend; the report says so.
type CostItem struct {
	Name        string  `json:"name" validate:"required,max=200"`
	UnitCost    float64 `json:"unit_cost" validate:"gte=0,lte=10000000"`
	Driver      string  `json:"driver" validate:"required,oneof=engaged_referrals closed_referrals screenings"`
	RateLow     float64 `json:"rate_low" validate:"gte=0,lte=10"`
	RateCentral float64 `json:"rate_central" validate:"gte=0,lte=10"`
	RateHigh    float64 `json:"rate_high" validate:"gte=0,lte=10"`
	Source      string  `json:"source" validate:"max=1000"`
}

// User is a person who signs in.
type User struct {
	ID    int64  `json:"id"`
	Site  string `json:"site"`
	Email string `json:"email"`
	// DisplayName is how colleagues see them (set by the lead); the email
	// stands in until it is set.
	DisplayName string    `json:"display_name"`
	Role        Role      `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
	// SSO says the person signs in through the site's OpenID provider.
	SSO bool `json:"-"`
}

// Name is how the user is shown to colleagues.
func (u User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Email
}

// Token is an API bearer token. Only a hash of the secret is ever stored.
type Token struct {
	ID        int64     `json:"id"`
	Site      string    `json:"site"`
	Role      Role      `json:"role"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// UserID is who made it; nil for a token made on the command line.
	UserID *int64 `json:"user_id"`
	// ExpiresAt is when it stops working.
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// AuditEntry is one row of the append-only audit trail.
type AuditEntry struct {
	ID        int64     `json:"id"`
	Site      string    `json:"site"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  string    `json:"entity_id"`
	RequestID string    `json:"request_id"`
	IP        string    `json:"ip"`
}

// AuditFilter selects audit rows. Zero values do not filter.
type AuditFilter struct {
	Entity   string
	EntityID string
	Actor    string
	From, To time.Time
	Page     Page
}

// Page is a validated page request: Number from 1, Size 1 to 100.
type Page struct {
	Number int
	Size   int
}

// Offset is the number of rows before this page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }
