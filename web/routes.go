package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes is the whole route table: one line per route, middleware per group.
func (s *Server) routes() {
	e := s.echo
	e.Pre(requestID())
	e.Use(s.requestLog, middleware.Recover(), secureHeaders(), refuseNUL, middleware.GzipWithConfig(middleware.GzipConfig{
		Level: 5, MinLength: 1024,
		// promhttp compresses /metrics itself; the API has its own level.
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/metrics" || isAPI(c) },
	}), middleware.GzipWithConfig(middleware.GzipConfig{
		// API answers at level 1: most of the saving on JSON for a third of
		// the CPU of level 5 (compressing a screening's answer at level 5
		// was an eighth of its CPU).
		Level: 1, MinLength: 1024,
		Skipper: func(c echo.Context) bool { return !isAPI(c) },
	}))
	e.GET("/static/*", s.serveStatic)
	e.GET("/sw.js", s.serveServiceWorker)

	// Probes and metrics: no token, no personal data.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler())

	// Directory imports are bigger than other bodies, so they sit outside
	// the 1 MiB group with a limit of their own.
	e.POST("/api/v1/assets/import", s.importAssets, s.authenticate, s.rateLimitAPI, leadOnly, bodyLimit("20M", "20 MiB"))

	api := e.Group("/api/v1", middleware.BodyLimit("1M"))
	api.GET("/openapi.json", s.openAPI)
	authed := api.Group("", s.authenticate, s.rateLimitAPI)
	authed.GET("/me", s.getMe, visitorUp)
	authed.GET("/site", s.getSite, visitorUp)
	authed.PUT("/site", s.updateSite, leadOnly)
	authed.GET("/audit", s.listAudit, leadOnly)
	authed.GET("/tokens", s.listTokens, leadOnly)
	authed.POST("/tokens", s.createToken, leadOnly)
	authed.DELETE("/tokens/:id", s.revokeToken, leadOnly)
	authed.GET("/users", s.listUsers, leadOnly)
	authed.POST("/users", s.createUser, leadOnly)
	authed.DELETE("/users/:id", s.disableUser, leadOnly)
	authed.GET("/screening/catalogue", s.getCatalogue, visitorUp)
	authed.POST("/screenings", s.createScreening, visitorUp)
	authed.GET("/screenings", s.listScreenings, navigatorUp)
	authed.GET("/screenings/:id", s.getScreening, visitorUp)
	authed.GET("/assets", s.listAssets, visitorUp)
	authed.POST("/assets", s.createAsset, leadOnly)
	authed.GET("/assets/search", s.searchAssets, visitorUp)
	authed.GET("/assets/stale", s.staleAssets, leadOnly)
	authed.GET("/assets/:id", s.getAsset, visitorUp)
	authed.PUT("/assets/:id", s.updateAsset, leadOnly)
	authed.DELETE("/assets/:id", s.deleteAsset, leadOnly)
	authed.GET("/pathways", s.listPathways, navigatorUp)
	authed.POST("/pathways", s.savePathway, leadOnly)
	authed.GET("/pathways/active", s.getActivePathway, navigatorUp)
	authed.POST("/pathways/preview", s.previewPathway, leadOnly)
	authed.GET("/pathways/:id/versions/:version", s.getPathwayVersion, navigatorUp)
	authed.POST("/pathways/:id/activate", s.activatePathway, leadOnly)
	authed.GET("/referrals", s.listReferrals, navigatorUp)
	authed.POST("/referrals", s.createReferral, navigatorUp)
	authed.GET("/referrals/:id", s.getReferral, navigatorUp)
	authed.GET("/referrals/:id/fhir", s.getReferralTask, navigatorUp)
	authed.POST("/referrals/:id/transitions", s.transitionReferral, navigatorUp)
	authed.POST("/referrals/:id/notes", s.addReferralNote, navigatorUp)
	authed.POST("/referrals/:id/contact-attempts", s.addContactAttempt, navigatorUp)
	authed.GET("/referrals/:id/letters/:file", s.getLetter, navigatorUp)
	authed.POST("/screenings/:id/best-interest", s.recordBestInterest, navigatorUp)
	authed.GET("/screenings/:id/recommendations", s.screeningRecommendations, navigatorUp)
	authed.GET("/outbox", s.listOutbox, leadOnly)
	authed.GET("/reports/summary", s.getSummary, leadOnly)
	authed.GET("/exports/concerns.csv", s.exportConcerns, leadOnly)
	authed.GET("/exports/research.csv", s.exportResearch, leadOnly)
	authed.GET("/screenings/:id/subject-access", s.subjectAccess, leadOnly)
	authed.GET("/screenings/:id/subject-access.pdf", s.subjectAccess, leadOnly)
	authed.GET("/screenings/:id/subject-access.html", s.subjectAccess, leadOnly)

	// The safeguarding front door (issue 16, items 5 and 6): the concerns
	// for safeguarding officers and leads, the council's decision, the
	// team's signed link to a concern summary, and the visitor's own page.
	authed.GET("/concerns", s.listConcerns, concernReaders)
	authed.POST("/concerns/:id/outcome", s.recordConcernOutcome, safeguardingUp)

	// The open Open Referral UK feed: no token, read-only, any origin.
	oruk := e.Group("/oruk/:site", middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: []string{"*"}, AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodOptions},
	}))
	oruk.GET("", s.orukRoot)
	oruk.GET("/", s.orukRoot)
	oruk.GET("/services", s.orukServices)
	oruk.GET("/services/:id", s.orukService)
	oruk.GET("/taxonomies", s.orukTaxonomies)
	oruk.GET("/taxonomy_terms", s.orukTaxonomyTerms)

	// Form bodies are bounded before the CSRF check reads them: 1 MiB, or
	// 20 MiB for a directory upload by a signed-in lead (pageBodyLimit).
	pages := e.Group("", s.pageBodyLimit, s.csrf(), refuseNULForm)
	pages.GET("/sign-in", s.signInPage)
	pages.POST("/sign-in", s.signIn)
	pages.GET("/sign-in/sso/callback", s.ssoCallback, noStore)
	pages.GET("/sign-in/sso/:site", s.ssoStart, noStore)
	pages.GET("/sign-in/code", s.signInCodePage, noStore)
	pages.POST("/sign-in/code", s.signInCode, noStore)
	pages.GET("/sign-in/enrol", s.signInEnrolPage, noStore)
	pages.POST("/sign-in/enrol", s.signInEnrol, noStore)
	pages.GET("/reset/:token", s.resetPasswordPage, noStore)
	pages.POST("/reset/:token", s.resetPassword, noStore)
	pages.POST("/sign-out", s.signOut)
	pages.GET("/account", s.accountPage, s.signedIn)
	pages.POST("/account/password", s.changePassword, s.signedIn)
	pages.GET("/account/mfa", s.accountMFAPage, s.signedIn)
	pages.POST("/account/mfa", s.accountMFA, s.signedIn)
	pages.GET("/", s.home, s.signedIn)
	pages.GET("/screen", s.screenPage, s.signedIn, visitorUp)
	pages.POST("/screen", s.submitScreenForm, s.signedIn, visitorUp)
	pages.GET("/screenings/:id", s.screeningResultPage, s.signedIn, visitorUp)
	pages.GET("/screenings/to-check", s.screeningsToCheckPage, s.signedIn, navigatorUp)
	pages.POST("/screenings/:id/review", s.checkScreeningReview, s.signedIn, navigatorUp)
	pages.GET("/worklist", s.worklistPage, s.signedIn, navigatorUp)
	pages.GET("/referrals/:id", s.referralPage, s.signedIn, navigatorUp)
	pages.POST("/referrals/:id", s.referralAction, s.signedIn, navigatorUp)
	pages.GET("/referrals/:id/letters/:file", s.getLetter, s.signedIn, navigatorUp)
	pages.GET("/screenings/:id/subject-access.pdf", s.subjectAccess, s.signedIn, leadOnly)
	pages.GET("/screenings/:id/subject-access.html", s.subjectAccess, s.signedIn, leadOnly)
	pages.GET("/directory", s.directoryPage, s.signedIn, navigatorUp)
	pages.GET("/reports", s.reportsPage, s.signedIn, leadOnly)
	pages.GET("/reports/:table", s.reportCSV, s.signedIn, leadOnly)
	pages.GET("/lead/directory", s.leadDirectoryPage, s.signedIn, leadOnly)
	pages.GET("/lead/directory/new", s.leadNewServicePage, s.signedIn, leadOnly)
	pages.POST("/lead/directory/new", s.leadCreateService, s.signedIn, leadOnly)
	pages.GET("/lead/directory/import", s.leadImportPage, s.signedIn, leadOnly)
	pages.POST("/lead/directory/import", s.leadImport, s.signedIn, leadOnly)
	pages.GET("/lead/directory/:id", s.leadServicePage, s.signedIn, leadOnly)
	pages.POST("/lead/directory/:id", s.leadUpdateService, s.signedIn, leadOnly)
	pages.POST("/lead/directory/:id/delete", s.leadDeleteService, s.signedIn, leadOnly)
	pages.GET("/lead/pathways", s.leadPathwaysPage, s.signedIn, leadOnly)
	pages.GET("/lead/pathways/:id", s.leadPathwayPage, s.signedIn, leadOnly)
	pages.POST("/lead/pathways/:id", s.leadSavePathway, s.signedIn, leadOnly)
	pages.POST("/lead/pathways/:id/preview", s.leadPreviewPathway, s.signedIn, leadOnly)
	pages.POST("/lead/pathways/:id/activate", s.leadActivatePathway, s.signedIn, leadOnly)
	pages.GET("/lead/users", s.leadUsersPage, s.signedIn, leadOnly)
	pages.POST("/lead/users", s.leadCreateUser, s.signedIn, leadOnly)
	pages.POST("/lead/users/:id/disable", s.leadDisableUser, s.signedIn, leadOnly)
	pages.POST("/lead/users/:id/reset", s.leadResetUser, s.signedIn, leadOnly)
	pages.GET("/lead/sign-in", s.leadSSOPage, s.signedIn, leadOnly)
	pages.POST("/lead/sign-in", s.leadSaveSSO, s.signedIn, leadOnly)
	pages.GET("/lead/tokens", s.leadTokensPage, s.signedIn, leadOnly)
	pages.POST("/lead/tokens", s.leadCreateToken, s.signedIn, leadOnly)
	pages.POST("/lead/tokens/:id/revoke", s.leadRevokeToken, s.signedIn, leadOnly)
	pages.GET("/lead/audit", s.leadAuditPage, s.signedIn, leadOnly)
	pages.GET("/lead/settings", s.leadSettingsPage, s.signedIn, leadOnly)
	pages.POST("/lead/settings", s.leadSaveSettings, s.signedIn, leadOnly)

	// The navigator's journey (issue 16): screenings waiting for a
	// referral, moves, reassignment and the provider's short code.
	pages.GET("/navigator/screenings", s.waitingPage, s.signedIn, navigatorUp)
	pages.GET("/navigator/screenings/:id", s.navScreeningPage, s.signedIn, navigatorUp)
	pages.POST("/navigator/screenings/:id", s.navScreeningAction, s.signedIn, navigatorUp)
	pages.GET("/referrals/:id/move/:to", s.movePage, s.signedIn, navigatorUp)
	pages.POST("/referrals/:id/move/:to", s.moveAction, s.signedIn, navigatorUp)
	pages.POST("/lead/users/:id/name", s.leadRenameUser, s.signedIn, leadOnly)
	pages.GET("/provider", s.providerCodePage, noStore)
	pages.POST("/provider", s.providerCode, noStore)

	pages.GET("/provider/:token", s.providerPage, noStore)
	pages.POST("/provider/:token", s.providerAnswer, noStore)
	pages.GET("/confirm/:token", s.confirmServicePage, noStore)
	pages.POST("/confirm/:token", s.confirmService, noStore)

	// The safeguarding front door (issue 16, items 5 and 6).
	pages.GET("/concerns", s.concernsPage, s.signedIn, safeguardingUp)
	pages.GET("/concerns/:id", s.concernPage, s.signedIn, safeguardingUp)
	pages.POST("/concerns/:id", s.recordConcernDecision, s.signedIn, safeguardingUp)
	pages.GET("/concerns/:id/:file", s.concernSummary, s.signedIn, safeguardingUp)
	pages.GET("/concerns-raised", s.raisedConcernsPage, s.signedIn, visitorUp)
	pages.GET("/concern-summary/:token", s.concernLinkSummary, noStore)
	pages.GET("/concern-summary/:token/summary.pdf", s.concernLinkSummary, noStore)
}
