package app

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/postcode"
	"github.com/kith-project/kith/screening"
)

// recommendRadiusKm is how far the service looks for community support.
const recommendRadiusKm = 15

// pathwayCache holds compiled pathway versions. Versions never change once
// saved, so a compiled one is good for the life of the process.
type pathwayCache struct {
	mu sync.Mutex
	m  map[string]*pathways.Pathway
}

// compiledPathway is a stored pathway version, compiled (once).
func (a *App) compiledPathway(ctx context.Context, site, id string, version int) (*pathways.Pathway, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", site, id, version)
	a.pathways.mu.Lock()
	p, ok := a.pathways.m[key]
	a.pathways.mu.Unlock()
	if ok {
		return p, nil
	}
	v, err := a.st.Pathways.PathwayVersion(ctx, site, id, version)
	if err != nil {
		return nil, err
	}
	doc, err := pathways.ParseDocument(v.Document)
	if err != nil {
		return nil, fmt.Errorf("stored pathway %s@%d: %w", id, version, err)
	}
	st, err := a.st.Sites.Site(ctx, site)
	if err != nil {
		return nil, err
	}
	p, err = pathways.Compile(doc, st.Settings.Categories)
	if err != nil {
		return nil, fmt.Errorf("stored pathway %s@%d: %w", id, version, err)
	}
	a.pathways.mu.Lock()
	if a.pathways.m == nil {
		a.pathways.m = map[string]*pathways.Pathway{}
	}
	a.pathways.m[key] = p
	a.pathways.mu.Unlock()
	return p, nil
}

// personFor is what the ranking knows of the screened person.
func personFor(req *screening.Request, res *screening.Result) pathways.Person {
	in := pathways.InputFrom(res, req)
	p := pathways.Person{Person: assets.Person{Carer: in.Carer}, Housebound: in.Housebound, Anxious: in.Anxious, Language: in.Language, Wishes: req.Wishes}
	if req.Person != nil {
		p.Age = req.Person.Age
		p.Interests = req.Person.Interests
		if pc, ok := postcode.Normalize(req.Person.Postcode); ok {
			p.PostcodeDistrict = postcode.District(pc)
		}
	}
	return p
}

// runPathway evaluates a compiled pathway for a screening and chooses
// services when refer is true: the person agreed to a referral, or a
// navigator recorded a best-interest decision to refer.
func (a *App) runPathway(ctx context.Context, site string, p *pathways.Pathway, ref pathways.Ref, req *screening.Request, res *screening.Result, loc Location, refer bool) ([]pathways.Recommendation, *PathwayOutcome, error) {
	out, err := p.Evaluate(pathways.InputFrom(res, req))
	if err != nil {
		return nil, nil, err
	}
	po := &PathwayOutcome{PathwayID: ref.PathwayID, Version: ref.Version, Arm: ref.Arm, Urgency: out.Urgency,
		FollowUpDays: out.FollowUpDays, MatchedRules: out.MatchedRules}
	recs := []pathways.Recommendation{}
	if refer {
		var cats []string
		for _, o := range out.Offers {
			cats = append(cats, o.Category)
		}
		cands, err := a.st.Directory.Candidates(ctx, site, cats, loc.Latitude, loc.Longitude, recommendRadiusKm)
		if err != nil {
			return nil, nil, err
		}
		recs = pathways.Recommend(out, cands, personFor(req, res), ref)
	}
	for _, step := range out.NextSteps {
		if !slices.Contains(res.NextSteps, step) {
			res.NextSteps = append(res.NextSteps, step)
		}
	}
	return recs, po, nil
}

// applyPathway runs the site's active pathway (allocating a pilot arm by
// its recorded rule) and fills the result's recommendations.
func (a *App) applyPathway(ctx context.Context, site string, req *screening.Request, res *screening.Result, loc Location, hash []byte) (*PathwayOutcome, error) {
	act, ok, err := a.st.Pathways.ActivePathway(ctx, site)
	if err != nil || !ok {
		return nil, err
	}
	district := ""
	if req.Person != nil {
		if pc, ok := postcode.Normalize(req.Person.Postcode); ok {
			district = postcode.District(pc)
		}
	}
	var n int64
	if act.Pilot() && act.Rule == pathways.RuleAlternation {
		if n, err = a.st.Screenings.NextAllocation(ctx, site); err != nil {
			return nil, err
		}
	}
	version, arm := act.Allocate(district, hex.EncodeToString(hash), n)
	p, err := a.compiledPathway(ctx, site, act.PathwayID, version)
	if err != nil {
		return nil, err
	}
	recs, po, err := a.runPathway(ctx, site, p, pathways.Ref{PathwayID: act.PathwayID, Version: version, Arm: arm}, req, res, loc, res.Consent.Refer == screening.Yes)
	if err != nil {
		return nil, err
	}
	res.Recommendations = make([]json.RawMessage, 0, len(recs))
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		res.Recommendations = append(res.Recommendations, b)
	}
	return po, nil
}

// Rerun is what a pathway makes of a stored screening now; nothing is
// stored. The result's next steps take any the pathway adds.
type Rerun struct {
	Pathway         *PathwayOutcome           `json:"pathway"`
	Recommendations []pathways.Recommendation `json:"recommendations"`
	NextSteps       []string                  `json:"next_steps"`
}

func (a *App) rerun(ctx context.Context, act kith.Actor, stored StoredScreening, id string, p *pathways.Pathway, ref pathways.Ref, refer bool) (Rerun, error) {
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, id)
	if err != nil {
		return Rerun{}, err
	}
	res := *stored.Result
	res.NextSteps = slices.Clone(res.NextSteps)
	recs, po, err := a.runPathway(ctx, act.Site, p, ref, req, &res, stored.Location, refer)
	if err != nil {
		return Rerun{}, err
	}
	return Rerun{Pathway: po, Recommendations: recs, NextSteps: res.NextSteps}, nil
}

// PreviewPathway runs a draft (compiled) pathway against one of the site's
// screenings and stores nothing, so a lead can see what a change would do.
// It returns the screening as stored beside what the draft makes of it; an
// unknown screening is kith.ENOTFOUND.
func (a *App) PreviewPathway(ctx context.Context, act kith.Actor, p *pathways.Pathway, screeningID string) (StoredScreening, Rerun, error) {
	if err := Authorize(act, Administer); err != nil {
		return StoredScreening{}, Rerun{}, err
	}
	stored, err := a.st.Screenings.Screening(ctx, act, screeningID, "")
	if err != nil {
		return stored, Rerun{}, err
	}
	run, err := a.rerun(ctx, act, stored, screeningID, p, pathways.Ref{PathwayID: "preview"}, stored.Consent.Refer == screening.Yes)
	return stored, run, err
}

// Recommendations ranks services for a stored screening now, with the
// pathway version that screening was allocated (the active one when it
// had none): for a person who did not agree to a referral at the visit but
// for whom a navigator has since recorded a best-interest decision to
// refer, or to see today's directory.
func (a *App) Recommendations(ctx context.Context, act kith.Actor, id string) (Rerun, error) {
	if err := Authorize(act, Navigate); err != nil {
		return Rerun{}, err
	}
	stored, err := a.st.Screenings.Screening(ctx, act, id, "")
	if err != nil {
		return Rerun{}, err
	}
	bi, err := a.st.Screenings.BestInterestRefers(ctx, act.Site, id)
	if err != nil {
		return Rerun{}, err
	}
	if stored.Consent.Refer != screening.Yes && !bi {
		return Rerun{}, kith.Errorf(kith.ECONFLICT, "The person has not agreed to a referral and no best-interest decision to refer is recorded.")
	}
	ref := pathways.Ref{}
	if po := stored.Pathway; po != nil {
		ref = pathways.Ref{PathwayID: po.PathwayID, Version: po.Version, Arm: po.Arm}
	} else {
		cur, ok, err := a.st.Pathways.ActivePathway(ctx, act.Site)
		if err != nil {
			return Rerun{}, err
		}
		if !ok {
			return Rerun{}, kith.Errorf(kith.ECONFLICT, "The site runs no pathway.")
		}
		ref = pathways.Ref{PathwayID: cur.PathwayID, Version: cur.Version}
	}
	p, err := a.compiledPathway(ctx, act.Site, ref.PathwayID, ref.Version)
	if err != nil {
		return Rerun{}, err
	}
	return a.rerun(ctx, act, stored, id, p, ref, true)
}
