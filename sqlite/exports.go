package sqlite

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// SNOMED CT codes for social prescribing, carried on referral rows.
const (
	SnomedReferredToSocialPrescribing = "871731000000106"
	SnomedSocialPrescribingDeclined   = "871711000000103"
)

// ConcernReturnRows are the site's concerns in the Safeguarding Adults
// Collection's terms, one row each, for the annual return.
func (db *DB) ConcernReturnRows(ctx context.Context, a kith.Actor, from, to time.Time) ([][]string, error) {
	rows, err := db.read.QueryContext(ctx, concernColumns+` WHERE site_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at`, a.Site, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	defer rows.Close()
	out := [][]string{{"reference", "raised_on", "types_of_risk", "location_of_risk", "source_of_risk", "enquiry", "instead_of_enquiry",
		"msp_desired_outcomes_asked", "msp_achieved", "risk_assessment", "risk_outcome", "still_to_complete"}}
	for rows.Next() {
		c, err := scanConcern(rows)
		if err != nil {
			return nil, err
		}
		row := []string{c.Reference, c.CreatedAt.Format(time.DateOnly), strings.Join(c.TypesOfRisk, ";"), c.LocationOfRisk, c.SourceOfRisk, "", "", "", "", "", "", ""}
		if o := c.Outcome; o != nil {
			row[5], row[6], row[7], row[8], row[9], row[10] = o.Enquiry, o.Instead, o.MSPAsked, o.MSPAchieved, o.RiskAssessment, o.RiskOutcome
		}
		// Location and source are never invented: the row says which the
		// safeguarding team has still to complete.
		var missing []string
		if c.LocationOfRisk == "" {
			missing = append(missing, "location_of_risk")
		}
		if c.SourceOfRisk == "" {
			missing = append(missing, "source_of_risk")
		}
		row[11] = strings.Join(missing, ";")
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, a, "export:concerns", "")
}

// pseudonym is stable per site: the same screening always gets the same
// pseudonym in that site's extracts, and it cannot be reversed without the
// site's key.
func pseudonym(key []byte, site, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(site + "\x00" + id))
	return "P" + hex.EncodeToString(m.Sum(nil))[:16]
}

// ResearchRows is the pseudonymised research extract: one row per
// screening and referral, with no name, contact detail, postcode or free
// text; dates to the month.
func (db *DB) ResearchRows(ctx context.Context, a kith.Actor, from, to time.Time) ([][]string, error) {
	key, err := db.Secret(ctx, "pseudonym:"+a.Site)
	if err != nil {
		return nil, err
	}
	rels := []string{"risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"}
	header := []string{"person", "month", "agency", "action", "quadrant", "loneliness", "isolation", "choice_respected"}
	for _, r := range rels {
		header = append(header, "level_"+r)
	}
	for _, code := range []string{"ucla3", "djg6", "ons_loneliness", "lsns6", "easi", "csi", "cir"} {
		header = append(header, code+"_classification")
	}
	header = append(header, "pathway_version", "arm", "referral", "referral_state", "fhir_task_status", "snomed_code", "category", "achieved", "feels_safer", "loneliness_delta")
	out := [][]string{header}
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT s.id, s.created_at, s.agency, s.action, s.quadrant, s.loneliness, s.isolation, s.result,
			coalesce(s.pathway_version, 0), coalesce(s.arm, '') FROM screenings s WHERE s.site_id = ? AND s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at`,
			a.Site, fmtTime(from), fmtTime(to))
		if err != nil {
			return err
		}
		type scr struct {
			row []string
			id  string
		}
		var list []scr
		for rows.Next() {
			var id, created, agency, action, quadrant, lonely, isolated, result, arm string
			var version int
			if err := rows.Scan(&id, &created, &agency, &action, &quadrant, &lonely, &isolated, &result, &version, &arm); err != nil {
				rows.Close()
				return err
			}
			var st StoredScreening
			if err := json.Unmarshal([]byte(result), &st); err != nil {
				rows.Close()
				return err
			}
			row := []string{pseudonym(key, a.Site, id), created[:7], agency, action, quadrant, lonely, isolated, strconv.FormatBool(st.ChoiceRespected)}
			for _, r := range rels {
				row = append(row, st.Relationships[r].Level)
			}
			for _, code := range []string{"ucla3", "djg6", "ons_loneliness", "lsns6", "easi", "csi", "cir"} {
				row = append(row, st.Instruments[code].Classification)
			}
			v := ""
			if version > 0 {
				v = strconv.Itoa(version)
			}
			row = append(row, v, arm)
			list = append(list, scr{row: row, id: id})
		}
		rows.Close()
		for _, s := range list {
			rrows, err := tx.QueryContext(ctx, `SELECT r.id, r.state, coalesce(sv.category, ''), r.outcome, r.loneliness_change FROM referrals r
				LEFT JOIN services sv ON sv.site_id = r.site_id AND sv.id = r.service_id WHERE r.site_id = ? AND r.screening_id = ? ORDER BY r.created_at`, a.Site, s.id)
			if err != nil {
				return err
			}
			n := 0
			for rrows.Next() {
				var id, state, cat string
				var outcome, change sql.NullString
				if err := rrows.Scan(&id, &state, &cat, &outcome, &change); err != nil {
					rrows.Close()
					return err
				}
				n++
				snomed := SnomedReferredToSocialPrescribing
				if state == string(referral.Declined) || state == string(referral.Withdrawn) {
					snomed = SnomedSocialPrescribingDeclined
				}
				achieved, safer, delta := "", "", ""
				if outcome.Valid {
					var o referral.Outcome
					_ = json.Unmarshal([]byte(outcome.String), &o)
					achieved, safer = o.Achieved, o.FeelsSafer
				}
				if change.Valid {
					var ch referral.Change
					_ = json.Unmarshal([]byte(change.String), &ch)
					if ch.Delta != nil {
						delta = strconv.Itoa(*ch.Delta)
					}
				}
				row := append(append([]string{}, s.row...), pseudonym(key, a.Site, id), state, referral.FHIRStatus(referral.State(state)), snomed, cat, achieved, safer, delta)
				out = append(out, row)
			}
			rrows.Close()
			if n == 0 {
				out = append(out, append(append([]string{}, s.row...), "", "", "", "", "", "", "", ""))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("research extract: %w", err)
	}
	return out, db.AuditRead(ctx, a, "export:research", "")
}

// SubjectAccess gathers everything held about the person screened in a
// screening: the screening as submitted and scored, every referral with its
// history, notes and attempts, concerns, and the audit trail about them.
func (db *DB) SubjectAccess(ctx context.Context, a kith.Actor, screeningID string) (map[string]any, error) {
	out := map[string]any{"generated_at": db.now(), "site": a.Site, "screening_id": screeningID}
	lead := a
	lead.Role = kith.RoleLead
	st, err := db.Screening(ctx, lead, screeningID)
	if err != nil {
		return nil, err
	}
	req, err := db.ScreeningRequest(ctx, lead, screeningID)
	if err != nil {
		return nil, err
	}
	out["screening"] = map[string]any{"as_submitted": req, "result": st}
	var refs []referral.Referral
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		r, err := db.Referral(ctx, lead, id)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	out["referrals"] = refs
	mine := []Concern{}
	switch c, err := db.ScreeningConcern(ctx, lead, screeningID); {
	case err == nil:
		mine = append(mine, c)
	case kith.ErrorCode(err) != kith.ENOTFOUND:
		return nil, err
	}
	out["concerns"] = mine
	var audit []kith.AuditEntry
	for _, id := range append([]string{screeningID}, ids...) {
		items, _, err := db.ListAudit(ctx, a.Site, kith.AuditFilter{EntityID: id, Page: kith.Page{Number: 1, Size: 1000}})
		if err != nil {
			return nil, err
		}
		audit = append(audit, items...)
	}
	sort.Slice(audit, func(i, j int) bool { return audit[i].ID < audit[j].ID })
	out["audit"] = audit
	if err := db.AuditRead(ctx, a, "subject_access", screeningID); err != nil {
		return nil, err
	}
	return out, nil
}

// removed replaces personal data that retention has taken out.
const removed = "[removed under the site's retention policy]"

// ApplyRetention pseudonymises the personal data of screenings whose
// referrals are all final (or which have none) and which are older than
// the site's retention period: names, addresses, postcodes, coordinates,
// the person's own words, safe-contact details and notes go; the counts and
// codes the statistics use stay. It returns how many screenings it changed.
func (db *DB) ApplyRetention(ctx context.Context, a kith.Actor, days int) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	cutoff := fmtTime(db.now().AddDate(0, 0, -days))
	n := 0
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, request, result FROM screenings s WHERE s.site_id = ? AND s.created_at < ?
			AND json_extract(s.request, '$.person.name') <> ?
			AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.site_id = s.site_id AND r.screening_id = s.id
				AND r.state NOT IN ('closed', 'withdrawn', 'rerouted', 'escalated'))`, a.Site, cutoff, removed)
		if err != nil {
			return err
		}
		type item struct{ id, req, res string }
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.req, &it.res); err != nil {
				rows.Close()
				return err
			}
			items = append(items, it)
		}
		rows.Close()
		for _, it := range items {
			var req screening.Request
			if err := json.Unmarshal([]byte(it.req), &req); err != nil {
				return err
			}
			if req.Person != nil {
				req.Person.Name, req.Person.NameLatin, req.Person.Address = removed, "", ""
				req.Person.Postcode, req.Person.Latitude, req.Person.Longitude, req.Person.Interests = "", nil, nil, nil
			}
			req.Wishes, req.DesiredOutcomes, req.ClientRef = "", nil, ""
			if req.SafeContact != nil {
				req.SafeContact.Times, req.SafeContact.DoNotContact = "", ""
			}
			if req.Observer != nil {
				req.Observer.Role, req.Observer.Organisation = "", ""
			}
			b, err := json.Marshal(&req)
			if err != nil {
				return err
			}
			var st StoredScreening
			if err := json.Unmarshal([]byte(it.res), &st); err != nil {
				return err
			}
			st.SafeContact.Times, st.SafeContact.DoNotContact = "", ""
			st.Location = Location{Source: "unknown"}
			// Reasons may quote the person's own words.
			for i, raw := range st.Recommendations {
				var rec map[string]any
				if json.Unmarshal(raw, &rec) != nil {
					continue
				}
				if reasons, ok := rec["reasons"].([]any); ok {
					kept := []any{}
					for _, r := range reasons {
						if s, _ := r.(string); !strings.HasPrefix(s, "Matches what the person said") {
							kept = append(kept, r)
						}
					}
					rec["reasons"] = kept
				}
				if b, err := json.Marshal(rec); err == nil {
					st.Recommendations[i] = b
				}
			}
			rb, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE screenings SET request = ?, result = ?, latitude = NULL, longitude = NULL, idempotency_key = NULL WHERE site_id = ? AND id = ?`,
				string(b), string(rb), a.Site, it.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contact_attempts SET note = '' WHERE site_id = ? AND referral_id IN (SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?)`,
				a.Site, a.Site, it.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE referrals SET outcome = json_remove(outcome, '$.note') WHERE site_id = ? AND screening_id = ? AND outcome IS NOT NULL`,
				a.Site, it.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE referral_notes SET note = ? WHERE site_id = ? AND referral_id IN (SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?)`,
				removed, a.Site, a.Site, it.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE referral_history SET note = '' WHERE site_id = ? AND referral_id IN (SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?)`,
				a.Site, a.Site, it.id); err != nil {
				return err
			}
			if err := db.insertAudit(ctx, tx, a, "retention", "screening", it.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	return n, nil
}

// SitesWithRetention lists sites and their retention periods, for the job.
func (db *DB) SitesWithRetention(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, settings FROM sites`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id, settings string
		if err := rows.Scan(&id, &settings); err != nil {
			return nil, err
		}
		var s kith.SiteSettings
		if json.Unmarshal([]byte(settings), &s) == nil && s.RetentionDays > 0 {
			out[id] = s.RetentionDays
		}
	}
	return out, rows.Err()
}
