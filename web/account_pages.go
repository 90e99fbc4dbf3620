package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
)

// The second step of signing in (a code, or setting up an authenticator),
// a person's own account page (password, authenticator) and the password
// reset link a lead makes. The use cases are app/signin.go.

const (
	pendingCookie = "kith_pending" // a session waiting for its second factor
	deviceCookie  = "kith_device"  // this browser has signed in to an account
	deviceKeyName = "device-cookie"
	accountPath   = "/account"
)

func (s *Server) setPendingCookie(c echo.Context, secret string) {
	c.SetCookie(&http.Cookie{Name: pendingCookie, Value: secret, Path: "/sign-in", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: int(app.PendingSignInLifetime.Seconds())})
}

func (s *Server) clearPendingCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: pendingCookie, Value: "", Path: "/sign-in", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// deviceMark is the device cookie's value for an account: an HMAC of the
// email under a key of the service's, so it cannot be made without one.
func (s *Server) deviceMark(c echo.Context, email string) (string, error) {
	key, err := s.app.Secret(c.Request().Context(), deviceKeyName)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.ToLower(strings.TrimSpace(email))))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// knownDevice says whether this browser signed in to the account before.
func (s *Server) knownDevice(c echo.Context, email string) bool {
	ck, err := c.Cookie(deviceCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	want, err := s.deviceMark(c, email)
	return err == nil && hmac.Equal([]byte(ck.Value), []byte(want))
}

// rememberDevice marks this browser as one the account signs in from
// (after a right password), for a year.
func (s *Server) rememberDevice(c echo.Context, email string) {
	v, err := s.deviceMark(c, email)
	if err != nil {
		return
	}
	c.SetCookie(&http.Cookie{Name: deviceCookie, Value: v, Path: "/sign-in", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
}

// pendingUser is the person half way through signing in.
func (s *Server) pendingUser(c echo.Context) (kith.User, string, error) {
	ck, err := c.Cookie(pendingCookie)
	if err != nil || ck.Value == "" {
		return kith.User{}, "", kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	u, err := s.app.PendingSignIn(c.Request().Context(), ck.Value)
	return u, ck.Value, err
}

type codeView struct {
	Next  string
	Enrol *enrolView
}

type enrolView struct {
	Secret string
	QR     template.URL
}

func (s *Server) signInCodePage(c echo.Context) error {
	if _, _, err := s.pendingUser(c); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sign_in_code", pageData{Title: "Enter your code", Data: codeView{Next: safeNext(c.QueryParam("next"))}})
}

func (s *Server) signInCode(c echo.Context) error {
	_, pending, err := s.pendingUser(c)
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"))
	code := c.FormValue("code")
	if strings.TrimSpace(code) == "" {
		return s.render(c, http.StatusUnprocessableEntity, "sign_in_code", pageData{Title: "Enter your code", Data: codeView{Next: next},
			Errors: []kith.FieldError{{Field: "code", Message: "Enter the 6-digit code from your authenticator app"}}})
	}
	_, full, err := s.app.VerifySecondFactor(c.Request().Context(), requestActor(c), pending, code)
	if fe := kith.FieldErrors(err); len(fe) > 0 {
		return s.render(c, pageStatus(err), "sign_in_code", pageData{Title: "Enter your code", Data: codeView{Next: next}, Errors: fe})
	}
	if err != nil {
		return err
	}
	s.clearPendingCookie(c)
	s.setSessionCookie(c, full)
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) enrolView(c echo.Context, u kith.User) (*enrolView, error) {
	en, err := s.app.BeginEnrolment(c.Request().Context(), u)
	if err != nil {
		return nil, err
	}
	return &enrolView{Secret: en.Secret, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRPNG))}, nil
}

func (s *Server) showEnrol(c echo.Context, status int, u kith.User, page, next string, errs []kith.FieldError) error {
	v, err := s.enrolView(c, u)
	if err != nil {
		return err
	}
	return s.render(c, status, page, pageData{Title: "Set up your authenticator app", Data: codeView{Next: next, Enrol: v}, Errors: errs})
}

func (s *Server) signInEnrolPage(c echo.Context) error {
	u, _, err := s.pendingUser(c)
	if err != nil {
		return err
	}
	return s.showEnrol(c, http.StatusOK, u, "sign_in_enrol", safeNext(c.QueryParam("next")), nil)
}

type recoveryView struct {
	Codes []string
	Next  string
}

func (s *Server) signInEnrol(c echo.Context) error {
	u, pending, err := s.pendingUser(c)
	if err != nil {
		return err
	}
	next := safeNext(c.FormValue("next"))
	_, codes, full, err := s.app.CompleteEnrolmentSignIn(c.Request().Context(), requestActor(c), pending, c.FormValue("code"))
	if fe := kith.FieldErrors(err); len(fe) > 0 {
		return s.showEnrol(c, pageStatus(err), u, "sign_in_enrol", next, fe)
	}
	if err != nil {
		return err
	}
	s.clearPendingCookie(c)
	s.setSessionCookie(c, full)
	c.Set(ctxUser, u)
	return s.render(c, http.StatusOK, "recovery_codes", pageData{Title: "Your recovery codes", Data: recoveryView{Codes: codes, Next: next}})
}

type accountView struct {
	Notice   string
	Enrolled bool
	Required bool
	SSO      bool
}

func (s *Server) accountPage(c echo.Context) error {
	return s.showAccount(c, http.StatusOK, nil)
}

func (s *Server) showAccount(c echo.Context, status int, errs []kith.FieldError) error {
	u, _ := c.Get(ctxUser).(kith.User)
	enrolled, err := s.app.MFAEnrolled(c.Request().Context(), u)
	if err != nil {
		return err
	}
	v := accountView{Enrolled: enrolled, Required: app.MFARequired(u.Role), SSO: u.SSO}
	if f, ok := s.takeFlash(c, accountPath); ok {
		v.Notice = f.Notice
	}
	return s.render(c, status, "account", pageData{Title: "Your account", Data: v, Errors: errs})
}

func (s *Server) changePassword(c echo.Context) error {
	ck, _ := c.Cookie(sessionCookie)
	current, next, again := c.FormValue("current_password"), c.FormValue("new_password"), c.FormValue("confirm_password")
	var errs []kith.FieldError
	if current == "" {
		errs = append(errs, kith.FieldError{Field: "current_password", Message: "Enter your current password"})
	}
	if next == "" {
		errs = append(errs, kith.FieldError{Field: "new_password", Message: "Enter a new password"})
	} else if next != again {
		errs = append(errs, kith.FieldError{Field: "confirm_password", Message: "The two new passwords are not the same"})
	}
	if len(errs) == 0 {
		err := s.app.ChangePassword(c.Request().Context(), actor(c), ck.Value, current, next)
		if errs = kith.FieldErrors(err); len(errs) == 0 && err != nil {
			return err
		}
		if len(errs) > 0 {
			return s.showAccount(c, pageStatus(err), errs)
		}
		return s.redirectWithNotice(c, accountPath, "Your password is changed. You are signed out everywhere else.")
	}
	return s.showAccount(c, http.StatusUnprocessableEntity, errs)
}

func (s *Server) accountMFAPage(c echo.Context) error {
	u, _ := c.Get(ctxUser).(kith.User)
	return s.showEnrol(c, http.StatusOK, u, "account_mfa", "", nil)
}

func (s *Server) accountMFA(c echo.Context) error {
	u, _ := c.Get(ctxUser).(kith.User)
	codes, err := s.app.ConfirmEnrolment(c.Request().Context(), actor(c), u, c.FormValue("code"))
	if fe := kith.FieldErrors(err); len(fe) > 0 {
		return s.showEnrol(c, pageStatus(err), u, "account_mfa", "", fe)
	}
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "recovery_codes", pageData{Title: "Your recovery codes", Data: recoveryView{Codes: codes, Next: accountPath}})
}

type resetView struct {
	Email string
	Token string
}

func (s *Server) resetPasswordPage(c echo.Context) error {
	tok := c.Param("token")
	u, err := s.app.PasswordResetUser(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "reset_password", pageData{Title: "Choose a new password", Data: resetView{Email: u.Email, Token: tok}})
}

func (s *Server) resetPassword(c echo.Context) error {
	tok := c.Param("token")
	u, err := s.app.PasswordResetUser(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	next, again := c.FormValue("new_password"), c.FormValue("confirm_password")
	var errs []kith.FieldError
	switch {
	case next == "":
		errs = []kith.FieldError{{Field: "new_password", Message: "Enter a new password"}}
	case next != again:
		errs = []kith.FieldError{{Field: "confirm_password", Message: "The two new passwords are not the same"}}
	default:
		_, err := s.app.CompletePasswordReset(c.Request().Context(), requestActor(c), tok, next)
		if errs = kith.FieldErrors(err); len(errs) == 0 {
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/sign-in")
		}
	}
	return s.render(c, http.StatusUnprocessableEntity, "reset_password", pageData{Title: "Choose a new password",
		Data: resetView{Email: u.Email, Token: tok}, Errors: errs})
}

// leadResetUser gives a lead a one-time link to pass to the person (in
// person or by phone), and with "mfa" removes their authenticator too.
func (s *Server) leadResetUser(c echo.Context) error {
	id, err := pathID(c, "User")
	if err != nil {
		return err
	}
	mfa := c.FormValue("mfa") == "yes"
	tok, err := s.app.ResetPassword(c.Request().Context(), actor(c), id, mfa)
	if err != nil {
		return err
	}
	msg := "Give them this link, in person or by phone, to choose a new password within a day (it works once): " + s.baseURL(c) + "/reset/" + tok
	if mfa {
		msg += " They will set up their authenticator app again when they next sign in."
	}
	return s.redirectWithNotice(c, leadUsersPath, msg)
}
