-- Acknowledgements sent back to EDI partners (CONTRL on receipt, ORDRSP on
-- acceptance or rejection). The content is stored before the file is
-- written, so a retry writes the very same bytes, and the desk can see and
-- resend what a partner was told.

-- +goose Up
-- Our interchange control references (UNB 0020, at most 14 characters).
CREATE SEQUENCE edi_control_ref MAXVALUE 99999999999999;

CREATE TABLE acknowledgements (
    id              bigserial PRIMARY KEY,
    document_id     bigint      NOT NULL REFERENCES documents (id),
    order_id        bigint      REFERENCES orders (id),
    kind            text        NOT NULL CHECK (kind IN ('contrl', 'ordrsp')),
    -- accepted, rejected or changed (ORDRSP with amendments)
    status          text        NOT NULL,
    interchange_ref text        NOT NULL,
    partner         text        NOT NULL,
    control_ref     text        NOT NULL,
    path            text        NOT NULL,
    content         bytea       NOT NULL,
    written_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX acknowledgements_once
    ON acknowledgements (document_id, kind, interchange_ref, coalesce(order_id, 0));

-- +goose Down
DROP TABLE acknowledgements;
DROP SEQUENCE edi_control_ref;
