// The row-reading summary: the tests' oracle for the aggregates (it reads
// every screening, referral and concern of the period), compiled only into
// the tests.

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
	"github.com/kith-project/kith/screening"
)

type repScreening struct {
	id, agency, action, quadrant, loneliness, isolation, arm string
	version                                                  sql.NullInt64
	created                                                  time.Time
	lat, lon                                                 sql.NullFloat64
}

type repReferral struct {
	id, screeningID, serviceID, serviceName string
	created                                 time.Time
	reached                                 map[referral.State]time.Time // first time each state was reached
	outcome                                 *referral.Outcome
	change                                  *referral.Change
}

// summaryByScan computes a site's evaluation for a period by reading the
// period's rows and counting in Go: exact and simple, but it grows with the
// data (seconds over a million screenings). Summary answers from
// aggregates instead; this stays as the oracle the tests hold them to.
func (db *DB) summaryByScan(ctx context.Context, a kith.Actor, f app.ReportFilter, costs []kith.CostItem) (reports.Summary, error) {
	out := reports.Summary{From: f.From.Format(time.DateOnly), To: f.To.AddDate(0, 0, -1).Format(time.DateOnly), PathwayVersion: f.PathwayVersion, Arm: f.Arm}
	var scr []repScreening
	var refs []*repReferral
	var concerns []referral.Concern
	prevalence := map[string]map[string]int{}
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		where := "site_id = ? AND created_at >= ? AND created_at < ?"
		args := []any{a.Site, fmtTime(f.From), fmtTime(f.To)}
		if f.PathwayVersion != nil {
			where += " AND pathway_version = ?"
			args = append(args, *f.PathwayVersion)
		}
		if f.Arm != "" {
			where += " AND arm = ?"
			args = append(args, f.Arm)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, created_at, agency, action, quadrant, loneliness, isolation, coalesce(arm, ''), pathway_version, latitude, longitude
			FROM screenings WHERE `+where, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s repScreening
			var created string
			if err := rows.Scan(&s.id, &created, &s.agency, &s.action, &s.quadrant, &s.loneliness, &s.isolation, &s.arm, &s.version, &s.lat, &s.lon); err != nil {
				rows.Close()
				return err
			}
			s.created, _ = parseTime(created)
			scr = append(scr, s)
		}
		rows.Close()
		inSet := `SELECT id FROM screenings WHERE ` + where
		// Prevalence of each relationship by level.
		rows, err = tx.QueryContext(ctx, `SELECT relationship, level, count(*) FROM screening_relationships
			WHERE site_id = ? AND screening_id IN (`+inSet+`) GROUP BY relationship, level`, append([]any{a.Site}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rel, level string
			var n int
			if err := rows.Scan(&rel, &level, &n); err != nil {
				rows.Close()
				return err
			}
			if prevalence[rel] == nil {
				prevalence[rel] = map[string]int{}
			}
			prevalence[rel][level] = n
		}
		rows.Close()
		// Referrals from these screenings, and when each reached each state.
		rows, err = tx.QueryContext(ctx, `SELECT r.id, r.screening_id, r.service_id, coalesce(s.name, ''), r.created_at, r.outcome, r.loneliness_change
			FROM referrals r LEFT JOIN services s ON s.site_id = r.site_id AND s.id = r.service_id
			WHERE r.site_id = ? AND r.screening_id IN (`+inSet+`)`, append([]any{a.Site}, args...)...)
		if err != nil {
			return err
		}
		byID := map[string]*repReferral{}
		for rows.Next() {
			r := &repReferral{reached: map[referral.State]time.Time{}}
			var created string
			var outcome, change sql.NullString
			if err := rows.Scan(&r.id, &r.screeningID, &r.serviceID, &r.serviceName, &created, &outcome, &change); err != nil {
				rows.Close()
				return err
			}
			r.created, _ = parseTime(created)
			if outcome.Valid {
				r.outcome = &referral.Outcome{}
				_ = json.Unmarshal([]byte(outcome.String), r.outcome)
			}
			if change.Valid {
				r.change = &referral.Change{}
				_ = json.Unmarshal([]byte(change.String), r.change)
			}
			refs = append(refs, r)
			byID[r.id] = r
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, `SELECT h.referral_id, h.to_state, min(h.at) FROM referral_history h
			WHERE h.site_id = ? AND h.referral_id IN (SELECT id FROM referrals WHERE site_id = ? AND screening_id IN (`+inSet+`))
			GROUP BY h.referral_id, h.to_state`, append([]any{a.Site, a.Site}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, state, at string
			if err := rows.Scan(&id, &state, &at); err != nil {
				rows.Close()
				return err
			}
			if r, ok := byID[id]; ok {
				r.reached[referral.State(state)], _ = parseTime(at)
			}
		}
		rows.Close()
		crow, err := tx.QueryContext(ctx, concernColumns+` WHERE c.site_id = ? AND c.screening_id IN (`+inSet+`)`, append([]any{a.Site}, args...)...)
		if err != nil {
			return err
		}
		defer crow.Close()
		for crow.Next() {
			c, err := scanConcern(crow)
			if err != nil {
				return err
			}
			concerns = append(concerns, c)
		}
		return crow.Err()
	})
	if err != nil {
		return out, fmt.Errorf("summary: %w", err)
	}
	out.Prevalence = prevalence
	out.Funnel, out.Times = funnel(scr, refs, concerns)
	out.ByAgency = byAgency(scr, refs, concerns)
	out.Quadrants = map[string]int{}
	for _, s := range scr {
		out.Quadrants[s.quadrant]++
	}
	out.Safeguarding, out.MSP = concernOutcomes(concerns)
	out.Referrals = referralOutcomes(refs)
	out.Loneliness = lonelinessChange(refs)
	out.Hypothesis = hypothesis(scr)
	out.Services = serviceRows(refs)
	radius := f.GapRadiusKm
	if radius <= 0 {
		radius = assets.DefaultRadiusKm
	}
	if out.Gaps, err = db.gaps(ctx, a.Site, scr, radius); err != nil {
		return out, err
	}
	out.Costs = reports.EstimateCosts(costs, map[string]int{"engaged_referrals": out.Funnel.Engaged, "closed_referrals": out.Funnel.Closed, "screenings": out.Funnel.Screenings})
	if f.PathwayVersion == nil && f.Arm == "" {
		out.Arms = arms(scr, refs, concerns)
	}
	return out, nil
}

func funnel(scr []repScreening, refs []*repReferral, concerns []referral.Concern) (reports.Funnel, reports.StepTimes) {
	f := reports.Funnel{Screenings: len(scr), Concerns: len(concerns), Referrals: len(refs)}
	created := map[string]time.Time{}
	for _, s := range scr {
		created[s.id] = s.created
	}
	var toRef, toSent, toAcc, toEng, toClosed []float64
	wd := func(a, b time.Time) float64 { return float64(referral.WorkingDaysBetween(a, b)) }
	for _, r := range refs {
		sent, okS := r.reached[referral.Sent]
		acc, okA := r.reached[referral.Accepted]
		eng, okE := r.reached[referral.Engaged]
		cl, okC := r.reached[referral.Closed]
		if sc, ok := created[r.screeningID]; ok {
			toRef = append(toRef, wd(sc, r.created))
		}
		if okS {
			f.Sent++
			toSent = append(toSent, wd(r.created, sent))
		}
		if okA {
			f.Accepted++
			if okS {
				toAcc = append(toAcc, wd(sent, acc))
			}
		}
		if okE {
			f.Engaged++
			if okA {
				toEng = append(toEng, wd(acc, eng))
			}
		}
		if okC {
			f.Closed++
			if okE {
				toClosed = append(toClosed, wd(eng, cl))
			}
		}
	}
	med := func(xs []float64) *float64 {
		if m, ok := reports.Median(xs); ok {
			return &m
		}
		return nil
	}
	return f, reports.StepTimes{ScreeningToReferral: med(toRef), ReferralToSent: med(toSent), SentToAccepted: med(toAcc),
		AcceptedToEngaged: med(toEng), EngagedToClosed: med(toClosed)}
}

// group is one part of the period's data: its screenings and the
// referrals and concerns that came from them.
type group struct {
	screenings []repScreening
	referrals  []*repReferral
	concerns   []referral.Concern
}

// split groups the data by a key of each screening; screenings whose key
// is "" are left out.
func split(scr []repScreening, refs []*repReferral, concerns []referral.Concern, key func(repScreening) string) map[string]*group {
	groups := map[string]*group{}
	of := map[string]string{}
	for _, s := range scr {
		k := key(s)
		if k == "" {
			continue
		}
		if groups[k] == nil {
			groups[k] = &group{}
		}
		groups[k].screenings = append(groups[k].screenings, s)
		of[s.id] = k
	}
	for _, r := range refs {
		if g := groups[of[r.screeningID]]; g != nil {
			g.referrals = append(g.referrals, r)
		}
	}
	for _, c := range concerns {
		if g := groups[of[c.ScreeningID]]; g != nil {
			g.concerns = append(g.concerns, c)
		}
	}
	return groups
}

func byAgency(scr []repScreening, refs []*repReferral, concerns []referral.Concern) []reports.AgencyFunnel {
	groups := split(scr, refs, concerns, func(s repScreening) string {
		if s.agency == "" {
			return "not_recorded"
		}
		return s.agency
	})
	var out []reports.AgencyFunnel
	for a, g := range groups {
		f, t := funnel(g.screenings, g.referrals, g.concerns)
		out = append(out, reports.AgencyFunnel{Agency: a, Funnel: f, Times: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Agency < out[j].Agency })
	if out == nil {
		out = []reports.AgencyFunnel{}
	}
	return out
}

func concernOutcomes(concerns []referral.Concern) (reports.Safeguarding, reports.MSPOutcomes) {
	sg := reports.Safeguarding{Concerns: len(concerns), Enquiry: map[string]int{}, InsteadOfEnquiry: map[string]int{}}
	msp := reports.MSPOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, RiskAssessment: map[string]int{}, RiskOutcome: map[string]int{}}
	for _, c := range concerns {
		if c.Outcome == nil {
			sg.AwaitingReply++
			continue
		}
		o := c.Outcome
		sg.Enquiry[o.Enquiry]++
		if o.Enquiry == "no_enquiry" {
			sg.InsteadOfEnquiry[o.Instead]++
			continue
		}
		msp.Enquiries++
		if o.MSPAsked == "" {
			continue // under way: its outcome is not yet known
		}
		msp.Asked[o.MSPAsked]++
		if o.MSPAchieved != "" {
			msp.Achieved[o.MSPAchieved]++
		}
		msp.RiskAssessment[o.RiskAssessment]++
		if o.RiskOutcome != "" {
			msp.RiskOutcome[o.RiskOutcome]++
		}
	}
	return sg, msp
}

func referralOutcomes(refs []*repReferral) reports.ReferralOutcomes {
	ro := reports.ReferralOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, FeelsSafer: map[string]int{}}
	for _, r := range refs {
		if r.outcome == nil {
			continue
		}
		ro.Closed++
		ro.Asked[r.outcome.DesiredOutcomesAsked]++
		if r.outcome.Achieved != "" {
			ro.Achieved[r.outcome.Achieved]++
		}
		if r.outcome.FeelsSafer != "" {
			ro.FeelsSafer[r.outcome.FeelsSafer]++
		}
	}
	return ro
}

func lonelinessChange(refs []*repReferral) []reports.LonelinessChange {
	deltas := map[string][]float64{}
	moved, lonelyFirst := map[string]int{}, map[string]int{}
	for _, r := range refs {
		c := r.change
		if c == nil {
			continue
		}
		if c.Delta != nil {
			deltas[c.Instrument] = append(deltas[c.Instrument], float64(*c.Delta))
		}
		if referral.LonelyClass(c.FirstClass) {
			lonelyFirst[c.Instrument]++
			if c.MovedOutOfLonely {
				moved[c.Instrument]++
			}
		}
	}
	out := []reports.LonelinessChange{}
	for _, code := range []string{screening.UCLA3, screening.DJG6, screening.ONSLoneliness} {
		if len(deltas[code]) == 0 && lonelyFirst[code] == 0 {
			continue
		}
		out = append(out, reports.LonelinessChange{Instrument: code, Change: reports.Mean95(deltas[code]), MovedOutOfLonely: reports.NewShare(moved[code], lonelyFirst[code])})
	}
	return out
}

func hypothesis(scr []repScreening) reports.Hypothesis {
	var ci, cn, ni, nn, cl, cln, nl, nln int
	for _, s := range scr {
		concern := s.action == screening.ActionRaiseConcern || s.action == screening.ActionEmergency
		if s.isolation != "unknown" {
			if concern {
				cn++
				if s.isolation == "isolated" {
					ci++
				}
			} else {
				nn++
				if s.isolation == "isolated" {
					ni++
				}
			}
		}
		if s.loneliness != "unknown" {
			if concern {
				cln++
				if s.loneliness == "lonely" {
					cl++
				}
			} else {
				nln++
				if s.loneliness == "lonely" {
					nl++
				}
			}
		}
	}
	return reports.Hypothesis{ConcernIsolated: reports.NewShare(ci, cn), NoConcernIsolated: reports.NewShare(ni, nn),
		ConcernLonely: reports.NewShare(cl, cln), NoConcernLonely: reports.NewShare(nl, nln),
		Note: reports.HypothesisNote}
}

func serviceRows(refs []*repReferral) []reports.ServiceRow {
	rows := map[string]*reports.ServiceRow{}
	resp := map[string][]float64{}
	for _, r := range refs {
		row := rows[r.serviceID]
		if row == nil {
			row = &reports.ServiceRow{ServiceID: r.serviceID, Name: r.serviceName}
			rows[r.serviceID] = row
		}
		row.Referrals++
		sent, okS := r.reached[referral.Sent]
		if at, ok := r.reached[referral.Accepted]; ok {
			row.Accepted++
			if okS {
				resp[r.serviceID] = append(resp[r.serviceID], float64(referral.WorkingDaysBetween(sent, at)))
			}
		} else if at, ok := r.reached[referral.Declined]; ok {
			row.Declined++
			if okS {
				resp[r.serviceID] = append(resp[r.serviceID], float64(referral.WorkingDaysBetween(sent, at)))
			}
		}
	}
	out := []reports.ServiceRow{}
	for id, row := range rows {
		if d := row.Accepted + row.Declined; d > 0 {
			v := float64(row.Accepted) / float64(d)
			row.AcceptanceRate = &v
		}
		if m, ok := reports.Median(resp[id]); ok {
			row.MedianResponseWD = &m
		}
		out = append(out, *row)
	}
	reports.SortServices(out)
	return out
}

// gaps counts, per relationship, located people with that relationship at
// medium or high for whom no open service that helps with it is within the
// radius.
func (db *DB) gaps(ctx context.Context, site string, scr []repScreening, radiusKm float64) ([]reports.Gap, error) {
	located := map[string]repScreening{}
	var ids []string
	for _, s := range scr {
		if s.lat.Valid && s.lon.Valid {
			located[s.id] = s
			ids = append(ids, s.id)
		}
	}
	out := []reports.Gap{}
	if len(ids) == 0 {
		return out, nil
	}
	need := map[string][]string{} // relationship -> screening ids
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{site}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT screening_id, relationship FROM screening_relationships WHERE site_id = ?
			AND level IN ('medium', 'high') AND screening_id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("gaps: %w", err)
		}
		for rows.Next() {
			var id, rel string
			if err := rows.Scan(&id, &rel); err != nil {
				rows.Close()
				return nil, err
			}
			need[rel] = append(need[rel], id)
		}
		rows.Close()
	}
	for _, rel := range assets.RelationshipCodes() {
		people := need[rel]
		if len(people) == 0 {
			continue
		}
		g := reports.Gap{Relationship: rel, People: len(people), RadiusKm: radiusKm}
		for _, id := range people {
			s := located[id]
			minLat, maxLat, minLon, maxLon := assets.BoundingBox(s.lat.Float64, s.lon.Float64, radiusKm)
			rows, err := db.read.QueryContext(ctx, `SELECT l.latitude, l.longitude FROM service_locations_rtree r
				CROSS JOIN service_locations l ON l.pk = r.id CROSS JOIN services sv ON sv.pk = l.service_pk
				WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?
				AND sv.site_id = ? AND sv.deleted_at IS NULL AND sv.capacity <> 'full'
				AND EXISTS (SELECT 1 FROM service_tags t WHERE t.service_pk = sv.pk AND t.kind = 'relationship' AND t.value = ?)`,
				minLat, maxLat, minLon, maxLon, site, rel)
			if err != nil {
				return nil, fmt.Errorf("gaps: %w", err)
			}
			found := false
			for rows.Next() && !found {
				var la, lo float64
				if err := rows.Scan(&la, &lo); err != nil {
					rows.Close()
					return nil, err
				}
				found = assets.DistanceKm(s.lat.Float64, s.lon.Float64, la, lo) <= radiusKm
			}
			rows.Close()
			if !found {
				g.NoServiceWithin++
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// arms puts the two arms of a pilot side by side on the same measures.
func arms(scr []repScreening, refs []*repReferral, concerns []referral.Concern) []reports.ArmSummary {
	groups := split(scr, refs, concerns, func(s repScreening) string { return s.arm })
	var out []reports.ArmSummary
	for _, arm := range []string{"a", "b"} {
		g := groups[arm]
		if g == nil {
			continue
		}
		f, _ := funnel(g.screenings, g.referrals, g.concerns)
		q := map[string]int{}
		for _, s := range g.screenings {
			q[s.quadrant]++
		}
		version := 0
		for _, s := range g.screenings {
			version = max(version, int(s.version.Int64))
		}
		out = append(out, reports.ArmSummary{Arm: arm, Version: version, Funnel: f, Quadrants: q,
			Referrals: referralOutcomes(g.referrals), Loneliness: lonelinessChange(g.referrals)})
	}
	return out
}
