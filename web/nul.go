package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/labstack/echo/v4"
)

// A NUL character is never meaningful in Kith's text, and PostgreSQL cannot
// store one in a text column, so the service refuses it wherever a request
// carries text: in the path (no record's name holds one: not found), the
// query and a form (422, naming the field) and a JSON body (readJSONBody).

// refuseNUL answers a request with a NUL in its path or query before any
// handler reads it.
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.ContainsRune(r.URL.Path, 0) {
			return &kith.Error{Code: kith.ENOTFOUND, Message: "There is no such page or record."}
		}
		if f, ok := nulIn(r.URL.Query()); ok {
			return nulError(f)
		}
		return next(c)
	}
}

// refuseNULForm answers a page's URL-encoded form with a NUL in a field;
// it runs after pageBodyLimit has bounded the body and the CSRF check has
// parsed it.
func refuseNULForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
			if err := r.ParseForm(); err == nil {
				// "next" is only where to go afterwards: one holding a NUL
				// is dropped (the page goes to its default), so a person
				// signing in is never told about a field they did not fill.
				if v := r.PostForm.Get("next"); strings.ContainsRune(v, 0) {
					r.PostForm.Del("next")
					r.Form.Del("next")
				}
				if f, ok := nulIn(r.PostForm); ok {
					return nulError(f)
				}
			}
		}
		return next(c)
	}
}

func nulIn(values map[string][]string) (string, bool) {
	for k, vs := range values {
		if strings.ContainsRune(k, 0) {
			return "query", true
		}
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return k, true
			}
		}
	}
	return "", false
}

func nulError(field string) error {
	return &kith.Error{Code: kith.EINVALID, Message: "The request holds a NUL character, which no text may hold.",
		Fields: []kith.FieldError{{Field: field, Message: "must not hold a NUL character"}}}
}

// jsonNUL finds a string of a JSON body holding a NUL (written \u0000)
// and names its field ("person.name", "indicators[2]"). The body is
// decoded a second time only when its bytes hold that escape.
func jsonNUL(body []byte) (string, bool) {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return "", false
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", false // decodeStrict names the syntax error
	}
	return nulPath(v, "")
}

func nulPath(v any, at string) (string, bool) {
	join := func(k string) string {
		if at == "" {
			return k
		}
		return at + "." + k
	}
	switch x := v.(type) {
	case string:
		return orBody(at), strings.ContainsRune(x, 0)
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) {
				return orBody(at), true
			}
			if f, ok := nulPath(e, join(k)); ok {
				return f, true
			}
		}
	case []any:
		for i, e := range x {
			if f, ok := nulPath(e, at+"["+strconv.Itoa(i)+"]"); ok {
				return f, true
			}
		}
	}
	return "", false
}

func orBody(at string) string {
	if at == "" {
		return "body"
	}
	return at
}
