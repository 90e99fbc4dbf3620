-- Local accounts (issue 17): lockout per account, TOTP multi-factor with
-- one-time recovery codes, lead-initiated password resets, and sessions
-- that are only half signed in until the second factor is given.
ALTER TABLE users ADD COLUMN failed_signins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
-- The TOTP key (its otpauth URL), sealed with AES-GCM under a key in the
-- secrets table (app/mfa.go); totp_pending is one shown during enrolment,
-- not yet confirmed with a code. totp_last_step refuses a code twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- A password reset link made by a lead: only its SHA-256 is kept.
ALTER TABLE users ADD COLUMN reset_hash BLOB;
ALTER TABLE users ADD COLUMN reset_expires TEXT;
CREATE UNIQUE INDEX users_reset ON users(reset_hash) WHERE reset_hash IS NOT NULL;

-- Recovery codes: only a SHA-256 of each (they are random, 50 bits).
CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users(id),
	hash    BLOB NOT NULL,
	used_at TEXT,
	PRIMARY KEY (user_id, hash)
) STRICT;

-- 'password': the password was right, the second factor is still to come;
-- such a session reaches nothing but the second-factor pages.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full' CHECK (stage IN ('password', 'full'));
DELETE FROM sessions; -- everyone signs in again, with a second factor where their role needs one
