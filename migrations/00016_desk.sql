-- The sales desk: who works an order, orders held back, the exception codes
-- the queue filters by, every order's history, and the desk's users and
-- their sessions.

-- +goose Up
ALTER TABLE orders
    -- The desk user working the order ('' for nobody): another clerk acts
    -- on it only after taking it over.
    ADD COLUMN assigned_to     text    NOT NULL DEFAULT '',
    -- Held back by the desk (waiting for the customer): not approved until
    -- released.
    ADD COLUMN held            boolean NOT NULL DEFAULT false,
    ADD COLUMN hold_reason     text    NOT NULL DEFAULT '',
    -- The codes of data->'exceptions', kept by the pipeline, for the queue.
    ADD COLUMN exception_codes text[]  NOT NULL DEFAULT '{}';

UPDATE orders SET exception_codes = ARRAY(
    SELECT DISTINCT e->>'code' FROM jsonb_array_elements(coalesce(data->'exceptions', '[]'::jsonb)) e
    WHERE e->>'code' IS NOT NULL ORDER BY 1);

-- The desk's queue: orders in review, oldest first, filtered by code.
CREATE INDEX orders_queue ON orders (created_at, id) WHERE state = 'review';
CREATE INDEX orders_queue_codes ON orders USING gin (exception_codes) WHERE state = 'review';
CREATE INDEX orders_queue_po ON orders (lower(po_number) text_pattern_ops) WHERE state = 'review';

-- What happened to an order, oldest first: the pipeline's steps and every
-- desk action with what it changed (intake/events.go).
CREATE TABLE order_events (
    id       bigserial   PRIMARY KEY,
    order_id bigint      NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL DEFAULT now(),
    -- 'pipeline', or the desk user or API client who acted.
    actor    text        NOT NULL,
    kind     text        NOT NULL,
    detail   jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX order_events_order ON order_events (order_id, id);
CREATE INDEX order_events_desk ON order_events (at) WHERE actor <> 'pipeline';

-- The desk's users (auth/users.go): passwords as argon2id hashes.
CREATE TABLE users (
    name          text        PRIMARY KEY CHECK (name <> ''),
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('viewer', 'clerk', 'admin')),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

-- Login sessions (github.com/alexedwards/scs/pgxstore's table).
CREATE TABLE sessions (
    token  text        PRIMARY KEY,
    data   bytea       NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- +goose Down
DROP INDEX audit_log_actor;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE order_events;
DROP INDEX orders_queue_po;
DROP INDEX orders_queue_codes;
DROP INDEX orders_queue;
ALTER TABLE orders DROP COLUMN assigned_to, DROP COLUMN held, DROP COLUMN hold_reason, DROP COLUMN exception_codes;
