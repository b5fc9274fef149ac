-- Issue 9: order of device sessions and challenges per user (the oldest is
-- the one superseded when a cap is reached), and indexes for the purge.
ALTER TABLE devices ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE challenges ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX challenges_user ON challenges(user_id);
CREATE INDEX challenges_expires ON challenges(expires_at);
CREATE INDEX access_tokens_expires ON access_tokens(expires_at);
CREATE INDEX throttle_updated ON throttle(updated_at);
