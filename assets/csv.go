package assets

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kith-project/kith"
)

// csvTables are the HSDS tables the import reads, each under the names that
// HSDS 3.0 and the UK profile's examples use (the first is preferred when a
// file carries both), with the columns without which it cannot be joined.
// Other tables (funding, programs, metadata...) are ignored.
var csvTables = []struct {
	key      string
	names    []string
	required []string
}{
	{"services", []string{"services.csv", "service.csv"}, []string{"id", "name"}},
	{"organizations", []string{"organizations.csv", "organization.csv"}, []string{"id", "name"}},
	{"locations", []string{"locations.csv", "location.csv"}, []string{"id"}},
	{"service_at_locations", []string{"service_at_locations.csv", "service_at_location.csv"}, []string{"service_id", "location_id"}},
	{"addresses", []string{"addresses.csv", "address.csv"}, []string{"location_id"}},
	{"phones", []string{"phones.csv", "phone.csv"}, []string{"number"}},
	{"schedules", []string{"schedules.csv", "schedule.csv"}, nil},
	{"cost_options", []string{"cost_options.csv", "cost_option.csv"}, []string{"service_id"}},
	{"languages", []string{"languages.csv", "language.csv"}, nil},
	{"accessibility", []string{"accessibility.csv", "accessibility_for_disabilities.csv"}, []string{"location_id"}},
	{"contacts", []string{"contacts.csv", "contact.csv"}, nil},
	{"attributes", []string{"attributes.csv", "attribute.csv"}, []string{"link_id", "taxonomy_term_id"}},
	{"taxonomy_terms", []string{"taxonomy_terms.csv", "taxonomy_term.csv"}, []string{"id"}},
	{"service_areas", []string{"service_areas.csv", "service_area.csv"}, []string{"service_id"}},
}

// numericColumns hold numbers in HSDS; a CSV cell in one becomes a JSON
// number, so the CSV and JSON imports share one mapping and one set of rules.
var numericColumns = map[string]bool{
	"latitude": true, "longitude": true, "minimum_age": true, "maximum_age": true,
	"amount": true, "extension": true, "interval": true, "count": true,
}

// table is one CSV file. Row numbers are as a spreadsheet shows them, the
// header being row 1, so "services.csv[3]" is the second service.
type table struct {
	file string
	rows []csvRow
}

type csvRow struct {
	n     int
	cells map[string]string
}

func (r csvRow) at(t *table) string { return fmt.Sprintf("%s[%d]", t.file, r.n) }

// ParseCSV reads the HSDS tabular files, keyed by file name (a path is
// reduced to its base name), joins them by id into services, and maps and
// checks each as ParseJSON does. Problems name the file and row,
// "services.csv[3].name". All or nothing, like ParseJSON. Only services.csv
// is required; Kith's own fields travel in attributes.csv and
// taxonomy_terms.csv exactly as in JSON.
func ParseCSV(files map[string][]byte, siteCategories []string) (*Import, error) {
	byBase := map[string]string{}
	var errs problemList
	for _, name := range slices.Sorted(maps.Keys(files)) {
		base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
		if first, dup := byBase[base]; dup {
			errs.add(kith.FieldError{Field: name, Message: fmt.Sprintf("has the same name as %s", first)})
			continue
		}
		byBase[base] = name
	}
	tables := map[string]*table{}
	var warnings []Warning
	for _, spec := range csvTables {
		var chosen string
		for _, n := range spec.names {
			if given, ok := byBase[n]; ok {
				if chosen != "" {
					warnings = append(warnings, Warning{Field: path.Base(given), Message: fmt.Sprintf("ignored: %s is read instead", path.Base(byBase[chosen]))})
					continue
				}
				chosen = n
			}
		}
		if chosen == "" {
			continue
		}
		given := byBase[chosen]
		if t := readTable(path.Base(given), files[given], spec.required, &errs); t != nil {
			tables[spec.key] = t
		}
	}
	if tables["services"] == nil && len(errs.list) == 0 {
		errs.add(kith.FieldError{Field: "services.csv", Message: "is required"})
	}
	if err := errs.err(); err != nil {
		return nil, err
	}

	j := newJoiner(tables)
	imp := &Import{Services: []Service{}, Warnings: append([]Warning{}, warnings...)}
	ids := map[string]string{}
	for _, row := range tables["services"].rows {
		doc, origins := j.service(row)
		locate := func(p string) string { return originOf(p, origins) }
		s, warns, kerrs := mapService(doc, siteCategories, locate)
		errs.add(dedupe(kerrs)...)
		if s.ID != "" {
			if first, dup := ids[s.ID]; dup {
				errs.add(kith.FieldError{Field: row.at(j.t["services"]) + ".id", Message: fmt.Sprintf("%q is also the id of %s", s.ID, first)})
			} else {
				ids[s.ID] = row.at(j.t["services"])
			}
		}
		imp.Services = append(imp.Services, s)
		imp.Warnings = append(imp.Warnings, j.takeWarnings()...)
		imp.Warnings = append(imp.Warnings, warns...)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return imp, nil
}

// readTable parses one CSV file, reporting every ragged row. A syntax error
// (a stray quote) ends the file, since nothing after it can be trusted.
func readTable(file string, data []byte, required []string, errs *problemList) *table {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		errs.add(kith.FieldError{Field: file, Message: "is not UTF-8 text: save it as CSV UTF-8"})
		return nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		errs.add(kith.FieldError{Field: file, Message: "is empty: it needs a header row naming the columns"})
		return nil
	}
	if err != nil {
		errs.add(kith.FieldError{Field: file, Message: csvProblem(err)})
		return nil
	}
	ok := true
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if header[i] != "" && slices.Index(header, header[i]) < i {
			errs.add(kith.FieldError{Field: file, Message: fmt.Sprintf("has the column %q twice", header[i])})
			ok = false
		}
	}
	for _, c := range required {
		if !slices.Contains(header, c) {
			errs.add(kith.FieldError{Field: file, Message: fmt.Sprintf("has no %q column", c)})
			ok = false
		}
	}
	t := &table{file: file}
	for n := 2; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs.add(kith.FieldError{Field: fmt.Sprintf("%s[%d]", file, n), Message: csvProblem(err)})
			return nil
		}
		if len(rec) != len(header) {
			errs.add(kith.FieldError{Field: fmt.Sprintf("%s[%d]", file, n), Message: fmt.Sprintf("has %d fields where the header has %d", len(rec), len(header))})
			ok = false
			continue
		}
		row := csvRow{n: n, cells: make(map[string]string, len(rec))}
		for i, v := range rec {
			if v = strings.TrimSpace(v); v != "" && header[i] != "" {
				row.cells[header[i]] = v
			}
		}
		if len(row.cells) > 0 {
			t.rows = append(t.rows, row)
		}
	}
	if !ok {
		return nil
	}
	return t
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return err.Error()
}

// joiner builds, for each services.csv row, the nested HSDS document the
// JSON import reads, recording which file and row each part came from.
type joiner struct {
	t       map[string]*table
	index   map[string]map[string][]csvRow // "table.column" → value → rows
	warns   []Warning
	origins map[string]string
}

func newJoiner(tables map[string]*table) *joiner {
	return &joiner{t: tables, index: map[string]map[string][]csvRow{}}
}

// rows returns the rows of a table whose column holds value, indexing the
// column on first use.
func (j *joiner) rows(tbl, column, value string) []csvRow {
	t := j.t[tbl]
	if t == nil || value == "" {
		return nil
	}
	key := tbl + "." + column
	idx, ok := j.index[key]
	if !ok {
		idx = map[string][]csvRow{}
		for _, r := range t.rows {
			if v := r.cells[column]; v != "" {
				idx[v] = append(idx[v], r)
			}
		}
		j.index[key] = idx
	}
	return idx[value]
}

func (j *joiner) takeWarnings() []Warning {
	w := j.warns
	j.warns = nil
	return w
}

// object turns a row into a JSON object, recording its origin at docPath.
func (j *joiner) object(tbl string, r csvRow, docPath string) map[string]any {
	t := j.t[tbl]
	o := make(map[string]any, len(r.cells))
	for k, v := range r.cells {
		if numericColumns[k] {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				o[k] = json.Number(v)
				continue
			}
		}
		o[k] = v
	}
	j.origins[docPath] = r.at(t)
	return o
}

func (j *joiner) list(tbl, column, value, docPath string, extra func(csvRow, map[string]any, string)) []any {
	var out []any
	for i, r := range j.rows(tbl, column, value) {
		p := fmt.Sprintf("%s[%d]", docPath, i)
		o := j.object(tbl, r, p)
		if extra != nil {
			extra(r, o, p)
		}
		out = append(out, o)
	}
	return out
}

func (j *joiner) service(row csvRow) (map[string]any, map[string]string) {
	j.origins = map[string]string{}
	doc := j.object("services", row, "")
	id := row.cells["id"]
	svcAt := row.at(j.t["services"])

	if orgID := row.cells["organization_id"]; orgID != "" && j.t["organizations"] != nil {
		if orgs := j.rows("organizations", "id", orgID); len(orgs) > 0 {
			doc["organization"] = j.object("organizations", orgs[0], "organization")
		} else {
			j.warn(svcAt+".organization_id", "names no row of %s; the organization is left out", j.t["organizations"].file)
		}
	}

	var sals []any
	var salIDs []string
	for _, r := range j.rows("service_at_locations", "service_id", id) {
		p := fmt.Sprintf("service_at_locations[%d]", len(sals))
		locID := r.cells["location_id"]
		locs := j.rows("locations", "id", locID)
		if len(locs) == 0 {
			j.warn(r.at(j.t["service_at_locations"])+".location_id", "names no row of locations.csv; the location is left out")
			continue
		}
		sal := j.object("service_at_locations", r, p)
		loc := j.object("locations", locs[0], p+".location")
		putList(loc, "addresses", j.list("addresses", "location_id", locID, p+".location.addresses", nil))
		putList(loc, "accessibility", j.list("accessibility", "location_id", locID, p+".location.accessibility", nil))
		sal["location"] = loc
		if salID := r.cells["id"]; salID != "" {
			salIDs = append(salIDs, salID)
			var scheds []any
			for _, s := range j.rows("schedules", "service_at_location_id", salID) {
				if s.cells["service_id"] != id {
					scheds = append(scheds, j.object("schedules", s, fmt.Sprintf("%s.schedules[%d]", p, len(scheds))))
				}
			}
			putList(sal, "schedules", scheds)
		}
		sals = append(sals, sal)
	}
	putList(doc, "service_at_locations", sals)

	phonesOf := func(r csvRow, o map[string]any, p string) {
		putList(o, "phones", j.list("phones", "contact_id", r.cells["id"], p+".phones", nil))
	}
	contacts := j.list("contacts", "service_id", id, "contacts", phonesOf)
	for _, salID := range salIDs {
		for _, r := range j.rows("contacts", "service_at_location_id", salID) {
			if r.cells["service_id"] != id {
				p := fmt.Sprintf("contacts[%d]", len(contacts))
				o := j.object("contacts", r, p)
				phonesOf(r, o, p)
				contacts = append(contacts, o)
			}
		}
	}
	putList(doc, "contacts", contacts)
	putList(doc, "phones", j.list("phones", "service_id", id, "phones", nil))
	putList(doc, "schedules", j.list("schedules", "service_id", id, "schedules", nil))
	putList(doc, "cost_options", j.list("cost_options", "service_id", id, "cost_options", nil))
	putList(doc, "languages", j.list("languages", "service_id", id, "languages", nil))
	putList(doc, "service_areas", j.list("service_areas", "service_id", id, "service_areas", nil))

	var attrs []any
	for _, r := range j.rows("attributes", "link_id", id) {
		p := fmt.Sprintf("attributes[%d]", len(attrs))
		terms := j.rows("taxonomy_terms", "id", r.cells["taxonomy_term_id"])
		if len(terms) == 0 {
			j.warn(r.at(j.t["attributes"])+".taxonomy_term_id", "names no row of taxonomy_terms.csv; the attribute is left out")
			continue
		}
		a := j.object("attributes", r, p)
		a["taxonomy_term"] = j.object("taxonomy_terms", terms[0], p+".taxonomy_term")
		attrs = append(attrs, a)
	}
	putList(doc, "attributes", attrs)
	return doc, j.origins
}

func (j *joiner) warn(field, format string, args ...any) {
	j.warns = append(j.warns, Warning{Field: field, Message: fmt.Sprintf(format, args...)})
}

func putList(o map[string]any, key string, list []any) {
	if len(list) > 0 {
		o[key] = list
	}
}

// originOf names the file and row a document path came from: the longest
// recorded prefix, with the rest of the path as the column.
func originOf(docPath string, origins map[string]string) string {
	for p := docPath; ; {
		if o, ok := origins[p]; ok {
			rest := strings.TrimPrefix(docPath[len(p):], ".")
			if i := strings.IndexAny(rest, ".["); i >= 0 {
				rest = rest[:i] // a nested path inside a row is still that row's column
			}
			return joinPath(o, rest)
		}
		if p == "" {
			return docPath
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			i = 0
		}
		p = p[:i]
	}
}

// Zip limits: a directory export is a few megabytes; anything near these is
// a mistake or a zip bomb, refused before it is inflated.
const (
	maxZipBytes = 50 << 20
	maxZipFiles = 200
)

// ParseZip reads the HSDS CSV files from a zip archive (in any folder; other
// files are ignored) and imports them as ParseCSV does. It refuses archives
// that hold more than 200 entries or inflate to more than 50 MiB, counting
// the bytes actually inflated rather than trusting the archive's headers.
func ParseZip(data []byte, siteCategories []string) (*Import, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, kith.Errorf(kith.EBADREQUEST, "The file is not a zip archive.")
	}
	if len(zr.File) > maxZipFiles {
		return nil, kith.Errorf(kith.ETOOLARGE, "The zip archive holds %d entries; at most %d are accepted.", len(zr.File), maxZipFiles)
	}
	files := map[string][]byte{}
	var total int64
	var errs problemList
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		base := path.Base(name)
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, ".") ||
			!strings.EqualFold(path.Ext(base), ".csv") {
			continue
		}
		if f.UncompressedSize64 > uint64(maxZipBytes-total) {
			return nil, tooLarge()
		}
		b, err := readZipFile(f, maxZipBytes-total)
		if errors.Is(err, errTooLarge) {
			return nil, tooLarge()
		}
		if err != nil {
			errs.add(kith.FieldError{Field: name, Message: "cannot be read from the zip archive"})
			continue
		}
		total += int64(len(b))
		if _, dup := files[strings.ToLower(base)]; dup {
			errs.add(kith.FieldError{Field: name, Message: "has the same name as another file in the archive"})
			continue
		}
		files[strings.ToLower(base)] = b
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return ParseCSV(files, siteCategories)
}

var errTooLarge = errors.New("too large")

func tooLarge() error {
	return kith.Errorf(kith.ETOOLARGE, "The zip archive inflates to more than %d MiB.", maxZipBytes>>20)
}

func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}
