package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
	"github.com/kith-project/kith/screening"
	"modernc.org/sqlite"
)

// The report aggregates' triggers (migration 0008) call these two Go
// functions, registered for every connection this driver opens, so working
// days and loneliness classes have one definition: the referral package's.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("kith_working_days", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		from, ok1 := args[0].(string)
		to, ok2 := args[1].(string)
		if !ok1 || !ok2 {
			return nil, nil
		}
		f, err := parseTime(from)
		if err != nil {
			return nil, fmt.Errorf("kith_working_days: %w", err)
		}
		t, err := parseTime(to)
		if err != nil {
			return nil, fmt.Errorf("kith_working_days: %w", err)
		}
		return int64(referral.WorkingDaysBetween(f, t)), nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("kith_lonely_class", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		c, _ := args[0].(string)
		if referral.LonelyClass(c) {
			return int64(1), nil
		}
		return int64(0), nil
	})
}

// rebuildSQL is the part of migration 0008 that counts every aggregate
// again from the rows; the migration runs it once, RebuildReports on demand.
var rebuildSQL = func() string {
	body, err := migrationFS.ReadFile("migrations/0008_report_aggregates.sql")
	if err != nil {
		panic(err)
	}
	s := string(body)
	start := strings.Index(s, "-- REBUILD BEGIN")
	end := strings.Index(s, "-- REBUILD END")
	if start < 0 || end < start {
		panic("migration 0008 has no REBUILD section")
	}
	return s[start:end]
}()

// RebuildReports counts every report aggregate again from the rows, in one
// transaction: for a database whose aggregates are in doubt (restored
// from an old backup, changed by hand). It holds the write lock
// throughout (about 2.5 minutes over a million screenings): another
// process's writes wait up to the busy timeout (10 s) and then fail, so run
// it while the service is stopped or quiet. Reads carry on.
func (db *DB) RebuildReports(ctx context.Context) error {
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, rebuildSQL)
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild report aggregates: %w", err)
	}
	return nil
}

// reportTables are the aggregate tables, for tests that compare them.
var reportTables = []string{"report_screenings", "report_relationships", "report_gaps", "report_concerns", "report_referral_facts",
	"report_funnel", "report_steps", "report_services", "report_responses", "report_outcomes", "report_changes"}

// periodRanges splits [from, to) (whole UTC days) into the fewest runs of
// aggregate periods: whole months as 'mYYYY-MM', other days as
// 'dYYYY-MM-DD'. Each run is an inclusive text range.
func periodRanges(from, to time.Time) [][2]string {
	var out [][2]string
	last := byte(0)
	add := func(level byte, p string) {
		if last == level && len(out) > 0 {
			out[len(out)-1][1] = p
			return
		}
		out = append(out, [2]string{p, p})
		last = level
	}
	for d := from; d.Before(to); {
		if next := d.AddDate(0, 1, 0); d.Day() == 1 && !next.After(to) {
			add('m', "m"+d.Format("2006-01"))
			d = next
			continue
		}
		add('d', "d"+d.Format(time.DateOnly))
		d = d.AddDate(0, 0, 1)
	}
	return out
}

// aggQuery reads the aggregates for one filter.
type aggQuery struct {
	site   string
	ranges [][2]string
	f      ReportFilter
}

// each runs SELECT cols, sums over table for the filter's periods, grouped
// by cols, and calls fn for each row.
func (q aggQuery) each(ctx context.Context, tx *sql.Tx, table, cols, sums string, fn func(scan func(...any) error) error) error {
	var b strings.Builder
	args := []any{}
	b.WriteString("WITH ranges(lo, hi) AS (VALUES ")
	ranges := q.ranges
	if len(ranges) == 0 {
		ranges = [][2]string{{"x", "x"}} // matches no period
	}
	for i, r := range ranges {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?)")
		args = append(args, r[0], r[1])
	}
	fmt.Fprintf(&b, ") SELECT %s, %s FROM ranges CROSS JOIN %s t WHERE t.site_id = ? AND t.period BETWEEN ranges.lo AND ranges.hi", cols, sums, table)
	args = append(args, q.site)
	if q.f.PathwayVersion != nil {
		b.WriteString(" AND t.version = ?")
		args = append(args, *q.f.PathwayVersion)
	}
	if q.f.Arm != "" {
		b.WriteString(" AND t.arm = ?")
		args = append(args, q.f.Arm)
	}
	fmt.Fprintf(&b, " GROUP BY %s", cols)
	rows, err := tx.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Summary computes a site's evaluation for a period of whole UTC days.
// Counts are exact.
//
// It reads aggregates kept up to date on write by triggers (migration
// 0008), by day and by month of each screening's creation, so its cost
// grows with the number of days, agencies, services and distinct located
// points in the period, not with the number of screenings. summaryByScan
// computes the same from the rows and is the tests' oracle; RebuildReports
// recounts the aggregates.
func (db *DB) Summary(ctx context.Context, a kith.Actor, f ReportFilter, costs []kith.CostItem) (reports.Summary, error) {
	out := reports.Summary{From: f.From.Format(time.DateOnly), To: f.To.AddDate(0, 0, -1).Format(time.DateOnly), PathwayVersion: f.PathwayVersion, Arm: f.Arm}
	day := func(t time.Time) bool { return t.Equal(t.UTC().Truncate(24 * time.Hour)) }
	if !day(f.From) || !day(f.To) {
		return out, fmt.Errorf("summary: the period must be whole UTC days, not %s to %s", fmtTime(f.From), fmtTime(f.To))
	}
	q := aggQuery{site: a.Site, ranges: periodRanges(f.From.UTC(), f.To.UTC()), f: f}
	type part struct {
		funnel    reports.Funnel
		steps     map[string]reports.Histogram
		quadrants map[string]int
		outcomes  reports.ReferralOutcomes
		changes   map[string]*[5]int64 // n, sum, sumsq, lonely first, moved
		version   int
	}
	newPart := func() *part {
		return &part{steps: map[string]reports.Histogram{}, quadrants: map[string]int{}, changes: map[string]*[5]int64{},
			outcomes: reports.ReferralOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, FeelsSafer: map[string]int{}}}
	}
	all := newPart()
	agencies, arms := map[string]*part{}, map[string]*part{}
	get := func(m map[string]*part, k string) *part {
		if m[k] == nil {
			m[k] = newPart()
		}
		return m[k]
	}
	agencyKey := func(s string) string {
		if s == "" {
			return "not_recorded"
		}
		return s
	}
	prevalence := map[string]map[string]int{}
	sg := reports.Safeguarding{Enquiry: map[string]int{}, InsteadOfEnquiry: map[string]int{}}
	msp := reports.MSPOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, RiskAssessment: map[string]int{}, RiskOutcome: map[string]int{}}
	var hyp [8]int // concern isolated, of; no concern isolated, of; concern lonely, of; no concern lonely, of
	services := map[string]*reports.ServiceRow{}
	responses := map[string]reports.Histogram{}
	type point struct {
		rel      string
		lat, lon float64
	}
	points := map[point]int{}
	names := map[string]string{}
	var locs map[string][]gapLocation
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		err := q.each(ctx, tx, "report_screenings", "t.version, t.arm, t.agency, t.concern, t.loneliness, t.isolation, t.quadrant", "sum(t.n)", func(scan func(...any) error) error {
			var version, concern, n int
			var arm, agency, lonely, isolated, quadrant string
			if err := scan(&version, &arm, &agency, &concern, &lonely, &isolated, &quadrant, &n); err != nil || n == 0 {
				return err
			}
			parts := []*part{all, get(agencies, agencyKey(agency))}
			if arm != "" {
				ap := get(arms, arm)
				ap.version = max(ap.version, version)
				parts = append(parts, ap)
			}
			for _, p := range parts {
				p.funnel.Screenings += n
				p.quadrants[quadrant] += n
			}
			c := 0
			if concern == 0 {
				c = 2
			}
			if isolated != "unknown" {
				hyp[c+1] += n
				if isolated == "isolated" {
					hyp[c] += n
				}
			}
			if lonely != "unknown" {
				hyp[4+c+1] += n
				if lonely == "lonely" {
					hyp[4+c] += n
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_relationships", "t.relationship, t.level", "sum(t.n)", func(scan func(...any) error) error {
			var rel, level string
			var n int
			if err := scan(&rel, &level, &n); err != nil || n == 0 {
				return err
			}
			if prevalence[rel] == nil {
				prevalence[rel] = map[string]int{}
			}
			prevalence[rel][level] = n
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_concerns", "t.arm, t.measure, t.value", "sum(t.n)", func(scan func(...any) error) error {
			var arm, measure, value string
			var n int
			if err := scan(&arm, &measure, &value, &n); err != nil || n == 0 {
				return err
			}
			switch measure {
			case "concern":
				all.funnel.Concerns += n
				get(agencies, agencyKey(value)).funnel.Concerns += n
				if arm != "" {
					get(arms, arm).funnel.Concerns += n
				}
			case "awaiting":
				sg.AwaitingReply += n
			case "enquiry":
				sg.Enquiry[value] += n
				if value != "no_enquiry" {
					msp.Enquiries += n
				}
			case "instead":
				sg.InsteadOfEnquiry[value] += n
			case "msp_asked":
				msp.Asked[value] += n
			case "msp_achieved":
				msp.Achieved[value] += n
			case "risk_assessment":
				msp.RiskAssessment[value] += n
			case "risk_outcome":
				msp.RiskOutcome[value] += n
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_funnel", "t.arm, t.agency", "sum(t.referrals), sum(t.sent), sum(t.accepted), sum(t.engaged), sum(t.closed)", func(scan func(...any) error) error {
			var arm, agency string
			var x reports.Funnel
			if err := scan(&arm, &agency, &x.Referrals, &x.Sent, &x.Accepted, &x.Engaged, &x.Closed); err != nil {
				return err
			}
			parts := []*part{all, get(agencies, agencyKey(agency))}
			if arm != "" {
				parts = append(parts, get(arms, arm))
			}
			for _, p := range parts {
				p.funnel.Referrals += x.Referrals
				p.funnel.Sent += x.Sent
				p.funnel.Accepted += x.Accepted
				p.funnel.Engaged += x.Engaged
				p.funnel.Closed += x.Closed
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_steps", "t.agency, t.step, t.days", "sum(t.n)", func(scan func(...any) error) error {
			var agency, step string
			var days, n int
			if err := scan(&agency, &step, &days, &n); err != nil || n == 0 {
				return err
			}
			for _, p := range []*part{all, get(agencies, agencyKey(agency))} {
				if p.steps[step] == nil {
					p.steps[step] = reports.Histogram{}
				}
				p.steps[step][days] += n
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_services", "t.service_id", "sum(t.referrals), sum(t.accepted), sum(t.declined)", func(scan func(...any) error) error {
			r := &reports.ServiceRow{}
			if err := scan(&r.ServiceID, &r.Referrals, &r.Accepted, &r.Declined); err != nil || r.Referrals == 0 {
				return err
			}
			services[r.ServiceID] = r
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_responses", "t.service_id, t.days", "sum(t.n)", func(scan func(...any) error) error {
			var id string
			var days, n int
			if err := scan(&id, &days, &n); err != nil || n == 0 {
				return err
			}
			if responses[id] == nil {
				responses[id] = reports.Histogram{}
			}
			responses[id][days] += n
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_outcomes", "t.arm, t.measure, t.value", "sum(t.n)", func(scan func(...any) error) error {
			var arm, measure, value string
			var n int
			if err := scan(&arm, &measure, &value, &n); err != nil || n == 0 {
				return err
			}
			parts := []*part{all}
			if arm != "" {
				parts = append(parts, get(arms, arm))
			}
			for _, p := range parts {
				switch measure {
				case "closed":
					p.outcomes.Closed += n
				case "asked":
					p.outcomes.Asked[value] += n
				case "achieved":
					p.outcomes.Achieved[value] += n
				case "feels_safer":
					p.outcomes.FeelsSafer[value] += n
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_changes", "t.arm, t.instrument", "sum(t.n), sum(t.sum), sum(t.sumsq), sum(t.lonely_first), sum(t.moved)", func(scan func(...any) error) error {
			var arm, instrument string
			var v [5]int64
			if err := scan(&arm, &instrument, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
				return err
			}
			parts := []*part{all}
			if arm != "" {
				parts = append(parts, get(arms, arm))
			}
			for _, p := range parts {
				c := p.changes[instrument]
				if c == nil {
					c = &[5]int64{}
					p.changes[instrument] = c
				}
				for i := range v {
					c[i] += v[i]
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.each(ctx, tx, "report_gaps", "t.relationship, t.latitude, t.longitude", "sum(t.n)", func(scan func(...any) error) error {
			var p point
			var n int
			if err := scan(&p.rel, &p.lat, &p.lon, &n); err != nil || n == 0 {
				return err
			}
			points[p] += n
			return nil
		})
		if err != nil {
			return err
		}
		if len(services) > 0 {
			rows, err := tx.QueryContext(ctx, `SELECT id, name FROM services WHERE site_id = ?`, a.Site)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, name string
				if err := rows.Scan(&id, &name); err != nil {
					return err
				}
				names[id] = name
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(points) > 0 {
			locs, err = gapLocations(ctx, tx, a.Site)
		}
		return err
	})
	if err != nil {
		return out, fmt.Errorf("summary: %w", err)
	}

	med := func(h reports.Histogram) *float64 {
		if m, ok := h.Median(); ok {
			return &m
		}
		return nil
	}
	times := func(p *part) reports.StepTimes {
		return reports.StepTimes{ScreeningToReferral: med(p.steps["referral"]), ReferralToSent: med(p.steps["sent"]),
			SentToAccepted: med(p.steps["accepted"]), AcceptedToEngaged: med(p.steps["engaged"]), EngagedToClosed: med(p.steps["closed"])}
	}
	loneliness := func(p *part) []reports.LonelinessChange {
		out := []reports.LonelinessChange{}
		for _, code := range []string{screening.UCLA3, screening.DJG6, screening.ONSLoneliness} {
			c := p.changes[code]
			if c == nil || (c[0] == 0 && c[3] == 0) {
				continue
			}
			out = append(out, reports.LonelinessChange{Instrument: code, Change: reports.Mean95Sums(int(c[0]), float64(c[1]), float64(c[2])),
				MovedOutOfLonely: reports.NewShare(int(c[4]), int(c[3]))})
		}
		return out
	}
	out.Funnel, out.Times = all.funnel, times(all)
	out.ByAgency = []reports.AgencyFunnel{}
	for name, p := range agencies {
		if p.funnel.Screenings > 0 {
			out.ByAgency = append(out.ByAgency, reports.AgencyFunnel{Agency: name, Funnel: p.funnel, Times: times(p)})
		}
	}
	sort.Slice(out.ByAgency, func(i, j int) bool { return out.ByAgency[i].Agency < out.ByAgency[j].Agency })
	out.Prevalence = prevalence
	out.Quadrants = all.quadrants
	sg.Concerns = all.funnel.Concerns
	out.Safeguarding, out.MSP = sg, msp
	out.Referrals = all.outcomes
	out.Loneliness = loneliness(all)
	out.Hypothesis = reports.Hypothesis{ConcernIsolated: reports.NewShare(hyp[0], hyp[1]), NoConcernIsolated: reports.NewShare(hyp[2], hyp[3]),
		ConcernLonely: reports.NewShare(hyp[4], hyp[5]), NoConcernLonely: reports.NewShare(hyp[6], hyp[7]), Note: hypothesisNote}
	out.Services = []reports.ServiceRow{}
	for id, row := range services {
		row.Name = names[id]
		if d := row.Accepted + row.Declined; d > 0 {
			v := float64(row.Accepted) / float64(d)
			row.AcceptanceRate = &v
		}
		row.MedianResponseWD = med(responses[id])
		out.Services = append(out.Services, *row)
	}
	sortServices(out.Services)
	radius := f.GapRadiusKm
	if radius <= 0 {
		radius = assets.DefaultRadiusKm
	}
	out.Gaps = []reports.Gap{}
	for _, rel := range assets.RelationshipCodes() {
		g := reports.Gap{Relationship: rel, RadiusKm: radius}
		for p, n := range points {
			if p.rel != rel {
				continue
			}
			g.People += n
			if !serviceWithin(locs[rel], p.lat, p.lon, radius) {
				g.NoServiceWithin += n
			}
		}
		if g.People > 0 {
			out.Gaps = append(out.Gaps, g)
		}
	}
	out.Costs = reports.EstimateCosts(costs, map[string]int{"engaged_referrals": out.Funnel.Engaged, "closed_referrals": out.Funnel.Closed, "screenings": out.Funnel.Screenings})
	if f.PathwayVersion == nil && f.Arm == "" {
		for _, arm := range []string{"a", "b"} {
			p := arms[arm]
			if p == nil || p.funnel.Screenings == 0 {
				continue
			}
			out.Arms = append(out.Arms, reports.ArmSummary{Arm: arm, Version: p.version, Funnel: p.funnel, Quadrants: p.quadrants,
				Referrals: p.outcomes, Loneliness: loneliness(p)})
		}
	}
	return out, nil
}

// gapLocation is one located place of an open service that helps with a
// relationship, with the R*Tree's own (32-bit) box for it.
type gapLocation struct {
	minLat, maxLat, minLon, maxLon float64
	lat, lon                       float64
}

// gapLocations reads every located place of the site's open services that
// are not full, by the relationships they help with, each list ordered by
// the box's southern edge.
func gapLocations(ctx context.Context, tx *sql.Tx, site string) (map[string][]gapLocation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT t.value, r.min_lat, r.max_lat, r.min_lon, r.max_lon, l.latitude, l.longitude
		FROM services sv CROSS JOIN service_tags t CROSS JOIN service_locations l CROSS JOIN service_locations_rtree r
		WHERE sv.site_id = ? AND sv.deleted_at IS NULL AND sv.capacity <> 'full'
		AND t.service_pk = sv.pk AND t.kind = 'relationship' AND l.service_pk = sv.pk AND r.id = l.pk`, site)
	if err != nil {
		return nil, fmt.Errorf("gap locations: %w", err)
	}
	defer rows.Close()
	out := map[string][]gapLocation{}
	for rows.Next() {
		var rel string
		var g gapLocation
		if err := rows.Scan(&rel, &g.minLat, &g.maxLat, &g.minLon, &g.maxLon, &g.lat, &g.lon); err != nil {
			return nil, err
		}
		out[rel] = append(out[rel], g)
	}
	for _, locs := range out {
		sort.Slice(locs, func(i, j int) bool { return locs[i].minLat < locs[j].minLat })
	}
	return out, rows.Err()
}

// serviceWithin reports whether a place in locs (one relationship's,
// ordered by southern edge) is within radiusKm of the point, deciding
// exactly as the directory's distance search does: the R*Tree box inside
// the bounding box, then haversine. Only boxes whose southern edge lies
// inside the bounding box can pass, so only those are looked at.
func serviceWithin(locs []gapLocation, lat, lon, radiusKm float64) bool {
	minLat, maxLat, minLon, maxLon := assets.BoundingBox(lat, lon, radiusKm)
	for i := sort.Search(len(locs), func(i int) bool { return locs[i].minLat >= minLat }); i < len(locs) && locs[i].minLat <= maxLat; i++ {
		l := locs[i]
		if l.maxLat <= maxLat && l.minLon >= minLon && l.maxLon <= maxLon && assets.DistanceKm(lat, lon, l.lat, l.lon) <= radiusKm {
			return true
		}
	}
	return false
}
