// Package kith holds the vocabulary every other package shares: the small set
// of error kinds that the web layer maps to HTTP statuses in one place, and
// field-level validation errors that name the offending field by its JSON path.
//
// Domain packages (screening, assets, pathways, referral) return *Error values;
// storage and web wrap or translate them; only web/errors.go knows about HTTP.
package kith

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Each maps to exactly one HTTP status in web/errors.go.
const (
	EINVALID      = "invalid"      // the request is well-formed but breaks a rule (422)
	EBADREQUEST   = "bad_request"  // the request could not be parsed (400)
	ENOTFOUND     = "not_found"    // no such record in the caller's site (404)
	ECONFLICT     = "conflict"     // the record's state forbids the change (409)
	EFORBIDDEN    = "forbidden"    // the caller's role may not do this (403)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials (401)
	ETOOLARGE     = "too_large"    // a body over the limit (413)
	EUNSUPPORTED  = "unsupported"  // wrong content type (415)
	ERATELIMITED  = "rate_limited" // too many requests (429)
	EINTERNAL     = "internal"     // anything else (500); detail never reaches a client
)

// FieldError names one field (by JSON path, e.g. "instruments.djg6.answers[2]")
// and says in plain words what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the application error. Message is safe to show to a person.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// Extra carries additional problem members (for example the allowed
	// transitions of a 409). Keys are snake_case JSON member names.
	Extra map[string]any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("kith %s: %s", e.Code, e.Message)
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return fmt.Sprintf("kith %s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a validation error listing the given field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: "The request has invalid fields.", Fields: fields}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-safe message of err, or a generic one for
// internal errors so that internal detail never reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error."
}

// FieldErrors returns the field errors carried by err, if any.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
