package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// SetOIDCProvider connects a site to its OpenID provider, keeping the
// lead's role mapping when the provider is replaced.
func (db *DB) SetOIDCProvider(ctx context.Context, a kith.Actor, p app.OIDCProvider) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO oidc_providers (site_id, issuer, tenant, client_id, client_secret, claim, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (site_id) DO UPDATE SET issuer = excluded.issuer, tenant = excluded.tenant,
			client_id = excluded.client_id, client_secret = excluded.client_secret, claim = excluded.claim, updated_at = excluded.updated_at`,
			a.Site, p.Issuer, p.Tenant, p.ClientID, p.ClientSecret, p.Claim, db.now())
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
	var m []byte
	err := db.pool.QueryRow(ctx, `SELECT issuer, tenant, client_id, client_secret, claim, role_map::text FROM oidc_providers WHERE site_id = $1`, site).
		Scan(&p.Issuer, &p.Tenant, &p.ClientID, &p.ClientSecret, &p.Claim, &m)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, errNotFound("Sign-in provider")
	}
	if err != nil {
		return p, fmt.Errorf("read OIDC provider: %w", err)
	}
	if err := json.Unmarshal(m, &p.RoleMap); err != nil {
		return p, fmt.Errorf("decode role map: %w", err)
	}
	return p, nil
}

// OIDCSites lists the sites that have a provider, by name.
func (db *DB) OIDCSites(ctx context.Context) ([]kith.Site, error) {
	rows, err := db.pool.Query(ctx, `SELECT s.id, s.name FROM sites s JOIN oidc_providers p ON p.site_id = s.id ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("list OIDC sites: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kith.Site, error) {
		var s kith.Site
		err := r.Scan(&s.ID, &s.Name)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("list OIDC sites: %w", err)
	}
	return out, nil
}

// SetRoleMapping stores the lead's mapping from claim values to roles.
func (db *DB) SetRoleMapping(ctx context.Context, a kith.Actor, m map[string]kith.Role) error {
	js, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE oidc_providers SET role_map = $1, updated_at = $2 WHERE site_id = $3`, string(js), db.now(), a.Site)
		if err != nil {
			return fmt.Errorf("set role map: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Sign-in provider")
		}
		return db.insertAudit(ctx, tx, a, "set_role_map", "site", a.Site)
	})
}

// errOIDCRace is an insert that a unique index refused: another instance
// made the same person's account first, or the email is another site's.
var errOIDCRace = errors.New("oidc account insert refused")

// UpsertOIDCUser finds or makes the account of a provider's subject. The
// first sign-in of one person on two instances at once makes one account:
// the loser's insert is refused by the unique index, and its second try
// finds the winner's account. Refused twice, the email is another site's.
func (db *DB) UpsertOIDCUser(ctx context.Context, a kith.Actor, issuer, subject, email string, role kith.Role) (kith.User, error) {
	var u kith.User
	var err error
	for try := 0; try < 2; try++ {
		err = db.writeTx(ctx, func(tx pgx.Tx) error {
			var err error
			u, err = db.upsertOIDCUser(ctx, tx, a, issuer, subject, strings.TrimSpace(email), role)
			return err
		})
		if !errors.Is(err, errOIDCRace) {
			return u, err
		}
	}
	return u, kith.Errorf(kith.ECONFLICT, "Your email address already has an account in another site.")
}

// oidcAccount is an account found for a provider's subject.
type oidcAccount struct {
	id       int64
	site     string
	disabled *time.Time
}

// findOIDCAccount finds, and locks, the subject's account, or else an
// account with the email that no provider has claimed yet (a lead added
// the person before SSO); found is false when neither exists.
func findOIDCAccount(ctx context.Context, tx pgx.Tx, issuer, subject, email string) (oidcAccount, bool, error) {
	var acc oidcAccount
	err := tx.QueryRow(ctx, `SELECT id, site_id, disabled_at FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE`,
		issuer, subject).Scan(&acc.id, &acc.site, &acc.disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT id, site_id, disabled_at FROM users WHERE lower(email) = lower($1) AND oidc_subject IS NULL FOR UPDATE`,
			email).Scan(&acc.id, &acc.site, &acc.disabled)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return acc, false, nil
	}
	if err != nil {
		return acc, false, fmt.Errorf("find OIDC user: %w", err)
	}
	return acc, true, nil
}

func (db *DB) upsertOIDCUser(ctx context.Context, tx pgx.Tx, a kith.Actor, issuer, subject, email string, role kith.Role) (kith.User, error) {
	var u kith.User
	acc, found, err := findOIDCAccount(ctx, tx, issuer, subject, email)
	if err != nil {
		return u, err
	}
	if !found {
		err := tx.QueryRow(ctx, `INSERT INTO users (site_id, email, role, password_hash, created_at, oidc_issuer, oidc_subject)
			VALUES ($1, $2, $3, '', $4, $5, $6) RETURNING id`, a.Site, email, string(role), db.now(), issuer, subject).Scan(&acc.id)
		if isUnique(err) {
			return u, errOIDCRace
		}
		if err != nil {
			return u, fmt.Errorf("create OIDC user: %w", err)
		}
		acc.site = a.Site
		if err := db.insertAudit(ctx, tx, a, "create", "user", strconv.FormatInt(acc.id, 10)); err != nil {
			return u, err
		}
	}
	if acc.site != a.Site {
		return u, kith.Errorf(kith.ECONFLICT, "Your email address already has an account in another site.")
	}
	if acc.disabled != nil {
		return u, kith.Errorf(kith.EFORBIDDEN, "Your account is disabled. Ask your lead.")
	}
	err = tx.QueryRow(ctx, `UPDATE users SET role = $1, oidc_issuer = $2, oidc_subject = $3 WHERE id = $4
		RETURNING email, created_at`, string(role), issuer, subject, acc.id).Scan(&u.Email, &u.CreatedAt)
	if isUnique(err) {
		return u, errOIDCRace
	}
	if err != nil {
		return u, fmt.Errorf("update OIDC user: %w", err)
	}
	u.ID, u.Site, u.Role, u.CreatedAt = acc.id, acc.site, role, u.CreatedAt.UTC()
	return u, nil
}
