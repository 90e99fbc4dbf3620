package web

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/kith-project/kith"
)

// newValidator makes the one validator the service uses, reporting fields by
// their JSON names so an error names what the client sent.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "form", "query"} {
			name := strings.SplitN(f.Tag.Get(tag), ",", 2)[0]
			if name == "-" {
				return ""
			}
			if name != "" {
				return name
			}
		}
		return f.Name
	})
	return v
}

// validate checks v's struct tags and returns a kith.EINVALID error that
// lists every failing field by its JSON path.
func (s *Server) validate(v any) error {
	err := s.validator.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make([]kith.FieldError, 0, len(ves))
	for _, fe := range ves {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		}
		fields = append(fields, kith.FieldError{Field: ns, Message: fieldMessage(fe)})
	}
	return kith.Invalid(fields...)
}

func fieldMessage(fe validator.FieldError) string {
	kind := fe.Kind()
	isText := kind == reflect.String
	isList := kind == reflect.Slice || kind == reflect.Map || kind == reflect.Array
	switch fe.Tag() {
	case "required", "required_with", "required_without", "required_if":
		return "is required"
	case "max", "lte":
		switch {
		case isText:
			return "must be at most " + fe.Param() + " characters"
		case isList:
			return "must have at most " + fe.Param() + " items"
		}
		return "must be at most " + fe.Param()
	case "min", "gte":
		switch {
		case isText:
			return "must be at least " + fe.Param() + " characters"
		case isList:
			return "must have at least " + fe.Param() + " items"
		}
		return "must be at least " + fe.Param()
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "email":
		return "must be an email address"
	case "hexcolor":
		return "must be a colour like #1d70b8"
	case "excluded_unless", "excluded_if", "excluded_with":
		return "must not be given here"
	case "unique":
		return "must not repeat a value"
	case "alphanum":
		return "must hold only letters and digits"
	case "hostname_rfc1123", "slug":
		return "must be lower-case letters, digits and hyphens"
	}
	return "is not valid (" + fe.Tag() + ")"
}
