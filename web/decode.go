package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/labstack/echo/v4"
)

// maxBody is the largest JSON body the API accepts.
const maxBody = 1 << 20

// readJSONBody checks the content type and reads at most maxBody bytes of
// valid UTF-8. The bytes are returned so callers can hash them (idempotency).
func readJSONBody(c echo.Context) ([]byte, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != echo.MIMEApplicationJSON {
		return nil, &kith.Error{Code: kith.EUNSUPPORTED, Message: "The request body must be JSON.",
			Fields: []kith.FieldError{{Field: "Content-Type", Message: "must be application/json"}}}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &kith.Error{Code: kith.ETOOLARGE, Message: "The request body is larger than 1 MiB.",
			Fields: []kith.FieldError{{Field: "body", Message: "must be at most 1 MiB"}}}
	}
	if err != nil {
		return nil, &kith.Error{Code: kith.EBADREQUEST, Message: "The request body could not be read.",
			Fields: []kith.FieldError{{Field: "body", Message: "could not be read"}}}
	}
	if !utf8.Valid(body) {
		return nil, &kith.Error{Code: kith.EBADREQUEST, Message: "The request body is not valid UTF-8.",
			Fields: []kith.FieldError{{Field: "body", Message: "must be valid UTF-8"}}}
	}
	if field, ok := jsonNUL(body); ok {
		return nil, nulError(field)
	}
	return body, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and anything after the value. Errors name the field.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &kith.Error{Code: kith.EBADREQUEST, Message: "The request body has data after the JSON value.",
			Fields: []kith.FieldError{{Field: "body", Message: "must hold exactly one JSON value"}}}
	}
	return nil
}

// jsonError turns an encoding/json error into a field error.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &kith.Error{Code: kith.EBADREQUEST, Message: "The request body is empty.",
			Fields: []kith.FieldError{{Field: "body", Message: "must be a JSON object"}}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &kith.Error{Code: kith.EBADREQUEST, Message: "The request body is not valid JSON.",
			Fields: []kith.FieldError{{Field: "body", Message: "ends before the JSON value is complete"}}}
	case errors.As(err, &se):
		return &kith.Error{Code: kith.EBADREQUEST, Message: "The request body is not valid JSON.",
			Fields: []kith.FieldError{{Field: "body", Message: fmt.Sprintf("is not valid JSON at byte %d", se.Offset)}}}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return kith.Invalid(kith.FieldError{Field: field, Message: "must be " + jsonKind(te.Type.Kind().String(), te.Type.String())})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return kith.Invalid(kith.FieldError{Field: name, Message: "is not a known field"})
	}
	return &kith.Error{Code: kith.EBADREQUEST, Message: "The request body is not valid JSON.",
		Fields: []kith.FieldError{{Field: "body", Message: "is not valid JSON"}}}
}

func jsonKind(kind, typ string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	if typ == "json.RawMessage" {
		return "a JSON value"
	}
	return "of the right type"
}

// bindJSON reads, strictly decodes and validates a request body into v.
func (s *Server) bindJSON(c echo.Context, v any) ([]byte, error) {
	body, err := readJSONBody(c)
	if err != nil {
		return nil, err
	}
	if err := decodeStrict(body, v); err != nil {
		return nil, err
	}
	if err := s.validate(v); err != nil {
		return nil, err
	}
	return body, nil
}

// pageParams reads page and per_page: page from 1, per_page 1 to 100,
// default 20. Out of range is an error, never clamped.
func pageParams(c echo.Context) (kith.Page, error) {
	p := kith.Page{Number: 1, Size: 20}
	var fields []kith.FieldError
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			fields = append(fields, kith.FieldError{Field: "page", Message: "must be a whole number from 1"})
		} else {
			p.Number = n
		}
	}
	if v := c.QueryParam("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fields = append(fields, kith.FieldError{Field: "per_page", Message: "must be a whole number from 1 to 100"})
		} else {
			p.Size = n
		}
	}
	if len(fields) > 0 {
		return p, kith.Invalid(fields...)
	}
	return p, nil
}

// listBody is the shape of every list the API returns.
type listBody[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func newList[T any](items []T, total int, p kith.Page) listBody[T] {
	if items == nil {
		items = []T{}
	}
	return listBody[T]{Items: items, Total: total, Page: p.Number, PerPage: p.Size}
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}
