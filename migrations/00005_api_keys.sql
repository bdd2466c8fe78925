-- API keys for machine clients (ERPs pushing master data, upload scripts).
-- Only a SHA-256 of each key is stored: keys are 256-bit random, so a fast
-- hash is as safe as a slow one and keeps every API call cheap.

-- +goose Up
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text        NOT NULL UNIQUE CHECK (name <> ''),
    -- First characters of the key, shown in listings so a person can tell keys apart.
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- +goose Down
DROP TABLE api_keys;
