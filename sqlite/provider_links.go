package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

const providerLinkColumns = `SELECT referral_id, site_id, code, created_at, expires_at, revoked_at FROM provider_links`

func scanProviderLink(row rowScanner) (app.ProviderLink, error) {
	var l app.ProviderLink
	var created, expires string
	var revoked sql.NullString
	if err := row.Scan(&l.ReferralID, &l.Site, &l.Code, &created, &expires, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return l, errNotFound("Provider link")
		}
		return l, fmt.Errorf("read provider link: %w", err)
	}
	var err error
	if l.CreatedAt, err = parseTime(created); err != nil {
		return l, err
	}
	if l.ExpiresAt, err = parseTime(expires); err != nil {
		return l, err
	}
	l.RevokedAt, err = parseNullTime(revoked)
	return l, err
}

// ProviderLink returns a referral's provider link, making it (with code
// and expires) the first time. A link made for a referral that has already
// ended (referral.RevokesProviderLink) is made revoked.
func (db *DB) ProviderLink(ctx context.Context, a kith.Actor, referralID, code string, expires time.Time) (app.ProviderLink, error) {
	var l app.ProviderLink
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanProviderLink(tx.QueryRowContext(ctx, providerLinkColumns+` WHERE site_id = ? AND referral_id = ?`, a.Site, referralID))
		if kith.ErrorCode(err) != kith.ENOTFOUND {
			return err
		}
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM referrals WHERE site_id = ? AND id = ?`, a.Site, referralID).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errNotFound("Referral")
			}
			return err
		}
		now := db.now()
		var revoked any
		if referral.RevokesProviderLink(referral.State(state)) {
			revoked = fmtTime(now)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO provider_links (referral_id, site_id, code, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			referralID, a.Site, code, fmtTime(now), fmtTime(expires.UTC()), revoked)
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "That code is in use.")
		}
		if err != nil {
			return fmt.Errorf("make provider link: %w", err)
		}
		if err := db.insertAudit(ctx, tx, a, "create", "provider_link", referralID); err != nil {
			return err
		}
		l, err = scanProviderLink(tx.QueryRowContext(ctx, providerLinkColumns+` WHERE site_id = ? AND referral_id = ?`, a.Site, referralID))
		return err
	})
	return l, err
}

// ProviderLinkByCode finds a provider link, in any site, by its short code.
func (db *DB) ProviderLinkByCode(ctx context.Context, code string) (app.ProviderLink, error) {
	return scanProviderLink(db.read.QueryRowContext(ctx, providerLinkColumns+` WHERE code = ?`, code))
}

// ProviderLinkFor reads a referral's provider link, if it has one.
func (db *DB) ProviderLinkFor(ctx context.Context, site, referralID string) (app.ProviderLink, bool, error) {
	l, err := scanProviderLink(db.read.QueryRowContext(ctx, providerLinkColumns+` WHERE site_id = ? AND referral_id = ?`, site, referralID))
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return l, false, nil
	}
	return l, err == nil, err
}

func revokeProviderLink(ctx context.Context, tx *sql.Tx, site, referralID, now string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE provider_links SET revoked_at = ? WHERE site_id = ? AND referral_id = ? AND revoked_at IS NULL`,
		now, site, referralID); err != nil {
		return fmt.Errorf("revoke provider link: %w", err)
	}
	return nil
}
