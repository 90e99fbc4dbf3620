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

// CreateSession signs a user in until expires and returns a new session
// secret for the cookie. A new secret is made at every sign-in, so a
// session id planted before sign-in is worthless.
func (db *DB) CreateSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error) {
	return db.createSession(ctx, a, userID, expires, "full")
}

// CreatePendingSession is a session whose password was right and whose
// second factor is still to come.
func (db *DB) CreatePendingSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error) {
	return db.createSession(ctx, a, userID, expires, "password")
}

func (db *DB) createSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time, stage string) (string, error) {
	secret, hash, err := app.NewSecret("")
	if err != nil {
		return "", err
	}
	now := db.now()
	action := map[string]string{"full": "sign_in", "password": "sign_in_password"}[stage]
	err = db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, fmtTime(now)); err != nil {
			return fmt.Errorf("expire sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, site_id, user_id, created_at, expires_at, stage) VALUES (?, ?, ?, ?, ?, ?)`,
			hash, a.Site, userID, fmtTime(now), fmtTime(expires), stage); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return db.insertAudit(ctx, tx, a, action, "user", strconv.FormatInt(userID, 10))
	})
	return secret, err
}

// SessionUser returns the signed-in user for a live session secret.
func (db *DB) SessionUser(ctx context.Context, secret string) (kith.User, error) {
	return db.sessionUser(ctx, secret, "full")
}

// PendingSessionUser returns the user of a live half-signed-in session.
func (db *DB) PendingSessionUser(ctx context.Context, secret string) (kith.User, error) {
	return db.sessionUser(ctx, secret, "password")
}

func (db *DB) sessionUser(ctx context.Context, secret, stage string) (kith.User, error) {
	var u kith.User
	var role, created string
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.site_id, u.email, u.display_name, u.role, u.created_at, u.oidc_subject IS NOT NULL
		FROM sessions s JOIN users u ON u.id = s.user_id AND u.site_id = s.site_id
		WHERE s.hash = ? AND s.expires_at > ? AND s.stage = ? AND u.disabled_at IS NULL`, app.HashSecret(secret), fmtTime(db.now()), stage).
		Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &created, &u.SSO)
	if errors.Is(err, sql.ErrNoRows) {
		return u, kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	if err != nil {
		return u, fmt.Errorf("get session: %w", err)
	}
	u.Role = kith.Role(role)
	u.CreatedAt, err = parseTime(created)
	return u, err
}

// DeleteSession signs a session out.
func (db *DB) DeleteSession(ctx context.Context, a kith.Actor, secret string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ? AND site_id = ?`, app.HashSecret(secret), a.Site); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "sign_out", "user", a.ID)
	})
}
