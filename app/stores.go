package app

import (
	"context"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
	"github.com/kith-project/kith/screening"
)

// The store interfaces, one per aggregate. A backend implements them all
// (package sqlite does; storetest.Run is what any backend must pass). They
// hold no rules: who may do what is decided in this package before a store
// is called; a store keeps every row scoped to the actor's or the named
// site, writes the audit row for a change in the change's transaction, and
// maps a UNIQUE violation to kith.ECONFLICT and a missing row to
// kith.ENOTFOUND.

// SiteStore keeps sites and their settings.
type SiteStore interface {
	// CreateSite adds a site and its first pathway in one transaction.
	CreateSite(ctx context.Context, a kith.Actor, s SiteToCreate) error
	Site(ctx context.Context, id string) (kith.Site, error)
	UpdateSiteSettings(ctx context.Context, a kith.Actor, name string, settings kith.SiteSettings) error
}

// UserStore keeps the people who sign in, with their password hashes.
type UserStore interface {
	CreateUser(ctx context.Context, a kith.Actor, email string, role kith.Role, passwordHash string) (kith.User, error)
	// Credentials finds an enabled user by email, with the password hash.
	Credentials(ctx context.Context, email string) (kith.User, string, error)
	ListUsers(ctx context.Context, site string, p kith.Page) ([]kith.User, int, error)
	DisableUser(ctx context.Context, a kith.Actor, id int64) error
	// SetDisplayName sets how a user of a's site is shown to colleagues.
	SetDisplayName(ctx context.Context, a kith.Actor, id int64, name string) error
	// People lists every user the site has had, disabled ones too, by name.
	People(ctx context.Context, site string) ([]Person, error)

	// SignInRecord finds an enabled user by email with what sign-in needs;
	// UserSignInRecord the same by site and id.
	SignInRecord(ctx context.Context, email string) (SignInRecord, error)
	UserSignInRecord(ctx context.Context, site string, id int64) (SignInRecord, error)
	// RecordSignInFailure counts a wrong password or code and locks the
	// account until lockedUntil (zero: not locked); ClearSignInFailures
	// forgets them after a sign-in.
	RecordSignInFailure(ctx context.Context, userID int64, lockedUntil time.Time) error
	ClearSignInFailures(ctx context.Context, userID int64) error
	// SetPassword replaces a user's password hash, forgets any reset link
	// and ends every session of theirs but keepSession (a session secret;
	// empty: end all).
	SetPassword(ctx context.Context, a kith.Actor, userID int64, hash, keepSession string) error
	// SetPasswordReset keeps the hash of a one-time reset link until
	// expires and ends the user's sessions; PasswordResetUser finds the
	// live link's user.
	SetPasswordReset(ctx context.Context, a kith.Actor, userID int64, linkHash []byte, expires time.Time) error
	PasswordResetUser(ctx context.Context, linkHash []byte) (kith.User, error)
	// SetPendingTOTP keeps a sealed key shown for enrolment; ConfirmTOTP
	// makes it the user's key and replaces their recovery codes.
	SetPendingTOTP(ctx context.Context, userID int64, sealed string) error
	ConfirmTOTP(ctx context.Context, a kith.Actor, userID int64, recoveryHashes [][]byte) error
	// UseTOTPStep records a code's time step; false when that step or a
	// later one was used already (a replayed code).
	UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	// UseRecoveryCode spends an unused recovery code; false when none matches.
	UseRecoveryCode(ctx context.Context, a kith.Actor, userID int64, hash []byte) (bool, error)
	// ResetTOTP removes a user's key and recovery codes and ends their
	// sessions: they enrol again at their next sign-in.
	ResetTOTP(ctx context.Context, a kith.Actor, userID int64) error
}

// OIDCStore keeps each site's OpenID provider and the accounts made by it.
type OIDCStore interface {
	SetOIDCProvider(ctx context.Context, a kith.Actor, p OIDCProvider) error
	// OIDCProvider reads a site's provider (kith.ENOTFOUND: none).
	OIDCProvider(ctx context.Context, site string) (OIDCProvider, error)
	OIDCSites(ctx context.Context) ([]kith.Site, error)
	SetRoleMapping(ctx context.Context, a kith.Actor, m map[string]kith.Role) error
	// UpsertOIDCUser finds a's site's account for issuer and subject, or
	// makes it (linking an account of the site with the same email that no
	// provider has claimed yet), and sets its role; a disabled account, or
	// an email used in another site, is refused.
	UpsertOIDCUser(ctx context.Context, a kith.Actor, issuer, subject, email string, role kith.Role) (kith.User, error)
}

// TokenStore keeps API tokens (only a hash of each secret).
type TokenStore interface {
	CreateToken(ctx context.Context, a kith.Actor, t TokenToCreate) (kith.Token, string, error)
	// Authenticate finds the token with this secret if it is not revoked,
	// not expired, and its owner (if any) is not disabled.
	Authenticate(ctx context.Context, secret string) (kith.Token, error)
	ListTokens(ctx context.Context, site string, p kith.Page) ([]kith.Token, int, error)
	RevokeToken(ctx context.Context, a kith.Actor, id int64) error
}

// SessionStore keeps sign-in sessions (only a hash of each secret).
type SessionStore interface {
	// CreateSession signs a user in until expires.
	CreateSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error)
	// SessionUser is the user of a live, fully signed-in session.
	SessionUser(ctx context.Context, secret string) (kith.User, error)
	// CreatePendingSession and PendingSessionUser are for a session whose
	// password was right but whose second factor is still to come.
	CreatePendingSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error)
	PendingSessionUser(ctx context.Context, secret string) (kith.User, error)
	DeleteSession(ctx context.Context, a kith.Actor, secret string) error
}

// SecretStore keeps the service's own keys, made on first use.
type SecretStore interface {
	Secret(ctx context.Context, name string) ([]byte, error)
}

// AuditStore is the append-only audit trail.
type AuditStore interface {
	// AuditRead records that a reads personal data (entity, entityID).
	AuditRead(ctx context.Context, a kith.Actor, entity, entityID string) error
	ListAudit(ctx context.Context, site string, f kith.AuditFilter) ([]kith.AuditEntry, int, error)
}

// ScreeningStore keeps screenings: the request as submitted, the result,
// where the person lives, and what the pathway made of it.
type ScreeningStore interface {
	// CreateScreening stores a screening, or returns the first one stored
	// under the same idempotency key in the site (created false); the same
	// key with a different RequestHash is kith.EINVALID. It returns only
	// once the screening is durable.
	CreateScreening(ctx context.Context, a kith.Actor, in NewScreening) (StoredScreening, bool, error)
	// Screening reads one screening of a's site and audits the read;
	// submittedBy, when not empty, limits it to screenings that actor
	// (kith.Actor.Ref) submitted.
	Screening(ctx context.Context, a kith.Actor, id, submittedBy string) (StoredScreening, error)
	// ScreeningRequest reads what was submitted and audits the read.
	ScreeningRequest(ctx context.Context, a kith.Actor, id string) (*screening.Request, error)
	ListScreenings(ctx context.Context, a kith.Actor, f ScreeningFilter) ([]ScreeningSummary, int, error)
	// NextAllocation counts a site's pilot allocations, 1, 2, 3, ...
	NextAllocation(ctx context.Context, site string) (int64, error)
	RecordBestInterest(ctx context.Context, a kith.Actor, screeningID string, b BestInterest) error
	// BestInterestDecision reads a screening's best-interest decision (nil:
	// none) and audits the read.
	BestInterestDecision(ctx context.Context, a kith.Actor, screeningID string) (*BestInterestRecord, error)
	BestInterestRefers(ctx context.Context, site, screeningID string) (bool, error)
	// BestInterest reads the decision recorded for a screening (false when
	// none is) and audits the read.
	BestInterest(ctx context.Context, a kith.Actor, screeningID string) (BestInterest, bool, error)
	// WaitingScreenings lists, oldest first, the screenings of a's site
	// with no referral yet where the person agreed to one, or their
	// capacity to decide is in doubt and no decision against referring is
	// recorded; it audits the listing.
	WaitingScreenings(ctx context.Context, a kith.Actor, p kith.Page) ([]WaitingScreening, int, error)
	// SetSharedWords stores what the navigator agreed to share with the
	// provider in place of the words the visitor wrote down.
	SetSharedWords(ctx context.Context, a kith.Actor, screeningID, words string) error
	// SharedWords reads them (false when the navigator set none).
	SharedWords(ctx context.Context, a kith.Actor, screeningID string) (string, bool, error)
}

// PostcodeStore locates postcodes (their centroids).
type PostcodeStore interface {
	LocatePostcode(ctx context.Context, pc string) (lat, lon float64, ok bool, err error)
}

// ReferralStore keeps referrals, their history, notes, attempts and tasks.
type ReferralStore interface {
	// CreateReferral opens a referral; the store refuses (kith.ECONFLICT)
	// one whose person neither agreed nor has a best-interest decision
	// (referral.OpenFrom, against the screening as it is in the
	// transaction). The screening's concern, if it has one not yet linked
	// to a referral, is linked to this one.
	CreateReferral(ctx context.Context, a kith.Actor, screeningID, serviceID string) (string, error)
	// Referral reads one referral with everything recorded on it. Timer
	// and Overdue are left for the caller (see App.withTimer).
	Referral(ctx context.Context, a kith.Actor, id string) (referral.Referral, error)
	// ListReferrals returns a page of the worklist in referral.Less order
	// as of now under th, and the number that match.
	ListReferrals(ctx context.Context, a kith.Actor, f ReferralFilter) ([]referral.Referral, int, error)
	// Histories reads the moves of a's site's referrals named by ids,
	// oldest first, keyed by referral (for the Task status of a worklist
	// page, whose rows carry no history).
	Histories(ctx context.Context, a kith.Actor, ids []string) (map[string][]referral.Entry, error)
	// ScreeningReferralIDs lists the referrals made from a screening.
	ScreeningReferralIDs(ctx context.Context, site, screeningID string) ([]string, error)
	// Transition applies a referral move (checked by referral.Plan inside
	// the store's transaction, against the row as it is then) and queues
	// the messages that go with it.
	// An escalation raises raise (with its message) when the screening
	// has no concern yet; otherwise it returns the concern it has.
	Transition(ctx context.Context, a kith.Actor, id string, m referral.Move, raise *NewConcern, queue ...Message) (TransitionResult, error)
	AddNote(ctx context.Context, a kith.Actor, id, note string) error
	// AddAttempt records a contact attempt; true when it was the third
	// unanswered one in a row, which raises a welfare check.
	AddAttempt(ctx context.Context, a kith.Actor, id, result, note string) (bool, error)
	// SentReferrals lists every site's referrals waiting on a provider,
	// with their sites, for the timers.
	SentReferrals(ctx context.Context) ([]SiteReferral, error)
	// OpenWork counts the open referrals of a's site assigned to assignee.
	OpenWork(ctx context.Context, a kith.Actor, assignee string) (int, error)
	// Reassign gives an open referral (referral.CheckReassign, against the
	// row in the transaction) to another colleague, with a history row.
	Reassign(ctx context.Context, a kith.Actor, id, assignee string) error
	// ReassignOpenWork reassigns every open referral assigned to from, in
	// one transaction, and says how many moved.
	ReassignOpenWork(ctx context.Context, a kith.Actor, from, to string) (int, error)
	// ProviderLink returns a referral's one provider link, making it with
	// code and expires the first time (a code in use is kith.ECONFLICT);
	// made for a referral that has ended, it is made revoked. A move that
	// referral.RevokesProviderLink revokes it in the move's transaction.
	ProviderLink(ctx context.Context, a kith.Actor, referralID, code string, expires time.Time) (ProviderLink, error)
	// ProviderLinkByCode finds a link in any site by its short code.
	ProviderLinkByCode(ctx context.Context, code string) (ProviderLink, error)
	// ProviderLinkFor reads a referral's link (false when it has none).
	ProviderLinkFor(ctx context.Context, site, referralID string) (ProviderLink, bool, error)
	// MarkNudged records a nudge, once per sending, and queues its message.
	MarkNudged(ctx context.Context, a kith.Actor, id string, queue ...Message) (bool, error)
}

// ConcernStore keeps safeguarding concerns and what the council said.
// A concern is raised in the transaction of what raised it (CreateScreening
// with NewScreening.Concern, Transition with raise): the store gives it the
// site's next reference (referral.ConcernReference) and queues its message.
type ConcernStore interface {
	// Concern reads one concern of a's site and audits the read.
	Concern(ctx context.Context, a kith.Actor, id string) (referral.Concern, error)
	ScreeningConcern(ctx context.Context, a kith.Actor, screeningID string) (referral.Concern, error)
	// ListConcerns lists a's site's concerns, newest first, and audits it.
	ListConcerns(ctx context.Context, a kith.Actor, f ConcernFilter) ([]referral.Concern, int, error)
	// RecordConcernOutcome stores the council's outcome o as given, with
	// the time, and the concern's location and source of risk as o has
	// them (the application decides them: referral.Concern.WithOutcome);
	// it returns the concern as stored.
	RecordConcernOutcome(ctx context.Context, a kith.Actor, id string, o referral.ConcernOutcome) (referral.Concern, error)
}

// DirectoryStore keeps each site's directory of services.
type DirectoryStore interface {
	ImportServices(ctx context.Context, a kith.Actor, svcs []assets.Service) (created, updated int, err error)
	CreateService(ctx context.Context, a kith.Actor, s *assets.Service) error
	UpdateService(ctx context.Context, a kith.Actor, s *assets.Service) error
	DeleteService(ctx context.Context, a kith.Actor, id string) error
	ConfirmService(ctx context.Context, a kith.Actor, id string, on time.Time) (assets.Service, error)
	Service(ctx context.Context, site, id string) (assets.Service, error)
	ListServices(ctx context.Context, site string, f ServiceFilter) ([]assets.Service, int, error)
	SearchServices(ctx context.Context, site string, s Search) ([]SearchHit, int, error)
	// Candidates are the live services in any of categories that reach
	// the person (assets.Reaches): a place within radiusKm, or no place at
	// all (telephone and online services), or any when the person's
	// location is unknown.
	Candidates(ctx context.Context, site string, categories []string, lat, lon *float64, radiusKm float64) ([]pathways.Candidate, error)
	CountServicesInCategory(ctx context.Context, site, category string) (int, error)
}

// PathwayStore keeps pathway versions (never changed once saved) and which
// is active.
type PathwayStore interface {
	SavePathwayVersion(ctx context.Context, a kith.Actor, id, name string, doc []byte) (pathways.Version, error)
	PathwayVersion(ctx context.Context, site, id string, version int) (pathways.Version, error)
	ListPathways(ctx context.Context, site string, p kith.Page) ([]PathwaySummary, int, error)
	ActivatePathway(ctx context.Context, a kith.Actor, act pathways.Active) error
	ActivePathway(ctx context.Context, site string) (pathways.Active, bool, error)
}

// OutboxStore keeps email waiting to be sent.
type OutboxStore interface {
	// PendingMessages lists up to limit unsent messages of site (every
	// site when empty), those tried fewest times first, then oldest,
	// leaving out any already tried maxAttempts times or more unless they
	// are UntilSent (0: none left out).
	// It hands nothing out: listing the outbox never delays a message.
	PendingMessages(ctx context.Context, site string, limit, maxAttempts int) ([]Message, error)
	// ClaimMessages hands the sender up to limit of every site's unsent
	// messages, in PendingMessages' order and with its maxAttempts rule.
	// Where several instances send from one database (PostgreSQL) a
	// message claimed is not handed out again until it is marked or its
	// claim lapses, and a failed one waits a while before it is tried
	// again; SQLite, where the job lease lets one process send, claims by
	// listing.
	ClaimMessages(ctx context.Context, limit, maxAttempts int) ([]Message, error)
	// MarkSent records a message as sent, or a failed attempt with its
	// error, and ends the claim on it.
	MarkSent(ctx context.Context, id int64, sendErr error) error
}

// ReportStore reads the evaluation summary from the store's aggregates.
type ReportStore interface {
	Summary(ctx context.Context, a kith.Actor, f ReportFilter, costs []kith.CostItem) (reports.Summary, error)
}

// ExportStore reads the rows of the CSV exports and applies retention.
type ExportStore interface {
	// ConcernsRaisedBetween lists the concerns raised in [from, to),
	// oldest first, for the concerns return.
	ConcernsRaisedBetween(ctx context.Context, a kith.Actor, from, to time.Time) ([]referral.Concern, error)
	// ResearchData reads the screenings made in [from, to), oldest first,
	// each with its referrals, for the research extract.
	ResearchData(ctx context.Context, a kith.Actor, from, to time.Time) ([]reports.ResearchScreening, error)
	// RetentionCandidates lists screenings of a's site made before cutoff
	// whose referrals are all final (or which have none) and whose data is
	// not yet redacted.
	RetentionCandidates(ctx context.Context, a kith.Actor, before time.Time) ([]RetentionItem, error)
	// Redact stores the redacted request and result of a screening and
	// clears the free text on its referrals, in one transaction, unless a
	// referral of it has reopened meanwhile.
	Redact(ctx context.Context, a kith.Actor, r Redaction) error
	// EverySiteSettings lists every site's settings, by site id, for the
	// jobs (retention reads each site's period with RetentionDays).
	EverySiteSettings(ctx context.Context) (map[string]kith.SiteSettings, error)
	// ExpireStaleReferrals moves to expired the referrals of a's site that
	// are not final, whose screening was made before cutoff and which have
	// not changed since, recording the move in their history; it returns
	// how many.
	ExpireStaleReferrals(ctx context.Context, a kith.Actor, before time.Time) (int, error)
	// ForgetRemoved makes sure text retention removed is gone from the
	// store's files too (SQLite: secure_delete, then a WAL checkpoint).
	ForgetRemoved(ctx context.Context) error
}

// HealthStore says whether the store is up and migrated.
type HealthStore interface {
	Ping(ctx context.Context) error
	MigrationsApplied(ctx context.Context) (bool, error)
}

// Stores is one backend: every store interface.
type Stores struct {
	Sites      SiteStore
	Users      UserStore
	Tokens     TokenStore
	Sessions   SessionStore
	Secrets    SecretStore
	Audit      AuditStore
	Screenings ScreeningStore
	Postcodes  PostcodeStore
	Referrals  ReferralStore
	Concerns   ConcernStore
	Directory  DirectoryStore
	Pathways   PathwayStore
	Outbox     OutboxStore
	Reports    ReportStore
	Exports    ExportStore
	Health     HealthStore
	OIDC       OIDCStore
	Reviews    ReviewStore
	// Lock is taken by the job runner before each job's run.
	Lock Locker
}
