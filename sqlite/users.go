package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
)

// CreateUser adds a person who signs in. passwordHash is already hashed.
// An email already in use (in any site: sign-in is by email alone) is a conflict.
func (db *DB) CreateUser(ctx context.Context, a kith.Actor, email string, role kith.Role, passwordHash string) (kith.User, error) {
	u := kith.User{Site: a.Site, Email: strings.TrimSpace(email), Role: role, CreatedAt: db.now()}
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (site_id, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			a.Site, u.Email, string(role), passwordHash, fmtTime(u.CreatedAt))
		if isUnique(err) {
			return &kith.Error{Code: kith.ECONFLICT, Message: "That email address is already in use.",
				Fields: []kith.FieldError{{Field: "email", Message: "is already in use"}}}
		}
		if isForeignKey(err) {
			return &kith.Error{Code: kith.EINVALID, Message: "No such site.",
				Fields: []kith.FieldError{{Field: "site", Message: fmt.Sprintf("no site with id %q", a.Site)}}}
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		u.ID, _ = res.LastInsertId()
		return db.insertAudit(ctx, tx, a, "create", "user", strconv.FormatInt(u.ID, 10))
	})
	return u, err
}

// Credentials returns the user with this email and their password hash, for
// sign-in. A disabled or unknown user is not found.
func (db *DB) Credentials(ctx context.Context, email string) (kith.User, string, error) {
	var u kith.User
	var role, hash, created string
	err := db.read.QueryRowContext(ctx, `SELECT id, site_id, email, display_name, role, password_hash, created_at
		FROM users WHERE email = ? AND disabled_at IS NULL`, strings.TrimSpace(email)).
		Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", errNotFound("User")
	}
	if err != nil {
		return u, "", fmt.Errorf("get credentials: %w", err)
	}
	u.Role = kith.Role(role)
	u.CreatedAt, err = parseTime(created)
	return u, hash, err
}

// ListUsers returns the site's users, oldest first.
func (db *DB) ListUsers(ctx context.Context, site string, p kith.Page) ([]kith.User, int, error) {
	var out []kith.User
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE site_id = ? AND disabled_at IS NULL`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, site_id, email, display_name, role, created_at FROM users
			WHERE site_id = ? AND disabled_at IS NULL ORDER BY id LIMIT ? OFFSET ?`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u kith.User
			var role, created string
			if err := rows.Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &created); err != nil {
				return err
			}
			u.Role = kith.Role(role)
			if u.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

// DisableUser stops a user signing in and ends their sessions.
func (db *DB) DisableUser(ctx context.Context, a kith.Actor, id int64) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ? AND site_id = ? AND disabled_at IS NULL`,
			fmtTime(db.now()), id, a.Site)
		if err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("User")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND site_id = ?`, id, a.Site); err != nil {
			return fmt.Errorf("disable user sessions: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "disable", "user", strconv.FormatInt(id, 10))
	})
}
