package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

const sqlProviderLinkColumns = `SELECT referral_id, site_id, code, created_at, expires_at, revoked_at FROM provider_links`

func scanProviderLink(row pgx.Row) (app.ProviderLink, error) {
	var l app.ProviderLink
	if err := row.Scan(&l.ReferralID, &l.Site, &l.Code, &l.CreatedAt, &l.ExpiresAt, &l.RevokedAt); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return l, errNotFound("Provider link")
		}
		return l, fmt.Errorf("read provider link: %w", err)
	}
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	if l.RevokedAt != nil {
		t := l.RevokedAt.UTC()
		l.RevokedAt = &t
	}
	return l, nil
}

// ProviderLink returns a referral's provider link, making it (with code
// and expires) the first time. A link made for a referral that has already
// ended (referral.RevokesProviderLink) is made revoked. The referral's row
// is held (FOR SHARE) while the link is made, so a move that revokes links
// waits for it or is waited for; two instances making the link at once
// make one (ON CONFLICT on the referral), and both return it.
func (db *DB) ProviderLink(ctx context.Context, a kith.Actor, referralID, code string, expires time.Time) (app.ProviderLink, error) {
	var l app.ProviderLink
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM referrals WHERE site_id = $1 AND id = $2 FOR SHARE`, a.Site, referralID).Scan(&state)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound("Referral")
		}
		if err != nil {
			return fmt.Errorf("find referral: %w", err)
		}
		now := db.now()
		var revoked *time.Time
		if referral.RevokesProviderLink(referral.State(state)) {
			revoked = &now
		}
		tag, err := tx.Exec(ctx, `INSERT INTO provider_links (referral_id, site_id, code, created_at, expires_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (referral_id) DO NOTHING`,
			referralID, a.Site, code, now, expires.UTC(), revoked)
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "That code is in use.")
		}
		if err != nil {
			return fmt.Errorf("make provider link: %w", err)
		}
		if tag.RowsAffected() > 0 {
			if err := db.insertAudit(ctx, tx, a, "create", "provider_link", referralID); err != nil {
				return err
			}
		}
		l, err = scanProviderLink(tx.QueryRow(ctx, sqlProviderLinkColumns+` WHERE site_id = $1 AND referral_id = $2`, a.Site, referralID))
		return err
	})
	return l, err
}

// ProviderLinkByCode finds a provider link, in any site, by its short code.
func (db *DB) ProviderLinkByCode(ctx context.Context, code string) (app.ProviderLink, error) {
	return scanProviderLink(db.pool.QueryRow(ctx, sqlProviderLinkColumns+` WHERE code = $1`, code))
}

// ProviderLinkFor reads a referral's provider link, if it has one.
func (db *DB) ProviderLinkFor(ctx context.Context, site, referralID string) (app.ProviderLink, bool, error) {
	l, err := scanProviderLink(db.pool.QueryRow(ctx, sqlProviderLinkColumns+` WHERE site_id = $1 AND referral_id = $2`, site, referralID))
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return l, false, nil
	}
	return l, err == nil, err
}
