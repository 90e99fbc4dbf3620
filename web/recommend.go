package web

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/postcode"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/sqlite"
)

// recommendRadiusKm is how far the service looks for community support.
const recommendRadiusKm = 15

// pathwayCache holds compiled pathway versions. Versions never change once
// saved, so a compiled one is good for the life of the process.
type pathwayCache struct {
	mu sync.Mutex
	m  map[string]*pathways.Pathway
}

func (s *Server) compiledPathway(ctx context.Context, site, id string, version int) (*pathways.Pathway, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", site, id, version)
	s.pathways.mu.Lock()
	p, ok := s.pathways.m[key]
	s.pathways.mu.Unlock()
	if ok {
		return p, nil
	}
	v, err := s.db.PathwayVersion(ctx, site, id, version)
	if err != nil {
		return nil, err
	}
	doc, err := pathways.ParseDocument(v.Document)
	if err != nil {
		return nil, fmt.Errorf("stored pathway %s@%d: %w", id, version, err)
	}
	st, err := s.db.Site(ctx, site)
	if err != nil {
		return nil, err
	}
	p, err = pathways.Compile(doc, st.Settings.Categories)
	if err != nil {
		return nil, fmt.Errorf("stored pathway %s@%d: %w", id, version, err)
	}
	s.pathways.mu.Lock()
	if s.pathways.m == nil {
		s.pathways.m = map[string]*pathways.Pathway{}
	}
	s.pathways.m[key] = p
	s.pathways.mu.Unlock()
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
func (s *Server) runPathway(ctx context.Context, site string, p *pathways.Pathway, ref pathways.Ref, req *screening.Request, res *screening.Result, loc sqlite.Location, refer bool) ([]pathways.Recommendation, *sqlite.PathwayOutcome, error) {
	out, err := p.Evaluate(pathways.InputFrom(res, req))
	if err != nil {
		return nil, nil, err
	}
	po := &sqlite.PathwayOutcome{PathwayID: ref.PathwayID, Version: ref.Version, Arm: ref.Arm, Urgency: out.Urgency,
		FollowUpDays: out.FollowUpDays, MatchedRules: out.MatchedRules}
	recs := []pathways.Recommendation{}
	if refer {
		var cats []string
		for _, o := range out.Offers {
			cats = append(cats, o.Category)
		}
		cands, err := s.db.Candidates(ctx, site, cats, loc.Latitude, loc.Longitude, recommendRadiusKm)
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
func (s *Server) applyPathway(ctx context.Context, site string, req *screening.Request, res *screening.Result, loc sqlite.Location, hash []byte) (*sqlite.PathwayOutcome, error) {
	act, ok, err := s.db.ActivePathway(ctx, site)
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
		if n, err = s.db.NextAllocation(ctx, site); err != nil {
			return nil, err
		}
	}
	version, arm := act.Allocate(district, hex.EncodeToString(hash), n)
	p, err := s.compiledPathway(ctx, site, act.PathwayID, version)
	if err != nil {
		return nil, err
	}
	recs, po, err := s.runPathway(ctx, site, p, pathways.Ref{PathwayID: act.PathwayID, Version: version, Arm: arm}, req, res, loc, res.Consent.Refer == screening.Yes)
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
