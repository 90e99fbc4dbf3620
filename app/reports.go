package app

import (
	"context"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/reports"
)

// Summary is the site's evaluation for the filter's period, with its own
// unit costs behind the costs avoided; the read is audited as what (and
// id) say, e.g. "report" or a CSV's name.
func (a *App) Summary(ctx context.Context, act kith.Actor, f ReportFilter, what, id string) (reports.Summary, error) {
	if err := Authorize(act, Administer); err != nil {
		return reports.Summary{}, err
	}
	site, err := a.st.Sites.Site(ctx, act.Site)
	if err != nil {
		return reports.Summary{}, err
	}
	sum, err := a.st.Reports.Summary(ctx, act, f, site.Settings.UnitCosts)
	if err != nil {
		return sum, err
	}
	return sum, a.st.Audit.AuditRead(ctx, act, what, id)
}

// ResearchRows are the rows of the pseudonymised research extract
// (reports.ResearchRows), under the site's own pseudonym key; the read is
// audited before the rows are returned.
func (a *App) ResearchRows(ctx context.Context, act kith.Actor, from, to time.Time) ([][]string, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, err
	}
	key, err := a.st.Secrets.Secret(ctx, "pseudonym:"+act.Site)
	if err != nil {
		return nil, err
	}
	list, err := a.st.Exports.ResearchData(ctx, act, from, to)
	if err != nil {
		return nil, err
	}
	if err := a.st.Audit.AuditRead(ctx, act, "export:research", ""); err != nil {
		return nil, err
	}
	return reports.ResearchRows(key, act.Site, list), nil
}
