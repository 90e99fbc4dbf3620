package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// CreateToken makes an API token for the actor's site and returns its secret,
// which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, a kith.Actor, in app.TokenToCreate) (kith.Token, string, error) {
	secret, hash, err := app.NewSecret(app.TokenPrefix)
	if err != nil {
		return kith.Token{}, "", err
	}
	t := kith.Token{Site: a.Site, Role: in.Role, Name: in.Name, CreatedAt: db.now(), UserID: in.UserID, ExpiresAt: in.ExpiresAt.UTC()}
	err = db.writeTx(ctx, func(tx *sql.Tx) error {
		// The owner must be a live user of the same site.
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (site_id, role, name, hash, created_at, user_id, expires_at)
			SELECT ?, ?, ?, ?, ?, ?, ? WHERE ?6 IS NULL OR EXISTS
				(SELECT 1 FROM users WHERE id = ?6 AND site_id = ?1 AND disabled_at IS NULL)`,
			a.Site, string(in.Role), in.Name, hash, fmtTime(t.CreatedAt), in.UserID, fmtTime(t.ExpiresAt))
		if isForeignKey(err) {
			return &kith.Error{Code: kith.EINVALID, Message: "No such site.",
				Fields: []kith.FieldError{{Field: "site", Message: fmt.Sprintf("no site with id %q", a.Site)}}}
		}
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("User")
		}
		t.ID, _ = res.LastInsertId()
		return db.insertAudit(ctx, tx, a, "create", "token", strconv.FormatInt(t.ID, 10))
	})
	if err != nil {
		return kith.Token{}, "", err
	}
	return t, secret, nil
}

// lastUsedGranularity bounds how often a token's last-used time is written,
// so that a busy client does not turn every read into a write.
const lastUsedGranularity = time.Minute

// Authenticate returns the live token whose secret is given: not revoked,
// not expired, and whose owner (if it has one) is not disabled. Lookup is
// by the secret's hash, so the secret itself is never compared.
func (db *DB) Authenticate(ctx context.Context, secret string) (kith.Token, error) {
	var t kith.Token
	var role, created, expires string
	var last sql.NullString
	var owner sql.NullInt64
	now := db.now()
	err := db.readRow(ctx, `SELECT t.id, t.site_id, t.role, t.name, t.created_at, t.last_used_at, t.user_id, t.expires_at
		FROM tokens t LEFT JOIN users u ON u.id = t.user_id
		WHERE t.hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND (t.user_id IS NULL OR u.disabled_at IS NULL)`,
		app.HashSecret(secret), fmtTime(now)).
		Scan(&t.ID, &t.Site, &role, &t.Name, &created, &last, &owner, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return t, kith.Errorf(kith.EUNAUTHORIZED, "The token is not valid: it may have expired, been revoked, or belong to someone whose account is disabled.")
	}
	if err != nil {
		return t, fmt.Errorf("authenticate token: %w", err)
	}
	t.Role = kith.Role(role)
	if owner.Valid {
		t.UserID = &owner.Int64
	}
	if t.CreatedAt, err = parseTime(created); err != nil {
		return t, err
	}
	if t.ExpiresAt, err = parseTime(expires); err != nil {
		return t, err
	}
	if t.LastUsedAt, err = parseNullTime(last); err != nil {
		return t, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity {
		if _, err := db.write.ExecContext(ctx, `UPDATE tokens SET last_used_at = ? WHERE id = ?`, fmtTime(now), t.ID); err != nil {
			return t, fmt.Errorf("touch token: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// ListTokens returns the site's tokens (never their secrets), newest first.
func (db *DB) ListTokens(ctx context.Context, site string, p kith.Page) ([]kith.Token, int, error) {
	var out []kith.Token
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE site_id = ?`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, site_id, role, name, created_at, last_used_at, revoked_at, user_id, expires_at
			FROM tokens WHERE site_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t kith.Token
			var role, created, expires string
			var last, revoked sql.NullString
			var owner sql.NullInt64
			if err := rows.Scan(&t.ID, &t.Site, &role, &t.Name, &created, &last, &revoked, &owner, &expires); err != nil {
				return err
			}
			t.Role = kith.Role(role)
			if owner.Valid {
				t.UserID = &owner.Int64
			}
			if t.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			if t.ExpiresAt, err = parseTime(expires); err != nil {
				return err
			}
			if t.LastUsedAt, err = parseNullTime(last); err != nil {
				return err
			}
			if t.RevokedAt, err = parseNullTime(revoked); err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	return out, total, nil
}

// RevokeToken stops a token working from the next request on.
func (db *DB) RevokeToken(ctx context.Context, a kith.Actor, id int64) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND site_id = ? AND revoked_at IS NULL`,
			fmtTime(db.now()), id, a.Site)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Token")
		}
		return db.insertAudit(ctx, tx, a, "revoke", "token", strconv.FormatInt(id, 10))
	})
}
