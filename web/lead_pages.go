package web

// The site lead's pages share what is in this file: the one-time result
// carried across the redirect after a form is sent (a notice, a new token's
// secret, an import report), paging links, and the way field errors are
// worded and pointed at the input they belong to.

import (
	"bytes"
	"compress/gzip"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kith-project/kith"
	"github.com/labstack/echo/v4"
)

// The result of a form is shown on the page the form redirects to
// (POST-redirect-GET), so reloading that page never sends the form again.
// It travels in a short-lived cookie sealed with AES-GCM under a key kept in
// the database: the browser cannot read or forge it, every instance of the
// service can open it, and nothing is kept on the server.
const (
	flashCookie   = "kith_flash"
	flashPath     = "/" // bound to a person, page and site; /account uses it too
	flashKeyName  = "page-flash"
	flashLifetime = 5 * time.Minute
	// maxFlashCookie keeps the cookie under the 4 KB browsers allow.
	maxFlashCookie = 3800
)

// flash is a one-time result for one person and one page.
type flash struct {
	User    int64  `json:"u"`
	Site    string `json:"s"`
	Page    string `json:"p"`
	Expires int64  `json:"e"`
	Notice  string `json:"n,omitempty"`
	// Secret is a new API token's secret, shown once.
	Secret    string `json:"t,omitempty"`
	TokenName string `json:"tn,omitempty"`
	TokenRole string `json:"tr,omitempty"`
	// Report is what an import did; warnings that do not fit in the cookie
	// are counted in MoreWarnings.
	Report       *importReport `json:"r,omitempty"`
	MoreWarnings int           `json:"m,omitempty"`
}

func (s *Server) flashCipher(c echo.Context) (cipher.AEAD, error) {
	key, err := s.app.Secret(c.Request().Context(), flashKeyName)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("flash cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

func sealFlash(aead cipher.AEAD, f flash) (string, error) {
	js, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("seal flash: %w", err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	if _, err := zw.Write(js); err != nil {
		return "", fmt.Errorf("seal flash: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("seal flash: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal flash: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, zb.Bytes(), []byte(flashCookie))), nil
}

func openFlash(aead cipher.AEAD, v string) (flash, error) {
	var f flash
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < aead.NonceSize() {
		return f, errors.New("malformed flash")
	}
	z, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(flashCookie))
	if err != nil {
		return f, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return f, err
	}
	js, err := io.ReadAll(io.LimitReader(zr, 1<<20))
	if err != nil {
		return f, err
	}
	return f, json.Unmarshal(js, &f)
}

// setFlash keeps f for the next view of page by the signed-in person. An
// import report too large for a cookie keeps its first warnings and counts
// the rest.
func (s *Server) setFlash(c echo.Context, page string, f flash) error {
	u, _ := c.Get(ctxUser).(kith.User)
	f.User, f.Site, f.Page, f.Expires = u.ID, u.Site, page, s.now().Add(flashLifetime).Unix()
	aead, err := s.flashCipher(c)
	if err != nil {
		return err
	}
	var sealed string
	for {
		if sealed, err = sealFlash(aead, f); err != nil {
			return err
		}
		if len(sealed) <= maxFlashCookie || f.Report == nil || len(f.Report.Warnings) == 0 {
			break
		}
		keep := len(f.Report.Warnings) / 2
		f.MoreWarnings += len(f.Report.Warnings) - keep
		f.Report.Warnings = f.Report.Warnings[:keep]
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: sealed, Path: flashPath, HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteStrictMode, MaxAge: int(flashLifetime.Seconds())})
	return nil
}

// takeFlash returns the result kept for this page, once: the cookie is
// cleared whatever it held. Anything forged, expired or meant for another
// person or page is ignored.
func (s *Server) takeFlash(c echo.Context, page string) (flash, bool) {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return flash{}, false
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: flashPath, HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteStrictMode, MaxAge: -1})
	aead, err := s.flashCipher(c)
	if err != nil {
		return flash{}, false
	}
	f, err := openFlash(aead, ck.Value)
	u, _ := c.Get(ctxUser).(kith.User)
	if err != nil || f.User != u.ID || f.Site != u.Site || f.Page != page || s.now().Unix() > f.Expires {
		return flash{}, false
	}
	return f, true
}

// redirectWithNotice shows notice on page after the redirect.
func (s *Server) redirectWithNotice(c echo.Context, page, notice string) error {
	if err := s.setFlash(c, page, flash{Notice: notice}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, page)
}

// pager is the paging links under a list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// newPager keeps the page's other query parameters in its links; param
// names the page number ("page", or "stale_page" for a second list).
func newPager(c echo.Context, param string, p kith.Page, total int) pager {
	pg := pager{Page: p.Number, Total: total, Pages: (total + p.Size - 1) / p.Size}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range c.QueryParams() {
			q[k] = v
		}
		q.Set(param, strconv.Itoa(n))
		return c.Request().URL.Path + "?" + q.Encode()
	}
	if p.Number > 1 {
		pg.Prev = link(min(p.Number-1, max(pg.Pages, 1)))
	}
	if p.Number < pg.Pages {
		pg.Next = link(p.Number + 1)
	}
	return pg
}

// pageNumber reads a page number from a query parameter other than "page".
func pageNumber(c echo.Context, param string, size int) (kith.Page, error) {
	p := kith.Page{Number: 1, Size: size}
	if v := c.QueryParam(param); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return p, kith.Invalid(kith.FieldError{Field: param, Message: "must be a whole number from 1"})
		}
		p.Number = n
	}
	return p, nil
}

// formErrors returns err's field errors worded for a page by label, which
// says which input each belongs to and what to call it. Errors that are not
// about a field (a conflict, a refused change) are kept with the field
// fallback. It returns nil for an error a person cannot fix, which the
// caller returns as it is.
func formErrors(err error, fallback string, label func(field string) (input, words string)) []kith.FieldError {
	fields := kith.FieldErrors(err)
	if len(fields) == 0 {
		switch kith.ErrorCode(err) {
		case kith.EINVALID, kith.ECONFLICT, kith.EBADREQUEST, kith.ETOOLARGE, kith.EUNSUPPORTED:
			return []kith.FieldError{{Field: fallback, Message: kith.ErrorMessage(err)}}
		}
		return nil
	}
	out := make([]kith.FieldError, 0, len(fields))
	for _, f := range fields {
		input, words := label(f.Field)
		msg := f.Message
		if words != "" {
			msg = words + ": " + msg
		}
		out = append(out, kith.FieldError{Field: input, Message: msg})
	}
	return out
}

// pathParam returns a path parameter as it was before URL escaping: an id
// may hold a character (such as "/") that only travels escaped.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath != "" {
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
	}
	return v
}
