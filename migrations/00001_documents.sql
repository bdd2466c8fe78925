-- Documents: every inbound payload, stored raw before anything reads it.

-- +goose Up
CREATE TABLE documents (
    id              bigserial PRIMARY KEY,
    channel         text        NOT NULL CHECK (channel IN ('file', 'email', 'upload', 'api')),
    -- Where it came from: the claimed file path, mailbox/UIDVALIDITY/UID, uploading user.
    source_ref      text        NOT NULL,
    sender_kind     text        NOT NULL DEFAULT '',
    sender_id       text        NOT NULL DEFAULT '',
    file_name       text        NOT NULL DEFAULT '',
    content_type    text        NOT NULL DEFAULT '',
    -- Customer chosen by the person who uploaded the document, if any.
    customer_number text        NOT NULL DEFAULT '',
    size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256          bytea       NOT NULL CHECK (length(sha256) = 32),
    -- Channel-specific idempotency key (DESIGN.md, reliability rules).
    idempotency_key text        NOT NULL,
    -- Raw bytes; NULL only for a duplicate, whose bytes are its original's.
    raw             bytea,
    state           text        NOT NULL DEFAULT 'received'
                                CHECK (state IN ('received', 'parsed', 'failed', 'duplicate')),
    format          text        NOT NULL DEFAULT '',
    -- Readable reason when failed.
    reason          text        NOT NULL DEFAULT '',
    -- Per-message problems and envelope warnings found while parsing (JSON).
    problems        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    duplicate_of    bigint      REFERENCES documents (id),
    received_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'duplicate') = (duplicate_of IS NOT NULL)),
    CHECK (state = 'duplicate' OR raw IS NOT NULL)
);

-- One original per idempotency key; repeats are rows in state duplicate.
CREATE UNIQUE INDEX documents_idempotency_key ON documents (idempotency_key) WHERE state <> 'duplicate';
CREATE INDEX documents_source_ref ON documents (channel, source_ref);
CREATE INDEX documents_state ON documents (state, received_at);

-- +goose Down
DROP TABLE documents;
