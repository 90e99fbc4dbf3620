-- A token belongs to the person who made it (NULL: made on the command
-- line by whoever runs the service) and expires. It stops working when it
-- expires, or the moment its owner is disabled (Authenticate joins users).
-- Tokens made before this migration expire 90 days after it.
ALTER TABLE tokens ADD COLUMN user_id INTEGER REFERENCES users(id);
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
UPDATE tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', '+90 days') || '.000000Z' WHERE expires_at IS NULL;
CREATE INDEX tokens_user ON tokens(user_id);
