-- Issue 11: refresh tokens, and the unlock every token belongs to (its
-- family: `POST /v1/lock` ends one unlock's tokens, the device session
-- lives). A rotated refresh token is kept, marked used, until it expires:
-- presented again it revokes the device session (reuse detection).
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    unlock_id TEXT NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_device ON refresh_tokens(device_id);
CREATE INDEX refresh_tokens_unlock ON refresh_tokens(unlock_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens(expires_at);
-- Tokens from before this migration each form a family of their own.
ALTER TABLE access_tokens ADD COLUMN unlock_id TEXT NOT NULL DEFAULT '';
UPDATE access_tokens SET unlock_id = token_hash;
CREATE INDEX access_tokens_unlock ON access_tokens(unlock_id);
