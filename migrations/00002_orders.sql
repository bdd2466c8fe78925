-- Orders: one row per purchase order found in a document.

-- +goose Up
CREATE TABLE orders (
    id              bigserial PRIMARY KEY,
    document_id     bigint      NOT NULL REFERENCES documents (id),
    -- 1-based position of the order in its document (EDIFACT message, sheet, mail part).
    message_index   integer     NOT NULL CHECK (message_index > 0),
    customer_number text        NOT NULL DEFAULT '',
    po_number       text        NOT NULL DEFAULT '',
    function        text        NOT NULL DEFAULT 'original',
    state           text        NOT NULL DEFAULT 'received'
                                CHECK (state IN ('received', 'matched', 'approved', 'review',
                                                 'delivering', 'delivered', 'rejected')),
    -- Plain words on why the order waits for a person.
    review_reason   text        NOT NULL DEFAULT '',
    -- The canonical order JSON, with matching results once matched.
    data            jsonb       NOT NULL,
    erp_order_no    text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_id, message_index)
);

CREATE INDEX orders_state ON orders (state, created_at);
CREATE INDEX orders_customer_po ON orders (customer_number, po_number);

-- +goose Down
DROP TABLE orders;
