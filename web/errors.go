package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/kith-project/kith"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[string]int{
	kith.EINVALID:      http.StatusUnprocessableEntity,
	kith.EBADREQUEST:   http.StatusBadRequest,
	kith.ENOTFOUND:     http.StatusNotFound,
	kith.ECONFLICT:     http.StatusConflict,
	kith.EFORBIDDEN:    http.StatusForbidden,
	kith.EUNAUTHORIZED: http.StatusUnauthorized,
	kith.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	kith.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	kith.ERATELIMITED:  http.StatusTooManyRequests,
	kith.EINTERNAL:     http.StatusInternalServerError,
}

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []kith.FieldError `json:"errors,omitempty"`
}

// tooLarge is the error for a body over limit (e.g. "20 MiB").
func tooLarge(limit string) *kith.Error {
	return &kith.Error{Code: kith.ETOOLARGE, Message: "The request body is larger than " + limit + ".",
		Fields: []kith.FieldError{{Field: "body", Message: "must be at most " + limit}}}
}

// bodyLimit is Echo's body limit (size as Echo writes it, e.g. "20M"),
// answering with the limit it applies: Echo's own 413 says nothing of
// the size, and the other bodies' 1 MiB would be wrong here.
func bodyLimit(size, limit string) echo.MiddlewareFunc {
	mw := middleware.BodyLimit(size)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := mw(next)
		return func(c echo.Context) error {
			err := h(c)
			var he *echo.HTTPError
			if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
				return tooLarge(limit)
			}
			return err
		}
	}
}

// fromEcho turns Echo's own errors (unknown route, wrong method, body
// limit, rate limit) into the application vocabulary.
func fromEcho(he *echo.HTTPError) *kith.Error {
	switch he.Code {
	case http.StatusNotFound:
		return kith.Errorf(kith.ENOTFOUND, "Not found.")
	case http.StatusMethodNotAllowed:
		return &kith.Error{Code: kith.EBADREQUEST, Message: "Method not allowed."}
	case http.StatusRequestEntityTooLarge:
		return tooLarge("1 MiB")
	case http.StatusTooManyRequests:
		return kith.Errorf(kith.ERATELIMITED, "Too many requests. Please slow down.")
	case http.StatusForbidden:
		// Echo's CSRF middleware answers 403 on a missing or wrong token.
		return kith.Errorf(kith.EFORBIDDEN, "The form has expired. Go back, reload the page and try again.")
	case http.StatusBadRequest:
		return kith.Errorf(kith.EBADREQUEST, "Bad request.")
	case http.StatusUnauthorized:
		return kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	return nil
}

// handleError is Echo's HTTPErrorHandler: the one place an error becomes a
// status and a body. Internal detail is logged here, once, and never sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var ke *kith.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ke):
	case errors.As(err, &he):
		ke = fromEcho(he)
	}
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if ke == nil || ke.Code == kith.EINTERNAL {
		s.log.Error("internal error", "request_id", reqID, "route", c.Path(), "method", c.Request().Method, "error", err.Error())
		ke = &kith.Error{Code: kith.EINTERNAL, Message: "Internal error. Quote request " + reqID + " if you report it."}
	}
	status, ok := statusOf[ke.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized && isPage(c) {
		_ = c.Redirect(http.StatusSeeOther, "/sign-in?next="+safeNext(c.Request().URL.RequestURI()))
		return
	}
	if isPage(c) {
		if rerr := s.renderError(c, status, ke); rerr != nil {
			s.log.Error("render error page", "request_id", reqID, "error", rerr.Error())
		}
		return
	}
	p := problem{Type: "about:blank", Title: ke.Message, Status: status, RequestID: reqID, Errors: ke.Fields}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	body := map[string]any{}
	for k, v := range ke.Extra {
		body[k] = v
	}
	body["type"], body["title"], body["status"], body["request_id"] = p.Type, p.Title, p.Status, p.RequestID
	if len(p.Errors) > 0 {
		body["errors"] = p.Errors
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(status)
	if werr := jsonEncode(c.Response(), body); werr != nil {
		s.log.Debug("write problem", slog.String("error", werr.Error()))
	}
}
