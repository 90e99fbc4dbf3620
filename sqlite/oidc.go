package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// SetOIDCProvider connects a site to its OpenID provider, keeping the
// lead's role mapping when the provider is replaced.
func (db *DB) SetOIDCProvider(ctx context.Context, a kith.Actor, p app.OIDCProvider) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_providers (site_id, issuer, tenant, client_id, client_secret, claim, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET issuer = excluded.issuer, tenant = excluded.tenant,
			client_id = excluded.client_id, client_secret = excluded.client_secret, claim = excluded.claim, updated_at = excluded.updated_at`,
			a.Site, p.Issuer, p.Tenant, p.ClientID, p.ClientSecret, p.Claim, fmtTime(db.now()))
		if isUnique(err) {
			return &kith.Error{Code: kith.ECONFLICT, Message: "Another site already signs in with this issuer and tenant.",
				Fields: []kith.FieldError{{Field: "issuer", Message: "is already another site's"}}}
		}
		if isForeignKey(err) {
			return errNotFound("Site")
		}
		if err != nil {
			return fmt.Errorf("set OIDC provider: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "set_oidc_provider", "site", a.Site)
	})
}

// OIDCProvider reads a site's provider.
func (db *DB) OIDCProvider(ctx context.Context, site string) (app.OIDCProvider, error) {
	p := app.OIDCProvider{Site: site}
	var m string
	err := db.read.QueryRowContext(ctx, `SELECT issuer, tenant, client_id, client_secret, claim, role_map FROM oidc_providers WHERE site_id = ?`, site).
		Scan(&p.Issuer, &p.Tenant, &p.ClientID, &p.ClientSecret, &p.Claim, &m)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNotFound("Sign-in provider")
	}
	if err != nil {
		return p, fmt.Errorf("read OIDC provider: %w", err)
	}
	if err := json.Unmarshal([]byte(m), &p.RoleMap); err != nil {
		return p, fmt.Errorf("decode role map: %w", err)
	}
	return p, nil
}

// OIDCSites lists the sites that have a provider, by name.
func (db *DB) OIDCSites(ctx context.Context) ([]kith.Site, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, s.name FROM sites s JOIN oidc_providers p ON p.site_id = s.id ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("list OIDC sites: %w", err)
	}
	defer rows.Close()
	var out []kith.Site
	for rows.Next() {
		var s kith.Site
		if err := rows.Scan(&s.ID, &s.Name); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetRoleMapping stores the lead's mapping from claim values to roles.
func (db *DB) SetRoleMapping(ctx context.Context, a kith.Actor, m map[string]kith.Role) error {
	js, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_providers SET role_map = ?, updated_at = ? WHERE site_id = ?`, string(js), fmtTime(db.now()), a.Site)
		if err != nil {
			return fmt.Errorf("set role map: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Sign-in provider")
		}
		return db.insertAudit(ctx, tx, a, "set_role_map", "site", a.Site)
	})
}

// UpsertOIDCUser finds or makes the account of a provider's subject.
func (db *DB) UpsertOIDCUser(ctx context.Context, a kith.Actor, issuer, subject, email string, role kith.Role) (kith.User, error) {
	var u kith.User
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var site string
		var disabled sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT id, site_id, disabled_at FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`, issuer, subject).
			Scan(&id, &site, &disabled)
		if errors.Is(err, sql.ErrNoRows) {
			// An account of this site with the email and no provider yet is
			// linked (a lead added the person before SSO); anything else is
			// a new account.
			err = tx.QueryRowContext(ctx, `SELECT id, site_id, disabled_at FROM users WHERE email = ? AND oidc_subject IS NULL`,
				strings.TrimSpace(email)).Scan(&id, &site, &disabled)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO users (site_id, email, role, password_hash, created_at, oidc_issuer, oidc_subject)
				VALUES (?, ?, ?, '', ?, ?, ?)`, a.Site, strings.TrimSpace(email), string(role), fmtTime(db.now()), issuer, subject)
			if isUnique(err) {
				return kith.Errorf(kith.ECONFLICT, "Your email address already has an account in another site.")
			}
			if err != nil {
				return fmt.Errorf("create OIDC user: %w", err)
			}
			id, _ = res.LastInsertId()
			site = a.Site
			if err := db.insertAudit(ctx, tx, a, "create", "user", strconv.FormatInt(id, 10)); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("find OIDC user: %w", err)
		}
		if site != a.Site {
			return kith.Errorf(kith.ECONFLICT, "Your email address already has an account in another site.")
		}
		if disabled.Valid {
			return kith.Errorf(kith.EFORBIDDEN, "Your account is disabled. Ask your lead.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, oidc_issuer = ?, oidc_subject = ? WHERE id = ?`, string(role), issuer, subject, id); err != nil {
			return fmt.Errorf("update OIDC user: %w", err)
		}
		var created string
		if err := tx.QueryRowContext(ctx, `SELECT email, created_at FROM users WHERE id = ?`, id).Scan(&u.Email, &created); err != nil {
			return err
		}
		u.ID, u.Site, u.Role = id, site, role
		u.CreatedAt, err = parseTime(created)
		return err
	})
	return u, err
}
