-- Mail answers to customers who order by mail: the confirmation once the
-- order is in the ERP, or the rejection with its reason. The message is
-- stored before it is sent (with a stable Message-ID), so a retry sends the
-- very same mail.

-- +goose Up
ALTER TABLE documents ADD COLUMN message_id text NOT NULL DEFAULT '';

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    order_id   bigint      NOT NULL REFERENCES orders (id),
    kind       text        NOT NULL CHECK (kind IN ('confirmation', 'rejection')),
    recipient  text        NOT NULL,
    message_id text        NOT NULL,
    content    bytea       NOT NULL,
    sent_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, kind)
);

-- +goose Down
DROP TABLE notifications;
ALTER TABLE documents DROP COLUMN message_id;
