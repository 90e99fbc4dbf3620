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
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
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
	f      app.ReportFilter
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

// Summary computes a site's evaluation for a period of whole UTC days:
// the store reads the grouped counts (reportCounts) and reports.Assemble
// builds the summary from them. Counts are exact.
//
// The aggregates are kept up to date on write by triggers (migration
// 0008), by day and by month of each screening's creation, so the cost
// grows with the number of days, agencies, services and distinct located
// points in the period, not with the number of screenings. The tests'
// oracle (summaryByScan, in a test file) computes the same from the rows;
// RebuildReports recounts the aggregates.
func (db *DB) Summary(ctx context.Context, a kith.Actor, f app.ReportFilter, costs []kith.CostItem) (reports.Summary, error) {
	rf := reports.Filter{From: f.From.Format(time.DateOnly), To: f.To.AddDate(0, 0, -1).Format(time.DateOnly),
		PathwayVersion: f.PathwayVersion, Arm: f.Arm, GapRadiusKm: f.GapRadiusKm}
	day := func(t time.Time) bool { return t.Equal(t.UTC().Truncate(24 * time.Hour)) }
	if !day(f.From) || !day(f.To) {
		return reports.Summary{From: rf.From, To: rf.To, PathwayVersion: f.PathwayVersion, Arm: f.Arm},
			fmt.Errorf("summary: the period must be whole UTC days, not %s to %s", fmtTime(f.From), fmtTime(f.To))
	}
	radius := reports.GapRadius(f.GapRadiusKm)
	q := aggQuery{site: a.Site, ranges: periodRanges(f.From.UTC(), f.To.UTC()), f: f}
	var c reports.Counts
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		for _, read := range []func(context.Context, *sql.Tx, *reports.Counts) error{
			q.screeningCounts, q.relationshipCounts, q.concernCounts, q.funnelCounts, q.stepCounts,
			q.serviceCounts, q.responseCounts, q.outcomeCounts, q.changeCounts,
		} {
			if err := read(ctx, tx, &c); err != nil {
				return err
			}
		}
		return q.gapCounts(ctx, tx, radius, &c)
	})
	if err != nil {
		return reports.Summary{}, fmt.Errorf("summary: %w", err)
	}
	return reports.Assemble(rf, c, costs), nil
}

func (q aggQuery) screeningCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_screenings", "t.version, t.arm, t.agency, t.concern, t.loneliness, t.isolation, t.quadrant", "sum(t.n)", func(scan func(...any) error) error {
		var s reports.ScreeningCount
		if err := scan(&s.Version, &s.Arm, &s.Agency, &s.Concern, &s.Loneliness, &s.Isolation, &s.Quadrant, &s.N); err != nil {
			return err
		}
		c.Screenings = append(c.Screenings, s)
		return nil
	})
}

func (q aggQuery) relationshipCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_relationships", "t.relationship, t.level", "sum(t.n)", func(scan func(...any) error) error {
		var r reports.RelationshipCount
		if err := scan(&r.Relationship, &r.Level, &r.N); err != nil || r.N == 0 {
			return err
		}
		c.Relationships = append(c.Relationships, r)
		return nil
	})
}

func (q aggQuery) measureCounts(ctx context.Context, tx *sql.Tx, table string, out *[]reports.MeasureCount) error {
	return q.each(ctx, tx, table, "t.arm, t.measure, t.value", "sum(t.n)", func(scan func(...any) error) error {
		var m reports.MeasureCount
		if err := scan(&m.Arm, &m.Measure, &m.Value, &m.N); err != nil || m.N == 0 {
			return err
		}
		*out = append(*out, m)
		return nil
	})
}

func (q aggQuery) concernCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.measureCounts(ctx, tx, "report_concerns", &c.Concerns)
}

func (q aggQuery) outcomeCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.measureCounts(ctx, tx, "report_outcomes", &c.Outcomes)
}

func (q aggQuery) funnelCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_funnel", "t.arm, t.agency", "sum(t.referrals), sum(t.sent), sum(t.accepted), sum(t.engaged), sum(t.closed)", func(scan func(...any) error) error {
		var r reports.FunnelCount
		x := &r.Funnel
		if err := scan(&r.Arm, &r.Agency, &x.Referrals, &x.Sent, &x.Accepted, &x.Engaged, &x.Closed); err != nil {
			return err
		}
		c.Funnel = append(c.Funnel, r)
		return nil
	})
}

func (q aggQuery) stepCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_steps", "t.agency, t.step, t.days", "sum(t.n)", func(scan func(...any) error) error {
		var s reports.StepCount
		if err := scan(&s.Agency, &s.Step, &s.Days, &s.N); err != nil || s.N == 0 {
			return err
		}
		c.Steps = append(c.Steps, s)
		return nil
	})
}

// serviceCounts reads each referred service's counts, with its name.
func (q aggQuery) serviceCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	err := q.each(ctx, tx, "report_services", "t.service_id", "sum(t.referrals), sum(t.accepted), sum(t.declined)", func(scan func(...any) error) error {
		var r reports.ServiceRow
		if err := scan(&r.ServiceID, &r.Referrals, &r.Accepted, &r.Declined); err != nil || r.Referrals == 0 {
			return err
		}
		c.Services = append(c.Services, r)
		return nil
	})
	if err != nil || len(c.Services) == 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM services WHERE site_id = ?`, q.site)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
	}
	for i := range c.Services {
		c.Services[i].Name = names[c.Services[i].ServiceID]
	}
	return rows.Err()
}

func (q aggQuery) responseCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_responses", "t.service_id, t.days", "sum(t.n)", func(scan func(...any) error) error {
		var r reports.ResponseCount
		if err := scan(&r.ServiceID, &r.Days, &r.N); err != nil || r.N == 0 {
			return err
		}
		c.Responses = append(c.Responses, r)
		return nil
	})
}

func (q aggQuery) changeCounts(ctx context.Context, tx *sql.Tx, c *reports.Counts) error {
	return q.each(ctx, tx, "report_changes", "t.arm, t.instrument", "sum(t.n), sum(t.sum), sum(t.sumsq), sum(t.lonely_first), sum(t.moved)", func(scan func(...any) error) error {
		var r reports.ChangeCount
		if err := scan(&r.Arm, &r.Instrument, &r.N, &r.Sum, &r.SumSq, &r.LonelyFirst, &r.Moved); err != nil {
			return err
		}
		c.Changes = append(c.Changes, r)
		return nil
	})
}

// gapCounts counts, by relationship, people with a need and those with no
// open service for it within radiusKm, deciding "within" against the
// directory as it is now, exactly as its distance search does.
func (q aggQuery) gapCounts(ctx context.Context, tx *sql.Tx, radiusKm float64, c *reports.Counts) error {
	type point struct {
		rel      string
		lat, lon float64
	}
	points := map[point]int{}
	err := q.each(ctx, tx, "report_gaps", "t.relationship, t.latitude, t.longitude", "sum(t.n)", func(scan func(...any) error) error {
		var p point
		var n int
		if err := scan(&p.rel, &p.lat, &p.lon, &n); err != nil || n == 0 {
			return err
		}
		points[p] += n
		return nil
	})
	if err != nil || len(points) == 0 {
		return err
	}
	locs, err := gapLocations(ctx, tx, q.site)
	if err != nil {
		return err
	}
	byRel := map[string]*reports.GapCount{}
	for p, n := range points {
		g := byRel[p.rel]
		if g == nil {
			g = &reports.GapCount{Relationship: p.rel}
			byRel[p.rel] = g
		}
		g.People += n
		if !serviceWithin(locs[p.rel], p.lat, p.lon, radiusKm) {
			g.NoServiceWithin += n
		}
	}
	for _, g := range byRel {
		c.Gaps = append(c.Gaps, *g)
	}
	return nil
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
