package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

const signInRecordColumns = `id, site_id, email, role, created_at, password_hash, failed_signins, locked_until,
	coalesce(totp_secret, ''), coalesce(totp_pending, ''), totp_last_step`

func scanSignInRecord(row rowScanner) (app.SignInRecord, error) {
	var r app.SignInRecord
	var role, created string
	var locked sql.NullString
	err := row.Scan(&r.User.ID, &r.User.Site, &r.User.Email, &role, &created, &r.PasswordHash, &r.FailedSignIns, &locked,
		&r.TOTPSecret, &r.TOTPPending, &r.TOTPLastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errNotFound("User")
	}
	if err != nil {
		return r, fmt.Errorf("get sign-in record: %w", err)
	}
	r.User.Role = kith.Role(role)
	if r.User.CreatedAt, err = parseTime(created); err != nil {
		return r, err
	}
	if locked.Valid {
		if r.LockedUntil, err = parseTime(locked.String); err != nil {
			return r, err
		}
	}
	return r, nil
}

// SignInRecord finds an enabled user by email with what sign-in needs.
func (db *DB) SignInRecord(ctx context.Context, email string) (app.SignInRecord, error) {
	return scanSignInRecord(db.read.QueryRowContext(ctx, `SELECT `+signInRecordColumns+`
		FROM users WHERE email = ? AND disabled_at IS NULL`, strings.TrimSpace(email)))
}

// UserSignInRecord finds an enabled user of site by id.
func (db *DB) UserSignInRecord(ctx context.Context, site string, id int64) (app.SignInRecord, error) {
	return scanSignInRecord(db.read.QueryRowContext(ctx, `SELECT `+signInRecordColumns+`
		FROM users WHERE id = ? AND site_id = ? AND disabled_at IS NULL`, id, site))
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// RecordSignInFailure counts a failed attempt and sets the lock.
func (db *DB) RecordSignInFailure(ctx context.Context, userID int64, lockedUntil time.Time) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_signins = failed_signins + 1, locked_until = ? WHERE id = ?`,
			nullTime(lockedUntil), userID); err != nil {
			return fmt.Errorf("record sign-in failure: %w", err)
		}
		return nil
	})
}

// ClearSignInFailures forgets failed attempts after a sign-in.
func (db *DB) ClearSignInFailures(ctx context.Context, userID int64) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_signins = 0, locked_until = NULL WHERE id = ? AND failed_signins > 0`, userID); err != nil {
			return fmt.Errorf("clear sign-in failures: %w", err)
		}
		return nil
	})
}

// updateUser runs one UPDATE on a user of a's site, not found when no row
// matched, and audits it as action.
func (db *DB) updateUser(ctx context.Context, tx *sql.Tx, a kith.Actor, userID int64, action, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound("User")
	}
	return db.insertAudit(ctx, tx, a, action, "user", strconv.FormatInt(userID, 10))
}

// SetPassword replaces the password and ends the user's other sessions.
func (db *DB) SetPassword(ctx context.Context, a kith.Actor, userID int64, hash, keepSession string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "change_password", `UPDATE users SET password_hash = ?, reset_hash = NULL,
			reset_expires = NULL, failed_signins = 0, locked_until = NULL WHERE id = ? AND site_id = ? AND disabled_at IS NULL`,
			hash, userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND hash != ?`, userID, app.HashSecret(keepSession)); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// SetPasswordReset keeps a reset link's hash and ends the user's sessions.
func (db *DB) SetPasswordReset(ctx context.Context, a kith.Actor, userID int64, linkHash []byte, expires time.Time) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "reset_password", `UPDATE users SET reset_hash = ?, reset_expires = ?
			WHERE id = ? AND site_id = ? AND disabled_at IS NULL`, linkHash, fmtTime(expires), userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// PasswordResetUser finds the user of a live reset link.
func (db *DB) PasswordResetUser(ctx context.Context, linkHash []byte) (kith.User, error) {
	r, err := scanSignInRecord(db.read.QueryRowContext(ctx, `SELECT `+signInRecordColumns+`
		FROM users WHERE reset_hash = ? AND reset_expires > ? AND disabled_at IS NULL`, linkHash, fmtTime(db.now())))
	return r.User, err
}

// SetPendingTOTP keeps the key shown during enrolment.
func (db *DB) SetPendingTOTP(ctx context.Context, userID int64, sealed string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_pending = ? WHERE id = ?`, sealed, userID); err != nil {
			return fmt.Errorf("set pending TOTP: %w", err)
		}
		return nil
	})
}

// ConfirmTOTP makes the pending key the user's and replaces their
// recovery codes.
func (db *DB) ConfirmTOTP(ctx context.Context, a kith.Actor, userID int64, recoveryHashes [][]byte) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "enrol_mfa", `UPDATE users SET totp_secret = totp_pending, totp_pending = NULL,
			totp_last_step = 0 WHERE id = ? AND site_id = ? AND totp_pending IS NOT NULL`, userID, a.Site); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("replace recovery codes: %w", err)
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, userID, h); err != nil {
				return fmt.Errorf("store recovery code: %w", err)
			}
		}
		return nil
	})
}

// UseTOTPStep records a code's step unless it or a later one was used.
func (db *DB) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	var ok bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
		if err != nil {
			return fmt.Errorf("use TOTP step: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// UseRecoveryCode spends an unused recovery code.
func (db *DB) UseRecoveryCode(ctx context.Context, a kith.Actor, userID int64, hash []byte) (bool, error) {
	var ok bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND hash = ? AND used_at IS NULL`,
			fmtTime(db.now()), userID, hash)
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		ok = true
		return db.insertAudit(ctx, tx, a, "use_recovery_code", "user", strconv.FormatInt(userID, 10))
	})
	return ok, err
}

// ResetTOTP removes the user's key and codes and ends their sessions.
func (db *DB) ResetTOTP(ctx context.Context, a kith.Actor, userID int64) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := db.updateUser(ctx, tx, a, userID, "reset_mfa", `UPDATE users SET totp_secret = NULL, totp_pending = NULL,
			totp_last_step = 0 WHERE id = ? AND site_id = ?`, userID, a.Site); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM recovery_codes WHERE user_id = ?`, `DELETE FROM sessions WHERE user_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("reset MFA: %w", err)
			}
		}
		return nil
	})
}
