package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/password"
	"github.com/labstack/echo/v4"
)

// dummyHash is checked when no such user exists, so a sign-in for an
// unknown email takes as long as one for a known email.
var dummyHash, _ = password.Hash("kith-timing-equaliser")

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

type signInForm struct {
	Email    string `form:"email" validate:"required,max=200"`
	Password string `form:"password" validate:"required,max=256"`
	Next     string `form:"next" validate:"max=2000"`
}

func (s *Server) signInPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "sign_in", pageData{Title: "Sign in",
		Data: signInForm{Next: safeNext(c.QueryParam("next"))}})
}

func (s *Server) signIn(c echo.Context) error {
	var f signInForm
	f.Email = strings.TrimSpace(c.FormValue("email"))
	f.Password = c.FormValue("password")
	f.Next = safeNext(c.FormValue("next"))
	show := func(status int, errs ...kith.FieldError) error {
		f.Password = ""
		return s.render(c, status, "sign_in", pageData{Title: "Sign in", Errors: errs, Data: f})
	}
	var errs []kith.FieldError
	if f.Email == "" {
		errs = append(errs, kith.FieldError{Field: "email", Message: "Enter your email address"})
	} else if len(f.Email) > 200 {
		errs = append(errs, kith.FieldError{Field: "email", Message: "Email address must be 200 characters or fewer"})
	}
	if f.Password == "" {
		errs = append(errs, kith.FieldError{Field: "password", Message: "Enter your password"})
	}
	if len(errs) > 0 {
		return show(http.StatusUnprocessableEntity, errs...)
	}
	okAddr, _ := s.limits.signInAddress.Allow(c.RealIP())
	okAcct, _ := s.limits.signInAccount.Allow(strings.ToLower(f.Email))
	if !okAddr || !okAcct {
		return show(http.StatusTooManyRequests, kith.FieldError{Field: "email",
			Message: "Too many attempts to sign in. Wait a few minutes, then try again"})
	}
	ctx := c.Request().Context()
	u, hash, err := s.app.Credentials(ctx, f.Email)
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		_ = password.Verify(dummyHash, f.Password)
		return show(http.StatusUnprocessableEntity, kith.FieldError{Field: "email", Message: "Enter a correct email address and password"})
	}
	if err != nil {
		return err
	}
	if err := password.Verify(hash, f.Password); err != nil {
		if errors.Is(err, password.ErrMismatch) {
			return show(http.StatusUnprocessableEntity, kith.FieldError{Field: "email", Message: "Enter a correct email address and password"})
		}
		return err
	}
	a := userActor(c, u)
	secret, err := s.app.CreateSession(ctx, a, u.ID)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: 12 * 3600})
	return c.Redirect(http.StatusSeeOther, f.Next)
}

func (s *Server) signOut(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if u, err := s.app.SessionUser(c.Request().Context(), ck.Value); err == nil {
			a := userActor(c, u)
			if err := s.app.DeleteSession(c.Request().Context(), a, ck.Value); err != nil {
				return err
			}
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

// cookieSecure says whether cookies must be Secure: under TLS, behind a
// TLS-terminating proxy (KITH_SECURE_COOKIES), or when people reach the
// service at an https base URL.
func (s *Server) cookieSecure(c echo.Context) bool {
	return s.cfg.SecureCookies || strings.HasPrefix(s.cfg.BaseURL, "https://") || c.IsTLS()
}

// pageUser returns the signed-in user for a page request.
func (s *Server) pageUser(c echo.Context) (kith.User, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return kith.User{}, kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	return s.app.SessionUser(c.Request().Context(), ck.Value)
}

// signedIn requires a session for a page; without one the error handler
// redirects to /sign-in.
func (s *Server) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		u, err := s.pageUser(c)
		if err != nil {
			return err
		}
		c.Set(ctxUser, u)
		c.Set(ctxActor, userActor(c, u))
		return next(c)
	}
}

func (s *Server) home(c echo.Context) error {
	return s.render(c, http.StatusOK, "home", pageData{Title: "Home"})
}
