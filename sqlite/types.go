package sqlite

import "github.com/kith-project/kith/app"

// The application's types the stores take and return (package app owns
// them), named here so the queries read as before.
type (
	Location         = app.Location
	NewScreening     = app.NewScreening
	StoredScreening  = app.StoredScreening
	PathwayOutcome   = app.PathwayOutcome
	ScreeningFilter  = app.ScreeningFilter
	ScreeningSummary = app.ScreeningSummary
	Postcode         = app.Postcode
	ServiceFilter    = app.ServiceFilter
	SearchHit        = app.SearchHit
	Search           = app.Search
	Message          = app.Message
	BestInterest     = app.BestInterest
	PathwaySummary   = app.PathwaySummary
	ReferralFilter   = app.ReferralFilter
	TransitionResult = app.TransitionResult
	Concern          = app.Concern
	ReportFilter     = app.ReportFilter
)
