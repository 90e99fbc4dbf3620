package postgres

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/reports"
)

// periodRanges splits [from, to) (whole UTC days) into runs of report
// periods: whole months as 'mYYYY-MM', other days as 'dYYYY-MM-DD', each
// run an inclusive text range.
func periodRanges(from, to time.Time) (lo, hi []string) {
	last := byte(0)
	add := func(level byte, p string) {
		if last == level && len(lo) > 0 {
			hi[len(hi)-1] = p
			return
		}
		lo, hi, last = append(lo, p), append(hi, p), level
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
	return lo, hi
}

// countRow is one kind's counter summed over the filter's periods.
type countRow struct {
	kind    string
	version int
	arm     string
	keys    []string
	v       [5]int64
}

// Summary computes a site's evaluation for a period of whole UTC days from
// report_counts: the grouped counts go to reports.Assemble. Counts are
// exact; the cost grows with the days, agencies, services and located
// points in the period, not with the screenings.
func (db *DB) Summary(ctx context.Context, a kith.Actor, f app.ReportFilter, costs []kith.CostItem) (reports.Summary, error) {
	rf := reports.Filter{From: f.From.Format(time.DateOnly), To: f.To.AddDate(0, 0, -1).Format(time.DateOnly),
		PathwayVersion: f.PathwayVersion, Arm: f.Arm, GapRadiusKm: f.GapRadiusKm}
	day := func(t time.Time) bool { return t.Equal(t.UTC().Truncate(24 * time.Hour)) }
	if !day(f.From) || !day(f.To) {
		return reports.Summary{From: rf.From, To: rf.To, PathwayVersion: f.PathwayVersion, Arm: f.Arm},
			fmt.Errorf("summary: the period must be whole UTC days, not %s to %s", f.From, f.To)
	}
	radius := f.GapRadiusKm
	if radius <= 0 {
		radius = assets.DefaultRadiusKm
	}
	lo, hi := periodRanges(f.From.UTC(), f.To.UTC())
	var c reports.Counts
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT t.kind, t.version, t.arm, t.keys, sum(t.v1), sum(t.v2), sum(t.v3), sum(t.v4), sum(t.v5)
			FROM unnest($2::text[], $3::text[]) AS r(lo, hi) JOIN report_counts t ON t.period BETWEEN r.lo AND r.hi
			WHERE t.site_id = $1 AND ($4::int IS NULL OR t.version = $4) AND ($5 = '' OR t.arm = $5)
			GROUP BY t.kind, t.version, t.arm, t.keys`, a.Site, lo, hi, f.PathwayVersion, f.Arm)
		if err != nil {
			return err
		}
		var r countRow
		var v [5]*int64
		gaps := map[string]map[[2]float64]int{}
		_, err = pgx.ForEachRow(rows, []any{&r.kind, &r.version, &r.arm, &r.keys, &v[0], &v[1], &v[2], &v[3], &v[4]}, func() error {
			for i := range v {
				r.v[i] = 0
				if v[i] != nil {
					r.v[i] = *v[i]
				}
			}
			return addCountRow(&c, gaps, r)
		})
		if err != nil {
			return err
		}
		if err := serviceNames(ctx, tx, a.Site, c.Services); err != nil {
			return err
		}
		return gapCounts(ctx, tx, a.Site, gaps, radius, &c)
	})
	if err != nil {
		return reports.Summary{}, fmt.Errorf("summary: %w", err)
	}
	return reports.Assemble(rf, mergeCounts(c), costs), nil
}

// addCountRow puts one summed counter where reports.Counts wants it.
func addCountRow(c *reports.Counts, gaps map[string]map[[2]float64]int, r countRow) error {
	k, n := r.keys, int(r.v[0])
	num := func(s string) int { i, _ := strconv.Atoi(s); return i }
	switch r.kind {
	case reports.TallyScreening:
		c.Screenings = append(c.Screenings, reports.ScreeningCount{Version: r.version, Arm: r.arm, Agency: k[0], Concern: k[1] == "1",
			Loneliness: k[2], Isolation: k[3], Quadrant: k[4], N: n})
	case reports.TallyRelationship:
		c.Relationships = append(c.Relationships, reports.RelationshipCount{Relationship: k[0], Level: k[1], N: n})
	case reports.TallyConcern:
		c.Concerns = append(c.Concerns, reports.MeasureCount{Arm: r.arm, Measure: k[0], Value: k[1], N: n})
	case reports.TallyOutcome:
		c.Outcomes = append(c.Outcomes, reports.MeasureCount{Arm: r.arm, Measure: k[0], Value: k[1], N: n})
	case reports.TallyFunnel:
		c.Funnel = append(c.Funnel, reports.FunnelCount{Arm: r.arm, Agency: k[0], Funnel: reports.Funnel{Referrals: n,
			Sent: int(r.v[1]), Accepted: int(r.v[2]), Engaged: int(r.v[3]), Closed: int(r.v[4])}})
	case reports.TallyStep:
		c.Steps = append(c.Steps, reports.StepCount{Agency: k[0], Step: k[1], Days: num(k[2]), N: n})
	case reports.TallyService:
		c.Services = append(c.Services, reports.ServiceRow{ServiceID: k[0], Referrals: n, Accepted: int(r.v[1]), Declined: int(r.v[2])})
	case reports.TallyResponse:
		c.Responses = append(c.Responses, reports.ResponseCount{ServiceID: k[0], Days: num(k[1]), N: n})
	case reports.TallyChange:
		c.Changes = append(c.Changes, reports.ChangeCount{Arm: r.arm, Instrument: k[0], N: r.v[0], Sum: r.v[1], SumSq: r.v[2],
			LonelyFirst: r.v[3], Moved: r.v[4]})
	case reports.TallyGap:
		lat, err1 := strconv.ParseFloat(k[1], 64)
		lon, err2 := strconv.ParseFloat(k[2], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("gap point %q %q", k[1], k[2])
		}
		if gaps[k[0]] == nil {
			gaps[k[0]] = map[[2]float64]int{}
		}
		gaps[k[0]][[2]float64{lat, lon}] += n
	default:
		return fmt.Errorf("unknown report count kind %q", r.kind)
	}
	return nil
}

// mergeCounts adds together the rows that differ only by what sqlite's
// grouping leaves out (pathway version, and arm where it is not kept), so
// each key comes once, as reports.Assemble expects.
func mergeCounts(c reports.Counts) reports.Counts {
	var out reports.Counts
	type sk struct {
		v                           int
		arm, agency, lon, iso, quad string
		concern                     bool
	}
	scr := map[sk]int{}
	for _, s := range c.Screenings {
		scr[sk{s.Version, s.Arm, s.Agency, s.Loneliness, s.Isolation, s.Quadrant, s.Concern}] += s.N
	}
	for k, n := range scr {
		out.Screenings = append(out.Screenings, reports.ScreeningCount{Version: k.v, Arm: k.arm, Agency: k.agency, Concern: k.concern,
			Loneliness: k.lon, Isolation: k.iso, Quadrant: k.quad, N: n})
	}
	rel := map[[2]string]int{}
	for _, r := range c.Relationships {
		rel[[2]string{r.Relationship, r.Level}] += r.N
	}
	for k, n := range rel {
		out.Relationships = append(out.Relationships, reports.RelationshipCount{Relationship: k[0], Level: k[1], N: n})
	}
	out.Concerns, out.Outcomes = mergeMeasures(c.Concerns), mergeMeasures(c.Outcomes)
	fun := map[[2]string]reports.Funnel{}
	for _, f := range c.Funnel {
		x := fun[[2]string{f.Arm, f.Agency}]
		x.Referrals, x.Sent, x.Accepted, x.Engaged, x.Closed = x.Referrals+f.Funnel.Referrals, x.Sent+f.Funnel.Sent,
			x.Accepted+f.Funnel.Accepted, x.Engaged+f.Funnel.Engaged, x.Closed+f.Funnel.Closed
		fun[[2]string{f.Arm, f.Agency}] = x
	}
	for k, f := range fun {
		out.Funnel = append(out.Funnel, reports.FunnelCount{Arm: k[0], Agency: k[1], Funnel: f})
	}
	type stk struct {
		agency, step string
		days         int
	}
	steps := map[stk]int{}
	for _, s := range c.Steps {
		steps[stk{s.Agency, s.Step, s.Days}] += s.N
	}
	for k, n := range steps {
		out.Steps = append(out.Steps, reports.StepCount{Agency: k.agency, Step: k.step, Days: k.days, N: n})
	}
	out.Services, out.Responses, out.Changes = mergeServices(c.Services), mergeResponses(c.Responses), mergeChanges(c.Changes)
	out.Gaps = c.Gaps
	return out
}

func mergeMeasures(rows []reports.MeasureCount) []reports.MeasureCount {
	m := map[[3]string]int{}
	for _, r := range rows {
		m[[3]string{r.Arm, r.Measure, r.Value}] += r.N
	}
	var out []reports.MeasureCount
	for k, n := range m {
		out = append(out, reports.MeasureCount{Arm: k[0], Measure: k[1], Value: k[2], N: n})
	}
	return out
}

func mergeServices(rows []reports.ServiceRow) []reports.ServiceRow {
	m := map[string]*reports.ServiceRow{}
	var out []reports.ServiceRow
	for _, r := range rows {
		x := m[r.ServiceID]
		if x == nil {
			x = &reports.ServiceRow{ServiceID: r.ServiceID, Name: r.Name}
			m[r.ServiceID] = x
		}
		x.Referrals, x.Accepted, x.Declined = x.Referrals+r.Referrals, x.Accepted+r.Accepted, x.Declined+r.Declined
	}
	for _, x := range m {
		if x.Referrals != 0 {
			out = append(out, *x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ServiceID < out[j].ServiceID })
	return out
}

func mergeResponses(rows []reports.ResponseCount) []reports.ResponseCount {
	type k struct {
		id   string
		days int
	}
	m := map[k]int{}
	for _, r := range rows {
		m[k{r.ServiceID, r.Days}] += r.N
	}
	var out []reports.ResponseCount
	for x, n := range m {
		out = append(out, reports.ResponseCount{ServiceID: x.id, Days: x.days, N: n})
	}
	return out
}

func mergeChanges(rows []reports.ChangeCount) []reports.ChangeCount {
	m := map[[2]string]reports.ChangeCount{}
	for _, r := range rows {
		x := m[[2]string{r.Arm, r.Instrument}]
		x.Arm, x.Instrument = r.Arm, r.Instrument
		x.N, x.Sum, x.SumSq, x.LonelyFirst, x.Moved = x.N+r.N, x.Sum+r.Sum, x.SumSq+r.SumSq, x.LonelyFirst+r.LonelyFirst, x.Moved+r.Moved
		m[[2]string{r.Arm, r.Instrument}] = x
	}
	var out []reports.ChangeCount
	for _, x := range m {
		out = append(out, x)
	}
	return out
}

// serviceNames fills in the names of the referred services.
func serviceNames(ctx context.Context, tx pgx.Tx, site string, rows []reports.ServiceRow) error {
	if len(rows) == 0 {
		return nil
	}
	names := map[string]string{}
	var id, name string
	if err := forEach(ctx, tx, `SELECT id, name FROM services WHERE site_id = $1`, []any{site}, []any{&id, &name},
		func() { names[id] = name }); err != nil {
		return err
	}
	for i := range rows {
		rows[i].Name = names[rows[i].ServiceID]
	}
	return nil
}

// gapCounts counts, by relationship, people with a need and those with no
// open service for it within radiusKm, deciding "within" against the
// directory as it is now, as its distance search does (the box, then the
// exact distance).
func gapCounts(ctx context.Context, tx pgx.Tx, site string, points map[string]map[[2]float64]int, radiusKm float64, c *reports.Counts) error {
	if len(points) == 0 {
		return nil
	}
	locs := map[string][][2]float64{}
	var rel string
	var lat, lon float64
	err := forEach(ctx, tx, `SELECT t.value, l.latitude, l.longitude FROM services sv
		JOIN service_tags t ON t.service_pk = sv.pk AND t.kind = 'relationship'
		JOIN service_locations l ON l.service_pk = sv.pk
		WHERE sv.site_id = $1 AND sv.deleted_at IS NULL AND sv.capacity <> 'full'`, []any{site}, []any{&rel, &lat, &lon},
		func() { locs[rel] = append(locs[rel], [2]float64{lat, lon}) })
	if err != nil {
		return fmt.Errorf("gap locations: %w", err)
	}
	for rel, ps := range points {
		g := reports.GapCount{Relationship: rel}
		for p, n := range ps {
			if n == 0 {
				continue
			}
			g.People += n
			if !serviceWithin(locs[rel], p[0], p[1], radiusKm) {
				g.NoServiceWithin += n
			}
		}
		if g.People > 0 {
			c.Gaps = append(c.Gaps, g)
		}
	}
	return nil
}

// serviceWithin reports whether one of locs is within radiusKm of the
// point: inside the bounding box, then by distance.
func serviceWithin(locs [][2]float64, lat, lon, radiusKm float64) bool {
	minLat, maxLat, minLon, maxLon := assets.BoundingBox(lat, lon, radiusKm)
	for _, l := range locs {
		if l[0] >= minLat && l[0] <= maxLat && l[1] >= minLon && l[1] <= maxLon && assets.DistanceKm(lat, lon, l[0], l[1]) <= radiusKm {
			return true
		}
	}
	return false
}
