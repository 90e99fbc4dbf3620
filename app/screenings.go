package app

import (
	"context"
	"crypto/sha256"
	"encoding/json"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// SubmitScreening scores a validated request, locates the person, runs the
// site's pathway and stores the screening. key (may be empty) makes a
// retry return the first result (created false). The API and the form both
// come through here. A concern it raises is stored with it, and emailed
// to the site's safeguarding team with the link links.Concern makes.
func (a *App) SubmitScreening(ctx context.Context, act kith.Actor, req *screening.Request, key string, links Links) (StoredScreening, bool, error) {
	if err := Authorize(act, Screen); err != nil {
		return StoredScreening{}, false, err
	}
	// The hash is of the decoded request, re-encoded: a retry that differs
	// only in whitespace or member order is the same screening.
	canonical, err := json.Marshal(req)
	if err != nil {
		return StoredScreening{}, false, err
	}
	hash := sha256.Sum256(canonical)
	site, err := a.st.Sites.Site(ctx, act.Site)
	if err != nil {
		return StoredScreening{}, false, err
	}
	res, err := screening.Assess(req, screening.Options{SafeguardingPhone: site.Settings.SafeguardingPhone, SiteName: site.Name,
		FraudService: site.Settings.FraudService, FraudPhone: site.Settings.FraudPhone})
	if err != nil {
		return StoredScreening{}, false, err
	}
	loc, err := a.Locate(ctx, req.Person)
	if err != nil {
		return StoredScreening{}, false, err
	}
	po, err := a.applyPathway(ctx, act.Site, req, res, loc, hash[:])
	if err != nil {
		return StoredScreening{}, false, err
	}
	concern, err := ConcernToRaise(res, req)
	if err != nil {
		return StoredScreening{}, false, err
	}
	if err := a.withTeamMessage(ctx, act.Site, concern, links); err != nil {
		return StoredScreening{}, false, err
	}
	ns := NewScreening{IdempotencyKey: key, RequestHash: hash[:], Request: req, Result: res, Location: loc, Outcome: po, Concern: concern}
	if po != nil {
		ns.PathwayID, ns.PathwayVersion, ns.Arm = po.PathwayID, po.Version, po.Arm
	}
	s, created, err := a.st.Screenings.CreateScreening(ctx, act, ns)
	if !created {
		if err := CheckReplayAuthor(act, s.SubmittedBy); err != nil {
			return StoredScreening{}, false, err
		}
	}
	return s, created, err
}

// CheckReplayAuthor refuses a screening's idempotency key sent again by
// someone other than who sent it first (a shared phone): they neither see
// that screening nor store it again, whatever body they sent.
func CheckReplayAuthor(act kith.Actor, submittedBy string) error {
	if submittedBy == "" || submittedBy == act.Ref() {
		return nil
	}
	return kith.Errorf(kith.EFORBIDDEN, "This screening was sent by someone else. It has not been sent again.")
}

// Locate finds where the person lives: the coordinates sent, else the
// postcode's centroid, else unknown. It never guesses.
func (a *App) Locate(ctx context.Context, p *screening.Person) (Location, error) {
	if p == nil {
		return Location{Source: "unknown"}, nil
	}
	if p.Latitude != nil && p.Longitude != nil {
		return Location{Latitude: p.Latitude, Longitude: p.Longitude, Source: "given"}, nil
	}
	if p.Postcode != "" {
		lat, lon, ok, err := a.st.Postcodes.LocatePostcode(ctx, p.Postcode)
		if err != nil {
			return Location{}, err
		}
		if ok {
			return Location{Latitude: &lat, Longitude: &lon, Source: "postcode"}, nil
		}
	}
	return Location{Source: "unknown"}, nil
}

// LocatePostcode is a postcode's centroid, if the service knows it.
func (a *App) LocatePostcode(ctx context.Context, pc string) (lat, lon float64, ok bool, err error) {
	return a.st.Postcodes.LocatePostcode(ctx, pc)
}

// Screening reads one screening of the actor's site; a visitor reads only
// the screenings they submitted (another's is not found).
func (a *App) Screening(ctx context.Context, act kith.Actor, id string) (StoredScreening, error) {
	if err := Authorize(act, Screen); err != nil {
		return StoredScreening{}, err
	}
	return a.st.Screenings.Screening(ctx, act, id, submittedBy(act))
}

// ScreeningRequest reads what was submitted for a screening (personal
// data, audited), for the navigators who act on it.
func (a *App) ScreeningRequest(ctx context.Context, act kith.Actor, id string) (*screening.Request, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, err
	}
	return a.st.Screenings.ScreeningRequest(ctx, act, id)
}

// ListScreenings lists the site's screenings.
func (a *App) ListScreenings(ctx context.Context, act kith.Actor, f ScreeningFilter) ([]ScreeningSummary, int, error) {
	if err := Authorize(act, Navigate); err != nil {
		return nil, 0, err
	}
	return a.st.Screenings.ListScreenings(ctx, act, f)
}

// RecordBestInterest records a navigator's best-interest decision about a
// referral for a person who could not agree to one.
func (a *App) RecordBestInterest(ctx context.Context, act kith.Actor, screeningID string, b BestInterest) error {
	if err := Authorize(act, Navigate); err != nil {
		return err
	}
	req, err := a.st.Screenings.ScreeningRequest(ctx, act, screeningID)
	if err != nil {
		return err
	}
	if err := referral.CheckBestInterest(req, b); err != nil {
		return err
	}
	return a.st.Screenings.RecordBestInterest(ctx, act, screeningID, b)
}

// AuthorKey names the user who makes a screening (site/user id). A
// screening kept on a shared phone without signal carries it, and is sent
// only while that user is signed in.
func AuthorKey(site, userID string) string { return site + "/" + userID }

// CheckScreeningAuthor refuses a screening kept for someone other than
// act (an empty author is a screening that names none, as from the API).
func CheckScreeningAuthor(act kith.Actor, author string) error {
	if author == "" || (act.Kind == "user" && author == AuthorKey(act.Site, act.ID)) {
		return nil
	}
	return kith.Errorf(kith.EFORBIDDEN, "This screening was started by someone else signed in on this phone. It has not been sent: it stays on the phone for them to send.")
}
