-- EDIFACT interchanges received, by their envelope: a partner that sends
-- an interchange again (same sender, recipient and control reference, the
-- same messages, perhaps a new UNB time stamp) sends a duplicate, which is
-- recorded but not read into orders again (DESIGN.md, idempotency).

-- +goose Up
CREATE TABLE edi_interchanges (
    sender      text        NOT NULL,
    recipient   text        NOT NULL,
    control_ref text        NOT NULL,
    -- sha256 of the interchange's orders as read, without time stamps and
    -- source positions: a reused control reference with other content is
    -- not a duplicate.
    digest      text        NOT NULL,
    document_id bigint      NOT NULL REFERENCES documents (id),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sender, recipient, control_ref)
);

-- +goose Down
DROP TABLE edi_interchanges;
