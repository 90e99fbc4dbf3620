package postgres

import "github.com/kith-project/kith/app"

// PartialStores returns the stores implemented so far, the others nil. It
// is for the conformance tests of a backend still being built and is
// never handed to the service: cmd/kith does not choose PostgreSQL until
// every store passes the suite.
func (db *DB) PartialStores() app.Stores {
	var st app.Stores
	var d any = db
	st.Sites, _ = d.(app.SiteStore)
	st.Users, _ = d.(app.UserStore)
	st.Tokens, _ = d.(app.TokenStore)
	st.Sessions, _ = d.(app.SessionStore)
	st.Secrets, _ = d.(app.SecretStore)
	st.Audit, _ = d.(app.AuditStore)
	st.Screenings, _ = d.(app.ScreeningStore)
	st.Postcodes, _ = d.(app.PostcodeStore)
	st.Referrals, _ = d.(app.ReferralStore)
	st.Concerns, _ = d.(app.ConcernStore)
	st.Directory, _ = d.(app.DirectoryStore)
	st.Pathways, _ = d.(app.PathwayStore)
	st.Outbox, _ = d.(app.OutboxStore)
	st.Reports, _ = d.(app.ReportStore)
	st.Exports, _ = d.(app.ExportStore)
	st.Health, _ = d.(app.HealthStore)
	st.Reviews, _ = d.(app.ReviewStore)
	st.Lock, _ = d.(app.Locker)
	return st
}
