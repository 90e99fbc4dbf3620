package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// Sign-in's records. Each change is one statement whose condition is its
// check (a step only moves forward, a recovery code is spent once, a
// pending key is confirmed once), so two instances answering the same
// person at once cannot both succeed.

const sqlSignInRecordColumns = `id, site_id, email, display_name, role, created_at, password_hash, failed_signins, locked_until,
	coalesce(totp_secret, ''), coalesce(totp_pending, ''), totp_last_step`

func scanSignInRecord(row pgx.Row) (app.SignInRecord, error) {
	var r app.SignInRecord
	var role string
	var locked *time.Time
	err := row.Scan(&r.User.ID, &r.User.Site, &r.User.Email, &r.User.DisplayName, &role, &r.User.CreatedAt, &r.PasswordHash,
		&r.FailedSignIns, &locked, &r.TOTPSecret, &r.TOTPPending, &r.TOTPLastStep)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, errNotFound("User")
	}
	if err != nil {
		return r, fmt.Errorf("get sign-in record: %w", err)
	}
	r.User.Role, r.User.CreatedAt = kith.Role(role), r.User.CreatedAt.UTC()
	if locked != nil {
		r.LockedUntil = locked.UTC()
	}
	return r, nil
}

// SignInRecord finds an enabled user by email with what sign-in needs.
func (db *DB) SignInRecord(ctx context.Context, email string) (app.SignInRecord, error) {
	return scanSignInRecord(db.pool.QueryRow(ctx, `SELECT `+sqlSignInRecordColumns+`
		FROM users WHERE lower(email) = lower($1) AND disabled_at IS NULL`, strings.TrimSpace(email)))
}

// UserSignInRecord finds an enabled user of site by id.
func (db *DB) UserSignInRecord(ctx context.Context, site string, id int64) (app.SignInRecord, error) {
	return scanSignInRecord(db.pool.QueryRow(ctx, `SELECT `+sqlSignInRecordColumns+`
		FROM users WHERE id = $1 AND site_id = $2 AND disabled_at IS NULL`, id, site))
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// RecordSignInFailure counts a failed attempt and sets the lock; the
// count is added in the statement, so failures on two instances both count.
func (db *DB) RecordSignInFailure(ctx context.Context, userID int64, lockedUntil time.Time) error {
	if _, err := db.pool.Exec(ctx, `UPDATE users SET failed_signins = failed_signins + 1, locked_until = $1 WHERE id = $2`,
		nullTime(lockedUntil), userID); err != nil {
		return fmt.Errorf("record sign-in failure: %w", err)
	}
	return nil
}

// ClearSignInFailures forgets failed attempts after a sign-in.
func (db *DB) ClearSignInFailures(ctx context.Context, userID int64) error {
	if _, err := db.pool.Exec(ctx, `UPDATE users SET failed_signins = 0, locked_until = NULL WHERE id = $1 AND failed_signins > 0`, userID); err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}

// updateUser runs one UPDATE on a user of a's site, not found when no row
// matched, and audits it as action.
func (db *DB) updateUser(ctx context.Context, tx pgx.Tx, a kith.Actor, userID int64, action, q string, args ...any) error {
	tag, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if tag.RowsAffected() == 0 {
		return errNotFound("User")
	}
	return db.insertAudit(ctx, tx, a, action, "user", strconv.FormatInt(userID, 10))
}

// SetPassword replaces the password and ends the user's other sessions.
func (db *DB) SetPassword(ctx context.Context, a kith.Actor, userID int64, hash, keepSession string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "change_password", `UPDATE users SET password_hash = $1, reset_hash = NULL,
			reset_expires = NULL, failed_signins = 0, locked_until = NULL WHERE id = $2 AND site_id = $3 AND disabled_at IS NULL`,
			hash, userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND hash <> $2`, userID, hashSecret(keepSession)); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// SetPasswordReset keeps a reset link's hash and ends the user's sessions.
func (db *DB) SetPasswordReset(ctx context.Context, a kith.Actor, userID int64, linkHash []byte, expires time.Time) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "reset_password", `UPDATE users SET reset_hash = $1, reset_expires = $2
			WHERE id = $3 AND site_id = $4 AND disabled_at IS NULL`, linkHash, expires.UTC(), userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// PasswordResetUser finds the user of a live reset link.
func (db *DB) PasswordResetUser(ctx context.Context, linkHash []byte) (kith.User, error) {
	r, err := scanSignInRecord(db.pool.QueryRow(ctx, `SELECT `+sqlSignInRecordColumns+`
		FROM users WHERE reset_hash = $1 AND reset_expires > $2 AND disabled_at IS NULL`, linkHash, db.now()))
	return r.User, err
}

// SetPendingTOTP keeps the key shown during enrolment.
func (db *DB) SetPendingTOTP(ctx context.Context, userID int64, sealed string) error {
	if _, err := db.pool.Exec(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, sealed, userID); err != nil {
		return fmt.Errorf("set pending TOTP: %w", err)
	}
	return nil
}

// ConfirmTOTP makes the pending key the user's and replaces their
// recovery codes.
func (db *DB) ConfirmTOTP(ctx context.Context, a kith.Actor, userID int64, recoveryHashes [][]byte) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "enrol_mfa", `UPDATE users SET totp_secret = totp_pending, totp_pending = NULL,
			totp_last_step = 0 WHERE id = $1 AND site_id = $2 AND totp_pending IS NOT NULL`, userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("replace recovery codes: %w", err)
		}
		if len(recoveryHashes) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash) SELECT $1, h FROM unnest($2::bytea[]) AS u(h)`,
			userID, recoveryHashes); err != nil {
			return fmt.Errorf("store recovery codes: %w", err)
		}
		return nil
	})
}

// UseTOTPStep records a code's step unless it or a later one was used: the
// condition is the compare-and-set, so a code replayed at once on two
// instances is taken once.
func (db *DB) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
	if err != nil {
		return false, fmt.Errorf("use TOTP step: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UseRecoveryCode spends an unused recovery code, once.
func (db *DB) UseRecoveryCode(ctx context.Context, a kith.Actor, userID int64, hash []byte) (bool, error) {
	var ok bool
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3 AND used_at IS NULL`,
			db.now(), userID, hash)
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		if ok = tag.RowsAffected() > 0; !ok {
			return nil
		}
		return db.insertAudit(ctx, tx, a, "use_recovery_code", "user", strconv.FormatInt(userID, 10))
	})
	return ok, err
}

// ResetTOTP removes the user's key and codes and ends their sessions.
func (db *DB) ResetTOTP(ctx context.Context, a kith.Actor, userID int64) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "reset_mfa", `UPDATE users SET totp_secret = NULL, totp_pending = NULL,
			totp_last_step = 0 WHERE id = $1 AND site_id = $2`, userID, a.Site); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM recovery_codes WHERE user_id = $1`, `DELETE FROM sessions WHERE user_id = $1`} {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return fmt.Errorf("reset MFA: %w", err)
			}
		}
		return nil
	})
}
