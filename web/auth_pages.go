package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/password"
	"github.com/labstack/echo/v4"
)

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

type signInForm struct {
	Email    string `form:"email" validate:"required,max=200"`
	Password string `form:"password" validate:"required,max=256"`
	Next     string `form:"next" validate:"max=2000"`
	// SSO are the sites whose people sign in with their council account.
	SSO []kith.Site
}

func (s *Server) signInPage(c echo.Context) error {
	sites, err := s.app.OIDCSites(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sign_in", pageData{Title: "Sign in",
		Data: signInForm{Next: safeNext(c.QueryParam("next")), SSO: sites}})
}

func (s *Server) signIn(c echo.Context) error {
	var f signInForm
	f.Email = strings.TrimSpace(c.FormValue("email"))
	f.Password = c.FormValue("password")
	f.Next = safeNext(c.FormValue("next"))
	show := func(status int, errs ...kith.FieldError) error {
		f.Password = ""
		f.SSO, _ = s.app.OIDCSites(c.Request().Context())
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
	} else if len(f.Password) > password.MaxLength {
		errs = append(errs, kith.FieldError{Field: "password", Message: "Enter a correct email address and password"})
	}
	if len(errs) > 0 {
		return show(http.StatusUnprocessableEntity, errs...)
	}
	// The limit per address (20 a minute) does not apply to a browser that
	// has signed in to this account before: an office behind one NAT
	// address, or an attacker there, can never lock out everyone.
	if !s.knownDevice(c, f.Email) {
		if ok, _ := s.limits.signInAddress.Allow(c.RealIP()); !ok {
			return show(http.StatusTooManyRequests, kith.FieldError{Field: "email",
				Message: "Too many attempts to sign in from this network. Wait a few minutes, then try again"})
		}
	}
	res, err := s.app.SignIn(c.Request().Context(), requestActor(c), f.Email, f.Password)
	if fe := kith.FieldErrors(err); len(fe) > 0 {
		return show(pageStatus(err), fe...)
	}
	if err != nil {
		return err
	}
	s.rememberDevice(c, res.User.Email)
	switch res.Step {
	case app.NeedCode:
		s.setPendingCookie(c, res.Session)
		return c.Redirect(http.StatusSeeOther, "/sign-in/code?next="+url.QueryEscape(f.Next))
	case app.NeedEnrolment:
		s.setPendingCookie(c, res.Session)
		return c.Redirect(http.StatusSeeOther, "/sign-in/enrol?next="+url.QueryEscape(f.Next))
	}
	s.setSessionCookie(c, res.Session)
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// requestActor is the request's id and address, before anyone is known.
func requestActor(c echo.Context) kith.Actor {
	return kith.Actor{RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
}

// pageStatus is the status of a form shown again with an error's fields.
func pageStatus(err error) int {
	if st, ok := statusOf[kith.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusUnprocessableEntity
}

func (s *Server) setSessionCookie(c echo.Context, secret string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: int(app.SessionLifetime.Seconds())})
}

// signOut ends the session; someone who signed in through the council's
// provider goes on to its own sign-out, where it has one.
func (s *Server) signOut(c echo.Context) error {
	next := "/sign-in"
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if u, err := s.app.SessionUser(c.Request().Context(), ck.Value); err == nil {
			a := userActor(c, u)
			if err := s.app.DeleteSession(c.Request().Context(), a, ck.Value); err != nil {
				return err
			}
			if u.SSO {
				if out := s.ssoSignOutURL(c, u); out != "" {
					next = out
				}
			}
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, next)
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
