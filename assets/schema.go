package assets

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/kith-project/kith"
)

// The ORUK compiled schemas, copied unchanged (see schema/NOTICE). They carry
// no $schema; HSDS 3.0 is written for JSON Schema 2020-12, the default here.
//
//go:embed schema/service.json schema/service_list.json
var schemaFiles embed.FS

// orukSchemas compiles both schemas once, on first use, so that importing
// the package costs nothing at start-up. A compile failure is a build defect
// (the files are embedded), so it panics.
var orukSchemas = sync.OnceValues(func() (service, listItem *jsonschema.Schema) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	load := func(name string) *jsonschema.Schema {
		data, err := schemaFiles.ReadFile("schema/" + name)
		if err != nil {
			panic(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			panic(fmt.Errorf("assets: embedded schema %s: %w", name, err))
		}
		url := "https://kith.invalid/oruk/" + name
		if err := c.AddResource(url, doc); err != nil {
			panic(err)
		}
		return c.MustCompile(url)
	}
	return load("service.json"), load("service_list.json")
})

// ValidateORUKService checks one full service document (what the open feed's
// /services/{id} returns) against the ORUK service schema. Formats (uuid,
// uri, email) are annotations in JSON Schema 2020-12 and are not asserted.
func ValidateORUKService(doc []byte) error {
	s, _ := orukSchemas()
	return validateDoc(s, doc)
}

// ValidateORUKListItem checks one item of a list page's contents against the
// ORUK service list schema.
func ValidateORUKListItem(doc []byte) error {
	_, s := orukSchemas()
	return validateDoc(s, doc)
}

// ValidateORUKPage checks a page of the open feed: the ORUK Page fields with
// their types, and every item of contents against the list item schema.
func ValidateORUKPage(doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return kith.Errorf(kith.EBADREQUEST, "The document is not JSON: %v.", err)
	}
	page, ok := v.(map[string]any)
	if !ok {
		return kith.Invalid(kith.FieldError{Field: "body", Message: "must be an object"})
	}
	var errs []kith.FieldError
	check := func(field, want string, ok func(any) bool) {
		switch v, present := page[field]; {
		case !present:
			errs = append(errs, kith.FieldError{Field: field, Message: "is required"})
		case !ok(v):
			errs = append(errs, kith.FieldError{Field: field, Message: "must be " + want})
		}
	}
	for _, f := range []string{"total_items", "total_pages", "page_number", "size"} {
		check(f, "a whole number", func(v any) bool { n, ok := wholeNumber(v); return ok && n >= 0 })
	}
	for _, f := range []string{"first_page", "last_page", "empty"} {
		check(f, "true or false", func(v any) bool { _, ok := v.(bool); return ok })
	}
	check("contents", "an array", func(v any) bool { _, ok := v.([]any); return ok })
	contents, _ := page["contents"].([]any)
	_, item := orukSchemas()
	for i, c := range contents {
		errs = append(errs, schemaErrors(item, c, fmt.Sprintf("contents[%d]", i))...)
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

func validateDoc(s *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return kith.Errorf(kith.EBADREQUEST, "The document is not JSON: %v.", err)
	}
	if errs := schemaErrors(s, v, ""); len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

// schemaErrors validates v and turns the validator's tree of failures into
// field errors named by JSON path under prefix, one per failing leaf, in
// path order so the result does not depend on map iteration.
func schemaErrors(s *jsonschema.Schema, v any, prefix string) []kith.FieldError {
	err := s.Validate(v)
	var ve *jsonschema.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return nil
	}
	var out []kith.FieldError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		at := joinPath(prefix, instancePath(v, e.InstanceLocation))
		if r, ok := e.ErrorKind.(*kind.Required); ok {
			for _, m := range r.Missing {
				out = append(out, kith.FieldError{Field: joinPath(at, m), Message: "is required"})
			}
			return
		}
		out = append(out, kith.FieldError{Field: at, Message: schemaMessage(e.ErrorKind)})
	}
	walk(ve)
	slices.SortStableFunc(out, func(a, b kith.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return slices.Compact(out)
}

// instancePath turns a JSON pointer's tokens into a JSON path, walking the
// document to tell an array index from an object key that looks like one.
func instancePath(doc any, tokens []string) string {
	var b strings.Builder
	cur := doc
	for _, t := range tokens {
		switch c := cur.(type) {
		case []any:
			b.WriteString("[" + t + "]")
			if i, err := strconv.Atoi(t); err == nil && i >= 0 && i < len(c) {
				cur = c[i]
			} else {
				cur = nil
			}
		case map[string]any:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(t)
			cur = c[t]
		default:
			b.WriteString("." + t)
			cur = nil
		}
	}
	return b.String()
}

// schemaMessage words the failures the ORUK schemas can produce.
func schemaMessage(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("must be %s, not %s", article(strings.Join(k.Want, " or ")), article(k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return "must be one of " + quoteList(want)
	case *kind.Const:
		return fmt.Sprintf("must be %v", k.Want)
	case *kind.Format:
		return "is not a valid " + k.Want
	case *kind.AdditionalProperties:
		return "has unexpected fields " + quoteList(k.Properties)
	case *kind.FalseSchema:
		return "is not allowed"
	}
	return "does not match the Open Referral UK schema (" + strings.Join(k.KeywordPath(), "/") + ")"
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	case "null":
		return "null"
	}
	return "a " + t
}
