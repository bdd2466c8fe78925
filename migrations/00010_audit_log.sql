-- Every state-changing request to the API, who made it and how it ended
-- (DESIGN.md, security rules: every action written to an audit log).

-- +goose Up
CREATE TABLE audit_log (
    id      bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    -- The API client (key name) or, with the review UI, the user.
    actor   text        NOT NULL,
    -- What was asked: method and route, e.g. "POST /api/v1/orders/:id/reject".
    action  text        NOT NULL,
    -- The object: the route's parameters, e.g. "id=17" or "kind=items".
    target  text        NOT NULL DEFAULT '',
    -- The HTTP status the action ended with.
    status  integer     NOT NULL,
    -- What the handler adds: a rejection's reason, a learned cross-reference.
    detail  jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
