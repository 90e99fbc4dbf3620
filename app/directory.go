package app

import (
	"context"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
)

// The directory of community services. Reading a site's directory needs no
// permission beyond knowing the site (the open Open Referral feed reads the
// published part of it); changing it is for the site's lead.

// Service reads one service of a site.
func (a *App) Service(ctx context.Context, site, id string) (assets.Service, error) {
	return a.st.Directory.Service(ctx, site, id)
}

// ListServices lists a site's services.
func (a *App) ListServices(ctx context.Context, site string, f ServiceFilter) ([]assets.Service, int, error) {
	return a.st.Directory.ListServices(ctx, site, f)
}

// SearchServices searches a site's directory.
func (a *App) SearchServices(ctx context.Context, site string, s Search) ([]SearchHit, int, error) {
	return a.st.Directory.SearchServices(ctx, site, s)
}

// CountServicesInCategory counts a site's live services in a category.
func (a *App) CountServicesInCategory(ctx context.Context, site, category string) (int, error) {
	return a.st.Directory.CountServicesInCategory(ctx, site, category)
}

// CreateService adds a service to the actor's site's directory.
func (a *App) CreateService(ctx context.Context, act kith.Actor, s *assets.Service) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	return a.st.Directory.CreateService(ctx, act, s)
}

// UpdateService changes a service.
func (a *App) UpdateService(ctx context.Context, act kith.Actor, s *assets.Service) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	return a.st.Directory.UpdateService(ctx, act, s)
}

// DeleteService marks a service deleted (referrals to it keep it).
func (a *App) DeleteService(ctx context.Context, act kith.Actor, id string) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	return a.st.Directory.DeleteService(ctx, act, id)
}

// ImportServices adds or updates services from an import.
func (a *App) ImportServices(ctx context.Context, act kith.Actor, svcs []assets.Service) (created, updated int, err error) {
	if err := Authorize(act, Administer); err != nil {
		return 0, 0, err
	}
	return a.st.Directory.ImportServices(ctx, act, svcs)
}

// ConfirmService records that a service's details are still right, as of
// today. act is the lead, or the service's contact holding a checked
// signed link for it (Kind "provider"; the link names the service).
func (a *App) ConfirmService(ctx context.Context, act kith.Actor, id string) (assets.Service, error) {
	if act.Kind != "provider" {
		if err := Authorize(act, Administer); err != nil {
			return assets.Service{}, err
		}
	}
	return a.st.Directory.ConfirmService(ctx, act, id, a.Now())
}
