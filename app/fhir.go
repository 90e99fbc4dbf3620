package app

import (
	"context"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/fhir"
)

// ReferralTask is the referral as a FHIR R4 Task under the Gravity
// referral-management profile, for a council's other systems. It holds the
// person's name (a read of personal data, audited like the referral's own
// read) and nothing a provider may not see about safe contact.
func (a *App) ReferralTask(ctx context.Context, act kith.Actor, id, baseURL string) (fhir.Task, error) {
	if err := Authorize(act, Navigate); err != nil {
		return fhir.Task{}, err
	}
	r, err := a.referral(ctx, act, id)
	if err != nil {
		return fhir.Task{}, err
	}
	site, err := a.st.Sites.Site(ctx, act.Site)
	if err != nil {
		return fhir.Task{}, err
	}
	return fhir.ReferralTask(fhir.TaskInput{Referral: r, BaseURL: baseURL, SiteID: site.ID, SiteName: site.Name}), nil
}
