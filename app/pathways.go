package app

import (
	"context"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
)

// Pathways: a site's documents of rules. Navigators read them (they
// explain a recommendation); leads save and activate them.

// ListPathways lists the site's pathways.
func (a *App) ListPathways(ctx context.Context, act kith.Actor, p kith.Page) ([]PathwaySummary, int, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, 0, err
	}
	return a.st.Pathways.ListPathways(ctx, act.Site, p)
}

// PathwayVersion reads one saved version of a pathway.
func (a *App) PathwayVersion(ctx context.Context, act kith.Actor, id string, version int) (pathways.Version, error) {
	if err := Authorize(act, Navigate); err != nil {
		return pathways.Version{}, err
	}
	return a.st.Pathways.PathwayVersion(ctx, act.Site, id, version)
}

// ActivePathway is the site's active pathway (and pilot), if any.
func (a *App) ActivePathway(ctx context.Context, act kith.Actor) (pathways.Active, bool, error) {
	if err := Authorize(act, Navigate); err != nil {
		return pathways.Active{}, false, err
	}
	return a.st.Pathways.ActivePathway(ctx, act.Site)
}

// SavePathwayVersion stores a new version of a pathway (a compiled,
// canonical document).
func (a *App) SavePathwayVersion(ctx context.Context, act kith.Actor, id, name string, doc []byte) (pathways.Version, error) {
	if err := Authorize(act, Administer); err != nil {
		return pathways.Version{}, err
	}
	return a.st.Pathways.SavePathwayVersion(ctx, act, id, name, doc)
}

// ActivatePathway makes a version (or a pilot of two) the site's pathway.
func (a *App) ActivatePathway(ctx context.Context, act kith.Actor, active pathways.Active) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	return a.st.Pathways.ActivatePathway(ctx, act, active)
}
