-- Up Migration
-- Idempotency-Key rows now follow @rail/idempotency (postgresIdempotencyStore): the answer is kept as the text
-- that was sent, with its content type, so a replay is byte-for-byte the first answer (jsonb would reorder keys).
-- Rows older than the key TTL are purged by a periodic job, in batches, through idempotency_keys_created_idx.
ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE text USING response_body::text;
ALTER TABLE idempotency_keys ADD COLUMN response_content_type text;

-- Down Migration
ALTER TABLE idempotency_keys DROP COLUMN response_content_type;
ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb;
