package app

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/signedlink"
)

// A provider answers through one link per referral, with a short code
// printed on the letter for a charity that cannot type a long link from
// paper. The link is stored, so every view shows the same link and code,
// and revoked when the referral ends (referral.RevokesProviderLink): a
// revoked or expired link shows nothing about the person.

const (
	// ProviderLinkLifetime outlasts the ten working days before expiry.
	ProviderLinkLifetime = 30 * 24 * time.Hour
	providerPurpose      = "provider-referral"
	// LinkSigningKey names the key that signs links for people without an
	// account.
	LinkSigningKey = "link-signing"
	// codeAlphabet leaves out letters and digits that are easily misread
	// (0 and O, 1 and I and L).
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
)

// ProviderLink is a referral's stored link for its provider.
type ProviderLink struct {
	ReferralID string
	Site       string
	Code       string // eight characters from codeAlphabet
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the link still opens the referral at now.
func (l ProviderLink) Usable(now time.Time) bool {
	return l.RevokedAt == nil && now.Before(l.ExpiresAt)
}

// CodeWords is the code as printed: two groups of four.
func (l ProviderLink) CodeWords() string {
	if len(l.Code) != 8 {
		return l.Code
	}
	return l.Code[:4] + "-" + l.Code[4:]
}

func newCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b), nil
}

// NormalizeCode reads a code as a person types it: any case, with spaces
// or dashes.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// providerLink returns the referral's link, making it the first time.
func (a *App) providerLink(ctx context.Context, act kith.Actor, id string, expires time.Time) (ProviderLink, error) {
	for range 3 {
		code, err := newCode()
		if err != nil {
			return ProviderLink{}, err
		}
		l, err := a.st.Referrals.ProviderLink(ctx, act, id, code, expires.Truncate(time.Second))
		if kith.ErrorCode(err) != kith.ECONFLICT {
			return l, err
		}
	}
	return ProviderLink{}, errors.New("provider link: no free code after three tries")
}

// ProviderLink is a referral's provider link and the token its URL
// carries (empty once the link is revoked or expired).
func (a *App) ProviderLink(ctx context.Context, act kith.Actor, id string) (ProviderLink, string, error) {
	if err := Authorize(act, Navigate); err != nil {
		return ProviderLink{}, "", err
	}
	l, err := a.providerLink(ctx, act, id, a.Now().Add(ProviderLinkLifetime))
	if err != nil || !l.Usable(a.Now()) {
		return l, "", err
	}
	tok, err := a.providerToken(ctx, l)
	return l, tok, err
}

func (a *App) providerToken(ctx context.Context, l ProviderLink) (string, error) {
	key, err := a.st.Secrets.Secret(ctx, LinkSigningKey)
	if err != nil {
		return "", err
	}
	return signedlink.Sign(key, signedlink.Claims{Purpose: providerPurpose, Site: l.Site, ID: l.ReferralID, Expires: l.ExpiresAt}), nil
}

var (
	errLinkInvalid = kith.Errorf(kith.ENOTFOUND, "This link is not valid or has expired. Ask the navigator who sent it for a new one.")
	errLinkEnded   = kith.Errorf(kith.ENOTFOUND, "This link no longer works: the referral it was for has ended. Thank you for your help.")
)

// ProviderActor checks a provider's token and returns the actor it makes:
// the provider of that one referral. A link must be the referral's stored
// one and not revoked (a link signed before links were stored is adopted
// as the referral's link the first time it is used, and made revoked if the
// referral has ended).
func (a *App) ProviderActor(ctx context.Context, token string, meta kith.Actor) (kith.Actor, error) {
	key, err := a.st.Secrets.Secret(ctx, LinkSigningKey)
	if err != nil {
		return kith.Actor{}, err
	}
	cl, err := signedlink.Verify(key, token, providerPurpose, a.Now())
	if errors.Is(err, signedlink.ErrInvalid) {
		return kith.Actor{}, errLinkInvalid
	}
	if err != nil {
		return kith.Actor{}, err
	}
	act := kith.Actor{Site: cl.Site, Kind: "provider", ID: cl.ID, RequestID: meta.RequestID, IP: meta.IP}
	l, err := a.providerLink(ctx, act, cl.ID, cl.Expires)
	switch {
	case kith.ErrorCode(err) == kith.ENOTFOUND:
		return kith.Actor{}, errLinkInvalid
	case err != nil:
		return kith.Actor{}, err
	case l.RevokedAt != nil:
		return kith.Actor{}, errLinkEnded
	case !l.ExpiresAt.Equal(cl.Expires):
		return kith.Actor{}, errLinkInvalid
	}
	return act, nil
}

// ProviderTokenByCode turns a typed short code into the token of its link.
func (a *App) ProviderTokenByCode(ctx context.Context, code string) (string, error) {
	code = NormalizeCode(code)
	if len(code) != 8 || strings.Trim(code, codeAlphabet) != "" {
		return "", kith.Invalid(kith.FieldError{Field: "code", Message: "Enter the 8-character code from the letter, like ABCD-2345"})
	}
	l, err := a.st.Referrals.ProviderLinkByCode(ctx, code)
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return "", kith.Invalid(kith.FieldError{Field: "code", Message: "No referral has that code: check it against the letter"})
	}
	if err != nil {
		return "", err
	}
	if l.RevokedAt != nil {
		return "", errLinkEnded
	}
	if !l.Usable(a.Now()) {
		return "", errLinkInvalid
	}
	return a.providerToken(ctx, l)
}
