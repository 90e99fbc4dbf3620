package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
)

// SiteToCreate is a new site with the pathway it starts with.
type SiteToCreate struct {
	ID, Name string
	Settings kith.SiteSettings
	// Pathway is stored as version 1 of its id, active, in the same
	// transaction as the site.
	Pathway *FirstPathway
}

// FirstPathway is a site's first pathway: a canonical document.
type FirstPathway struct {
	ID, Name string
	Document []byte
}

// defaultPathway is Kith's default pathway, parsed and made canonical once
// at start-up: it is part of the binary, so a fault in it stops the
// service before it serves anything.
var defaultPathway = func() FirstPathway {
	doc, err := pathways.ParseDocument(pathways.DefaultDocument())
	if err != nil {
		panic(fmt.Sprintf("default pathway: %v", err))
	}
	body, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("default pathway: %v", err))
	}
	return FirstPathway{ID: "default", Name: doc.Name, Document: body}
}()

// NewSite is what every new site starts with: its settings and Kith's
// default pathway, version 1, active, so screenings get recommendations
// from the first day.
func NewSite(id, name string, settings kith.SiteSettings) SiteToCreate {
	p := defaultPathway
	return SiteToCreate{ID: id, Name: name, Settings: settings, Pathway: &p}
}

// CreateSite adds a site with the default pathway. A duplicate id is
// kith.ECONFLICT. Sites are made from the command line (act is the CLI),
// so no role is asked for.
func (a *App) CreateSite(ctx context.Context, act kith.Actor, id, name string, settings kith.SiteSettings) error {
	return a.st.Sites.CreateSite(ctx, act, NewSite(id, name, settings))
}
