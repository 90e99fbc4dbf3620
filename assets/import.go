package assets

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kith-project/kith"
)

// ParseJSON reads an Open Referral UK (or HSDS 3.0) JSON document: one
// service, an array of services, or a list page whose contents are services.
// Each service must pass the ORUK service schema and Kith's own checks.
//
// It is all or nothing: if any service has a problem, nothing is imported
// and the error lists every problem by its path in the document ("name",
// "[0].locations[1].latitude", "contents[2].name"). A document that is not
// JSON is a bad request. A leading byte-order mark is ignored.
func ParseJSON(data []byte, siteCategories []string) (*Import, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if err != nil {
		return nil, kith.Errorf(kith.EBADREQUEST, "The file is not valid JSON: %v.", err)
	}
	var items []any
	var at func(int) string
	switch d := doc.(type) {
	case map[string]any:
		if c, isPage := d["contents"]; isPage {
			list, ok := c.([]any)
			if !ok {
				return nil, kith.Invalid(kith.FieldError{Field: "contents", Message: "must be an array of services"})
			}
			items, at = list, func(i int) string { return fmt.Sprintf("contents[%d]", i) }
		} else {
			items, at = []any{d}, func(int) string { return "" }
		}
	case []any:
		items, at = d, func(i int) string { return fmt.Sprintf("[%d]", i) }
	default:
		return nil, kith.Invalid(kith.FieldError{Field: "body", Message: "must be a service, an array of services or a page of services"})
	}

	schema, _ := orukSchemas()
	imp := &Import{Services: make([]Service, 0, len(items)), Warnings: []Warning{}}
	var errs problemList
	ids := map[string]string{}
	for i, item := range items {
		prefix := at(i)
		found := schemaErrors(schema, item, prefix)
		o, ok := item.(map[string]any)
		if !ok {
			errs.add(found...)
			continue
		}
		s, warns, kerrs := mapService(o, siteCategories, func(p string) string { return joinPath(prefix, p) })
		errs.add(dedupe(append(found, kerrs...))...)
		if s.ID != "" {
			if first, dup := ids[s.ID]; dup {
				errs.add(kith.FieldError{Field: joinPath(prefix, "id"), Message: fmt.Sprintf("%q is also the id of %s", s.ID, first)})
			} else {
				ids[s.ID] = prefix
			}
		}
		imp.Services = append(imp.Services, s)
		imp.Warnings = append(imp.Warnings, warns...)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return imp, nil
}

// problemList gathers the problems of a whole file, up to maxReported.
// A problem seen twice (one bad CSV row joined into two services) is listed
// once.
type problemList struct {
	list    []kith.FieldError
	seen    map[kith.FieldError]bool
	dropped int
}

func (p *problemList) add(fe ...kith.FieldError) {
	if p.seen == nil {
		p.seen = map[kith.FieldError]bool{}
	}
	for _, f := range fe {
		if p.seen[f] {
			continue
		}
		p.seen[f] = true
		if len(p.list) < maxReported {
			p.list = append(p.list, f)
		} else {
			p.dropped++
		}
	}
}

func (p *problemList) err() error {
	if len(p.list) == 0 {
		return nil
	}
	list := p.list
	if p.dropped > 0 {
		list = append(list, kith.FieldError{Field: "body", Message: fmt.Sprintf("and %d more problems not listed", p.dropped)})
	}
	return kith.Invalid(list...)
}

// dedupe keeps one problem per field, and none inside a field that already
// has one: the schema and Kith's checks often see the same fault.
func dedupe(errs []kith.FieldError) []kith.FieldError {
	seen := map[string]bool{}
	out := errs[:0:0]
	for _, e := range errs {
		if covered(e.Field, seen) {
			continue
		}
		seen[e.Field] = true
		out = append(out, e)
	}
	return out
}

func covered(field string, seen map[string]bool) bool {
	for p := field; ; {
		if seen[p] {
			return true
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return false
		}
		p = p[:i]
	}
}

// PublishOnImport decides whether an imported service is published on the
// site's open feed. Open Referral documents do not say: a new service
// (wasPublic nil) is published, and an existing one keeps the choice a
// lead made.
func PublishOnImport(wasPublic *bool) bool {
	if wasPublic == nil {
		return true
	}
	return *wasPublic
}
