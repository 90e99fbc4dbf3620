package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// insertAudit appends one audit row inside tx, so that a change and its
// audit row commit or fail together.
func (db *DB) insertAudit(ctx context.Context, tx pgx.Tx, a kith.Actor, action, entity, entityID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit (site_id, at, actor, action, entity, entity_id, request_id, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.Site, db.now(), a.Ref(), action, entity, entityID, a.RequestID, a.IP)
	if err != nil {
		return fmt.Errorf("insert audit %s %s: %w", action, entity, err)
	}
	return nil
}

// CreateSite adds a site and, when given, its first pathway (version 1,
// active). A duplicate id is a conflict.
func (db *DB) CreateSite(ctx context.Context, a kith.Actor, s app.SiteToCreate) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sites (id, name, settings, created_at) VALUES ($1, $2, $3, $4)`,
			s.ID, s.Name, s.Settings, db.now())
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "A site with id %q already exists.", s.ID)
		}
		if err != nil {
			return fmt.Errorf("create site: %w", err)
		}
		a.Site = s.ID
		if err := db.insertAudit(ctx, tx, a, "create", "site", s.ID); err != nil {
			return err
		}
		if s.Pathway == nil {
			return nil
		}
		return db.insertFirstPathway(ctx, tx, a, *s.Pathway)
	})
}

// insertFirstPathway stores a new site's first pathway as version 1, active.
func (db *DB) insertFirstPathway(ctx context.Context, tx pgx.Tx, a kith.Actor, p app.FirstPathway) error {
	now := db.now()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO pathways (site_id, id, name, created_at) VALUES ($1, $2, $3, $4)`, a.Site, p.ID, p.Name, now)
	b.Queue(`INSERT INTO pathway_versions (site_id, pathway_id, version, document, created_at, created_by)
		VALUES ($1, $2, 1, $3, $4, $5)`, a.Site, p.ID, string(p.Document), now, a.Ref())
	b.Queue(`INSERT INTO site_pathway (site_id, pathway_id, version, changed_at) VALUES ($1, $2, 1, $3)`, a.Site, p.ID, now)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("first pathway: %w", err)
	}
	return db.insertAudit(ctx, tx, a, "create", "pathway_version", p.ID+"@1")
}

// Site returns one site.
func (db *DB) Site(ctx context.Context, id string) (kith.Site, error) {
	var s kith.Site
	err := db.pool.QueryRow(ctx, `SELECT id, name, settings, created_at FROM sites WHERE id = $1`, id).
		Scan(&s.ID, &s.Name, &s.Settings, &s.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, errNotFound("Site")
	}
	if err != nil {
		return s, fmt.Errorf("get site: %w", err)
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return s, nil
}

// UpdateSiteSettings replaces the actor's site's name and settings.
func (db *DB) UpdateSiteSettings(ctx context.Context, a kith.Actor, name string, settings kith.SiteSettings) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sites SET name = $1, settings = $2 WHERE id = $3`, name, settings, a.Site)
		if err != nil {
			return fmt.Errorf("update site: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Site")
		}
		return db.insertAudit(ctx, tx, a, "update", "site", a.Site)
	})
}

// CreateUser adds a person who signs in. An email already in use in any
// site (sign-in is by email alone, compared without case) is a conflict.
func (db *DB) CreateUser(ctx context.Context, a kith.Actor, email string, role kith.Role, passwordHash string) (kith.User, error) {
	u := kith.User{Site: a.Site, Email: strings.TrimSpace(email), Role: role, CreatedAt: db.now()}
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (site_id, email, role, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.Site, u.Email, string(role), passwordHash, u.CreatedAt).Scan(&u.ID)
		if isUnique(err) {
			return &kith.Error{Code: kith.ECONFLICT, Message: "That email address is already in use.",
				Fields: []kith.FieldError{{Field: "email", Message: "is already in use"}}}
		}
		if isForeignKey(err) {
			return noSite(a.Site)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "create", "user", strconv.FormatInt(u.ID, 10))
	})
	return u, err
}

// Credentials returns the enabled user with this email and their password
// hash, for sign-in.
func (db *DB) Credentials(ctx context.Context, email string) (kith.User, string, error) {
	var u kith.User
	var role, hash string
	err := db.pool.QueryRow(ctx, `SELECT id, site_id, email, display_name, role, password_hash, created_at
		FROM users WHERE lower(email) = lower($1) AND disabled_at IS NULL`, strings.TrimSpace(email)).
		Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &hash, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, "", errNotFound("User")
	}
	if err != nil {
		return u, "", fmt.Errorf("get credentials: %w", err)
	}
	u.Role, u.CreatedAt = kith.Role(role), u.CreatedAt.UTC()
	return u, hash, nil
}

// ListUsers returns the site's enabled users, oldest first.
func (db *DB) ListUsers(ctx context.Context, site string, p kith.Page) ([]kith.User, int, error) {
	var out []kith.User
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE site_id = $1 AND disabled_at IS NULL`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, site_id, email, display_name, role, created_at FROM users
			WHERE site_id = $1 AND disabled_at IS NULL ORDER BY id LIMIT $2 OFFSET $3`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kith.User, error) {
			var u kith.User
			var role string
			err := r.Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &u.CreatedAt)
			u.Role, u.CreatedAt = kith.Role(role), u.CreatedAt.UTC()
			return u, err
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

// DisableUser stops a user signing in and ends their sessions.
func (db *DB) DisableUser(ctx context.Context, a kith.Actor, id int64) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET disabled_at = $1 WHERE id = $2 AND site_id = $3 AND disabled_at IS NULL`,
			db.now(), id, a.Site)
		if err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("User")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND site_id = $2`, id, a.Site); err != nil {
			return fmt.Errorf("disable user sessions: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "disable", "user", strconv.FormatInt(id, 10))
	})
}

// tokenPrefix makes a leaked token easy to recognise in a scanner. It and
// the secrets' form must stay as package sqlite makes them, so that a
// site copied between backends keeps its tokens.
const tokenPrefix = "kith_"

// newSecret returns a random 256-bit secret, URL-safe, and its SHA-256.
func newSecret(prefix string) (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("new secret: %w", err)
	}
	s := prefix + base64.RawURLEncoding.EncodeToString(b)
	return s, hashSecret(s), nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// CreateToken makes an API token for the actor's site and returns its
// secret, shown once and never stored. An owner must be a live user of the
// same site: the insert checks it itself.
func (db *DB) CreateToken(ctx context.Context, a kith.Actor, in app.TokenToCreate) (kith.Token, string, error) {
	secret, hash, err := newSecret(tokenPrefix)
	if err != nil {
		return kith.Token{}, "", err
	}
	t := kith.Token{Site: a.Site, Role: in.Role, Name: in.Name, CreatedAt: db.now(), UserID: in.UserID,
		ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Microsecond)}
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO tokens (site_id, role, name, hash, created_at, user_id, expires_at)
			SELECT $1, $2, $3, $4, $5, $6::bigint, $7 WHERE $6::bigint IS NULL OR EXISTS
				(SELECT 1 FROM users WHERE id = $6::bigint AND site_id = $1 AND disabled_at IS NULL)
			RETURNING id`, a.Site, string(in.Role), in.Name, hash, t.CreatedAt, in.UserID, t.ExpiresAt).Scan(&t.ID)
		if isForeignKey(err) {
			return noSite(a.Site)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound("User")
		}
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "create", "token", strconv.FormatInt(t.ID, 10))
	})
	if err != nil {
		return kith.Token{}, "", err
	}
	return t, secret, nil
}

// lastUsedGranularity bounds how often a token's last-used time is written.
const lastUsedGranularity = time.Minute

const sqlTokenColumns = `t.id, t.site_id, t.role, t.name, t.created_at, t.last_used_at, t.revoked_at, t.user_id, t.expires_at`

func scanToken(r pgx.Row) (kith.Token, error) {
	var t kith.Token
	var role string
	err := r.Scan(&t.ID, &t.Site, &role, &t.Name, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt, &t.UserID, &t.ExpiresAt)
	t.Role, t.CreatedAt, t.ExpiresAt = kith.Role(role), t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	for _, p := range []**time.Time{&t.LastUsedAt, &t.RevokedAt} {
		if *p != nil {
			u := (*p).UTC()
			*p = &u
		}
	}
	return t, err
}

// Authenticate returns the live token whose secret is given, found by the
// secret's hash: not revoked, not expired, and whose owner (if it has one)
// is not disabled.
func (db *DB) Authenticate(ctx context.Context, secret string) (kith.Token, error) {
	t, err := scanToken(db.pool.QueryRow(ctx, `SELECT `+sqlTokenColumns+` FROM tokens t LEFT JOIN users u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND (t.user_id IS NULL OR u.disabled_at IS NULL)`,
		hashSecret(secret), db.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return kith.Token{}, kith.Errorf(kith.EUNAUTHORIZED, "The token is not valid: it may have expired, been revoked, or belong to someone whose account is disabled.")
	}
	if err != nil {
		return t, fmt.Errorf("authenticate token: %w", err)
	}
	now := db.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedGranularity {
		if _, err := db.pool.Exec(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, now, t.ID); err != nil {
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
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM tokens WHERE site_id = $1`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+sqlTokenColumns+` FROM tokens t WHERE t.site_id = $1
			ORDER BY t.id DESC LIMIT $2 OFFSET $3`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kith.Token, error) { return scanToken(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	return out, total, nil
}

// RevokeToken stops a token working from the next request on.
func (db *DB) RevokeToken(ctx context.Context, a kith.Actor, id int64) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND site_id = $3 AND revoked_at IS NULL`,
			db.now(), id, a.Site)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Token")
		}
		return db.insertAudit(ctx, tx, a, "revoke", "token", strconv.FormatInt(id, 10))
	})
}

// CreateSession signs a user in until expires and returns a new session
// secret for the cookie; expired sessions are cleared on the way.
func (db *DB) CreateSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error) {
	return db.createSession(ctx, a, userID, expires, "full")
}

// CreatePendingSession is a session whose password was right and whose
// second factor is still to come.
func (db *DB) CreatePendingSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time) (string, error) {
	return db.createSession(ctx, a, userID, expires, "password")
}

func (db *DB) createSession(ctx context.Context, a kith.Actor, userID int64, expires time.Time, stage string) (string, error) {
	secret, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	now := db.now()
	action := map[string]string{"full": "sign_in", "password": "sign_in_password"}[stage]
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return fmt.Errorf("expire sessions: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (hash, site_id, user_id, created_at, expires_at, stage) VALUES ($1, $2, $3, $4, $5, $6)`,
			hash, a.Site, userID, now, expires.UTC(), stage)
		if isForeignKey(err) {
			return errNotFound("User")
		}
		if err != nil {
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
	var role string
	err := db.pool.QueryRow(ctx, `SELECT u.id, u.site_id, u.email, u.display_name, u.role, u.created_at, u.oidc_subject IS NOT NULL
		FROM sessions s JOIN users u ON u.id = s.user_id AND u.site_id = s.site_id
		WHERE s.hash = $1 AND s.expires_at > $2 AND s.stage = $3 AND u.disabled_at IS NULL`, hashSecret(secret), db.now(), stage).
		Scan(&u.ID, &u.Site, &u.Email, &u.DisplayName, &role, &u.CreatedAt, &u.SSO)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
	}
	if err != nil {
		return u, fmt.Errorf("get session: %w", err)
	}
	u.Role, u.CreatedAt = kith.Role(role), u.CreatedAt.UTC()
	return u, nil
}

// DeleteSession signs a session out.
func (db *DB) DeleteSession(ctx context.Context, a kith.Actor, secret string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE hash = $1 AND site_id = $2`, hashSecret(secret), a.Site); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "sign_out", "user", a.ID)
	})
}

// Secret returns the named key, making a random 256-bit one on first use.
// Instances racing to make it agree on one: the insert does nothing when
// another got there first, and every instance then reads the stored value.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("make secret: %w", err)
	}
	var v []byte
	err := db.pool.QueryRow(ctx, `WITH made AS (
			INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO NOTHING RETURNING value)
		SELECT value FROM made UNION ALL SELECT value FROM secrets WHERE name = $1 LIMIT 1`,
		name, fresh, db.now()).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another instance committed the key after this statement's
		// snapshot was taken: a new statement sees it.
		err = db.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v)
	}
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return v, nil
}

// CountSites returns how many sites exist.
func (db *DB) CountSites(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}
