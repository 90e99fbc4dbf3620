package app

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/password"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Signing in with a local account: a password (NCSC rules, package
// password), then for every role but visitor a TOTP code from an
// authenticator app (RFC 6238, github.com/pquerna/otp) or a one-time
// recovery code. Wrong passwords and codes lock the account for a growing
// time; the web layer adds a limit per address.

// SignInRecord is what signing in needs to know about a user.
type SignInRecord struct {
	User          kith.User
	PasswordHash  string
	FailedSignIns int
	LockedUntil   time.Time
	TOTPSecret    string // sealed otpauth URL; empty: not enrolled
	TOTPPending   string // sealed otpauth URL shown during enrolment
	TOTPLastStep  int64
}

// MFARequired says whether a role must use a second factor: every role
// that reaches personal data beyond the screenings its holder made
// (navigators, leads, and any role added later). Visitors may choose to.
func MFARequired(r kith.Role) bool { return r != kith.RoleVisitor }

// Sign-in timings.
const (
	PendingSignInLifetime = 10 * time.Minute // to give the second factor
	PasswordResetLifetime = 24 * time.Hour
	lockAfter             = 5 // wrong attempts before the first lock
	firstLock             = time.Minute
	longestLock           = time.Hour
	recoveryCodes         = 10
	totpPeriod            = 30
	totpSealKey           = "totp-seal"
)

// LockoutDelay is how long an account is locked after its failures-th
// wrong attempt in a row: nothing for the first four, then one minute,
// doubling with each further one, at most an hour.
func LockoutDelay(failures int) time.Duration {
	if failures < lockAfter {
		return 0
	}
	d := firstLock
	for i := lockAfter; i < failures && d < longestLock; i++ {
		d *= 2
	}
	return min(d, longestLock)
}

// SignInStep is what a person must do after their password.
type SignInStep int

const (
	SignedIn      SignInStep = iota // nothing: the session is full
	NeedCode                        // give a code from their authenticator
	NeedEnrolment                   // set up an authenticator first
)

// SignInResult is a password accepted: the session (full, or pending the
// step) and its user.
type SignInResult struct {
	User    kith.User
	Step    SignInStep
	Session string
}

var errWrongPassword = kith.Invalid(kith.FieldError{Field: "email", Message: "Enter a correct email address and password"})

// dummyHash is checked when no such user exists, so a sign-in for an
// unknown email takes as long as one for a known email.
var dummyHash, _ = password.Hash("kith-timing-equaliser")

func lockedError(field string, until time.Time) error {
	return &kith.Error{Code: kith.ERATELIMITED, Message: "Too many wrong attempts.", Fields: []kith.FieldError{{Field: field,
		Message: fmt.Sprintf("Too many wrong attempts for this account. Wait until %s UTC, then try again, or ask your lead to reset your sign-in", until.Format("15:04"))}}}
}

// failed counts a wrong password or code against the account.
func (a *App) failed(ctx context.Context, rec SignInRecord) error {
	n := rec.FailedSignIns + 1
	var until time.Time
	if d := LockoutDelay(n); d > 0 {
		until = a.Now().Add(d)
	}
	return a.st.Users.RecordSignInFailure(ctx, rec.User.ID, until)
}

// SignIn checks an email and password. act carries the request (its id
// and address) for the audit trail.
func (a *App) SignIn(ctx context.Context, act kith.Actor, email, pw string) (SignInResult, error) {
	rec, err := a.st.Users.SignInRecord(ctx, email)
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		_ = password.Verify(dummyHash, pw)
		return SignInResult{}, errWrongPassword
	}
	if err != nil {
		return SignInResult{}, err
	}
	if a.Now().Before(rec.LockedUntil) {
		return SignInResult{}, lockedError("email", rec.LockedUntil)
	}
	if rec.PasswordHash == "" {
		// An account made by the council's sign-in service has no password.
		_ = password.Verify(dummyHash, pw)
		return SignInResult{}, kith.Invalid(kith.FieldError{Field: "email", Message: "This account signs in with your council account: use the button below"})
	}
	if err := password.Verify(rec.PasswordHash, pw); err != nil {
		if !errors.Is(err, password.ErrMismatch) {
			return SignInResult{}, err
		}
		if err := a.failed(ctx, rec); err != nil {
			return SignInResult{}, err
		}
		return SignInResult{}, errWrongPassword
	}
	if err := a.st.Users.ClearSignInFailures(ctx, rec.User.ID); err != nil {
		return SignInResult{}, err
	}
	act = userActor(act, rec.User)
	res := SignInResult{User: rec.User, Step: SignedIn}
	switch {
	case rec.TOTPSecret != "":
		res.Step = NeedCode
	case MFARequired(rec.User.Role):
		res.Step = NeedEnrolment
	}
	if res.Step == SignedIn {
		res.Session, err = a.st.Sessions.CreateSession(ctx, act, rec.User.ID, a.Now().Add(SessionLifetime))
	} else {
		res.Session, err = a.st.Sessions.CreatePendingSession(ctx, act, rec.User.ID, a.Now().Add(PendingSignInLifetime))
	}
	return res, err
}

// userActor is u as the actor of the request act describes.
func userActor(act kith.Actor, u kith.User) kith.Actor {
	return kith.Actor{Site: u.Site, Kind: "user", ID: fmt.Sprint(u.ID), UserID: u.ID, Role: u.Role, RequestID: act.RequestID, IP: act.IP}
}

// PendingSignIn is the user of a session waiting for its second factor.
func (a *App) PendingSignIn(ctx context.Context, secret string) (kith.User, error) {
	return a.st.Sessions.PendingSessionUser(ctx, secret)
}

// completeSignIn swaps a pending session for a full one with a new secret.
func (a *App) completeSignIn(ctx context.Context, act kith.Actor, pending string, u kith.User) (string, error) {
	if err := a.st.Sessions.DeleteSession(ctx, act, pending); err != nil {
		return "", err
	}
	return a.st.Sessions.CreateSession(ctx, act, u.ID, a.Now().Add(SessionLifetime))
}

// VerifySecondFactor checks a code (or a recovery code) for a pending
// session and returns the full session that replaces it.
func (a *App) VerifySecondFactor(ctx context.Context, act kith.Actor, pending, code string) (kith.User, string, error) {
	u, err := a.st.Sessions.PendingSessionUser(ctx, pending)
	if err != nil {
		return u, "", err
	}
	rec, err := a.st.Users.UserSignInRecord(ctx, u.Site, u.ID)
	if err != nil {
		return u, "", err
	}
	act = userActor(act, u)
	if a.Now().Before(rec.LockedUntil) {
		return u, "", lockedError("code", rec.LockedUntil)
	}
	if rec.TOTPSecret == "" {
		return u, "", kith.Errorf(kith.ECONFLICT, "Set up an authenticator app first.")
	}
	ok, err := a.checkCode(ctx, act, rec, code)
	if err != nil {
		return u, "", err
	}
	if !ok {
		if err := a.failed(ctx, rec); err != nil {
			return u, "", err
		}
		return u, "", kith.Invalid(kith.FieldError{Field: "code", Message: "Enter the 6-digit code your authenticator app shows now, or one of your recovery codes"})
	}
	if err := a.st.Users.ClearSignInFailures(ctx, u.ID); err != nil {
		return u, "", err
	}
	full, err := a.completeSignIn(ctx, act, pending, u)
	return u, full, err
}

// normaliseCode drops the spaces and hyphens people type in codes.
func normaliseCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// checkCode accepts a TOTP code of the step before, now or after (clock
// drift), each step once, or an unused recovery code.
func (a *App) checkCode(ctx context.Context, act kith.Actor, rec SignInRecord, code string) (bool, error) {
	code = normaliseCode(code)
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		key, err := a.openKey(ctx, rec.TOTPSecret)
		if err != nil {
			return false, err
		}
		step, ok, err := a.matchStep(key, code)
		if err != nil || !ok {
			return false, err
		}
		return a.st.Users.UseTOTPStep(ctx, rec.User.ID, step)
	}
	if code == "" || len(code) > 40 {
		return false, nil
	}
	return a.st.Users.UseRecoveryCode(ctx, act, rec.User.ID, hashCode(code))
}

// matchStep finds the time step (the one before, now, or the one after,
// for clock drift) whose code is code.
func (a *App) matchStep(key *otp.Key, code string) (int64, bool, error) {
	now := a.Now().Unix() / totpPeriod
	for _, step := range []int64{now - 1, now, now + 1} {
		want, err := totp.GenerateCodeCustom(key.Secret(), time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false, fmt.Errorf("totp: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true, nil
		}
	}
	return 0, false, nil
}

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func hashCode(code string) []byte {
	h := sha256.Sum256([]byte(normaliseCode(code)))
	return h[:]
}

// Enrolment is an authenticator key shown to a person: as a QR code (a
// PNG) and as text for typing in.
type Enrolment struct {
	Secret string // base32, grouped in fours
	URL    string // otpauth://
	QRPNG  []byte
}

// BeginEnrolment returns the key a person is setting up, made on first
// call and kept (sealed) until they confirm it with a code.
func (a *App) BeginEnrolment(ctx context.Context, u kith.User) (Enrolment, error) {
	rec, err := a.st.Users.UserSignInRecord(ctx, u.Site, u.ID)
	if err != nil {
		return Enrolment{}, err
	}
	var key *otp.Key
	if rec.TOTPPending != "" {
		key, err = a.openKey(ctx, rec.TOTPPending)
	} else {
		key, err = totp.Generate(totp.GenerateOpts{Issuer: "Kith", AccountName: u.Email, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil {
			var sealed string
			if sealed, err = a.sealKey(ctx, key.URL()); err == nil {
				err = a.st.Users.SetPendingTOTP(ctx, u.ID, sealed)
			}
		}
	}
	if err != nil {
		return Enrolment{}, fmt.Errorf("begin enrolment: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("enrolment QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("enrolment QR code: %w", err)
	}
	return Enrolment{Secret: group(key.Secret(), 4), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

func group(s string, n int) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%n == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ConfirmEnrolment checks a code from the key being set up and makes it
// the person's, returning their new one-time recovery codes (shown once,
// only hashes kept).
func (a *App) ConfirmEnrolment(ctx context.Context, act kith.Actor, u kith.User, code string) ([]string, error) {
	rec, err := a.st.Users.UserSignInRecord(ctx, u.Site, u.ID)
	if err != nil {
		return nil, err
	}
	act = userActor(act, u)
	if a.Now().Before(rec.LockedUntil) {
		return nil, lockedError("code", rec.LockedUntil)
	}
	if rec.TOTPPending == "" {
		return nil, kith.Invalid(kith.FieldError{Field: "code", Message: "The set-up has expired: reload the page and scan the new QR code"})
	}
	key, err := a.openKey(ctx, rec.TOTPPending)
	if err != nil {
		return nil, err
	}
	step, ok, err := a.matchStep(key, normaliseCode(code))
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := a.failed(ctx, rec); err != nil {
			return nil, err
		}
		return nil, kith.Invalid(kith.FieldError{Field: "code", Message: "Enter the 6-digit code your authenticator app shows for Kith now"})
	}
	codes := make([]string, recoveryCodes)
	hashes := make([][]byte, recoveryCodes)
	for i := range codes {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("recovery code: %w", err)
		}
		c := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:10]
		codes[i], hashes[i] = c[:5]+"-"+c[5:], hashCode(c)
	}
	if err := a.st.Users.ConfirmTOTP(ctx, act, u.ID, hashes); err != nil {
		return nil, err
	}
	// The code just used cannot be used again to sign in.
	if _, err := a.st.Users.UseTOTPStep(ctx, u.ID, step); err != nil {
		return nil, err
	}
	return codes, a.st.Users.ClearSignInFailures(ctx, u.ID)
}

// CompleteEnrolmentSignIn confirms enrolment for a pending session and
// returns the recovery codes and the full session that replaces it.
func (a *App) CompleteEnrolmentSignIn(ctx context.Context, act kith.Actor, pending, code string) (kith.User, []string, string, error) {
	u, err := a.st.Sessions.PendingSessionUser(ctx, pending)
	if err != nil {
		return u, nil, "", err
	}
	codes, err := a.ConfirmEnrolment(ctx, act, u, code)
	if err != nil {
		return u, nil, "", err
	}
	full, err := a.completeSignIn(ctx, userActor(act, u), pending, u)
	return u, codes, full, err
}

// MFAEnrolled says whether a user has an authenticator set up.
func (a *App) MFAEnrolled(ctx context.Context, u kith.User) (bool, error) {
	rec, err := a.st.Users.UserSignInRecord(ctx, u.Site, u.ID)
	return rec.TOTPSecret != "", err
}

func (a *App) keyCipher(ctx context.Context) (cipher.AEAD, error) {
	k, err := a.st.Secrets.Secret(ctx, totpSealKey)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("totp cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// sealKey encrypts an otpauth URL for storage, so a copy of the database
// alone does not give anyone the second factor.
func (a *App) sealKey(ctx context.Context, url string) (string, error) {
	aead, err := a.keyCipher(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal key: %w", err)
	}
	return base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(url), []byte(totpSealKey))), nil
}

func (a *App) openKey(ctx context.Context, sealed string) (*otp.Key, error) {
	aead, err := a.keyCipher(ctx)
	if err != nil {
		return nil, err
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return nil, errors.New("open key: malformed")
	}
	url, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(totpSealKey))
	if err != nil {
		return nil, fmt.Errorf("open key: %w", err)
	}
	return otp.NewKeyFromURL(string(url))
}

// ChangePassword changes the signed-in person's own password; their other
// sessions end, this one (keep) goes on.
func (a *App) ChangePassword(ctx context.Context, act kith.Actor, keep, current, next string) error {
	rec, err := a.st.Users.UserSignInRecord(ctx, act.Site, act.UserID)
	if err != nil {
		return err
	}
	if a.Now().Before(rec.LockedUntil) {
		return lockedError("current_password", rec.LockedUntil)
	}
	if rec.PasswordHash == "" {
		return kith.Invalid(kith.FieldError{Field: "current_password", Message: "You sign in with your council account, which has its own password"})
	}
	if err := password.Verify(rec.PasswordHash, current); err != nil {
		if !errors.Is(err, password.ErrMismatch) {
			return err
		}
		if err := a.failed(ctx, rec); err != nil {
			return err
		}
		return kith.Invalid(kith.FieldError{Field: "current_password", Message: "Your current password is not right"})
	}
	return a.setPassword(ctx, act, rec.User.ID, next, keep, "new_password")
}

func (a *App) setPassword(ctx context.Context, act kith.Actor, userID int64, next, keep, field string) error {
	if err := password.Check(next); err != nil {
		return kith.Invalid(kith.FieldError{Field: field, Message: "The new password " + err.Error()})
	}
	h, err := password.Hash(next)
	if err != nil {
		return err
	}
	return a.st.Users.SetPassword(ctx, act, userID, h, keep)
}

// ResetPassword is a lead starting a password reset for one of their
// site's people: it returns a one-time link's token (valid a day) to give
// them, and ends their sessions. With mfa, their authenticator is removed
// too (a lost phone), so they set one up again at their next sign-in.
func (a *App) ResetPassword(ctx context.Context, act kith.Actor, userID int64, mfa bool) (string, error) {
	if err := Authorize(act, Administer); err != nil {
		return "", err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reset link: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	if err := a.st.Users.SetPasswordReset(ctx, act, userID, hashCode(tok), a.Now().Add(PasswordResetLifetime)); err != nil {
		return "", err
	}
	if mfa {
		if err := a.st.Users.ResetTOTP(ctx, act, userID); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// PasswordResetUser is the person a live reset link is for.
func (a *App) PasswordResetUser(ctx context.Context, token string) (kith.User, error) {
	u, err := a.st.Users.PasswordResetUser(ctx, hashCode(token))
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return u, kith.Errorf(kith.ENOTFOUND, "This reset link has expired or been used. Ask your lead for a new one.")
	}
	return u, err
}

// CompletePasswordReset sets the new password chosen through a reset link.
func (a *App) CompletePasswordReset(ctx context.Context, act kith.Actor, token, next string) (kith.User, error) {
	u, err := a.PasswordResetUser(ctx, token)
	if err != nil {
		return u, err
	}
	return u, a.setPassword(ctx, userActor(act, u), u.ID, next, "", "new_password")
}

// UseKnownKey sets a person's authenticator key to secret (base32), with
// no recovery codes. It is for the demo site's sign-ins only, whose
// password and key are both published in the README so that anyone can
// try the service; never for a real account.
func (a *App) UseKnownKey(ctx context.Context, act kith.Actor, u kith.User, secret string) error {
	key, err := otp.NewKeyFromURL("otpauth://totp/Kith:" + url.PathEscape(u.Email) + "?secret=" + secret + "&issuer=Kith&period=30&digits=6&algorithm=SHA1")
	if err != nil {
		return fmt.Errorf("known key: %w", err)
	}
	sealed, err := a.sealKey(ctx, key.URL())
	if err != nil {
		return err
	}
	if err := a.st.Users.SetPendingTOTP(ctx, u.ID, sealed); err != nil {
		return err
	}
	return a.st.Users.ConfirmTOTP(ctx, act, u.ID, nil)
}
