-- Sheet layouts the desk corrected, per customer, keyed by the shape of the
-- header row (its cells normalised and joined by "|", or "(no header)"):
-- the next sheet of that customer with that header is read with them.
-- And the signed links through which a customer's buyer places a quick
-- order or uploads a sheet without an account: only a SHA-256 of each
-- link's random token is stored (256-bit tokens, so a fast hash is as safe
-- as a slow one), as for API keys.

-- +goose Up
CREATE TABLE sheet_layouts (
    id         bigserial   PRIMARY KEY,
    customer   text        NOT NULL CHECK (customer <> ''),
    shape      text        NOT NULL CHECK (shape <> ''),
    -- The header row as written, for people.
    header     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    -- [{"index": 1, "header": "Art.nr", "field": "buyer_item"}, ...]
    columns    jsonb       NOT NULL,
    updated_by text        NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (customer, shape)
);

CREATE TABLE order_links (
    id          bigserial   PRIMARY KEY,
    customer    text        NOT NULL CHECK (customer <> ''),
    token_hash  bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    -- What the desk wrote for itself: who the link was sent to.
    note        text        NOT NULL DEFAULT '',
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text        NOT NULL DEFAULT '',
    last_used_at timestamptz,
    CHECK (expires_at > created_at)
);

CREATE INDEX order_links_customer ON order_links (customer, created_at DESC);

-- +goose Down
DROP TABLE order_links;
DROP TABLE sheet_layouts;
