-- The envelopes of the EDIFACT interchanges in each document, stored when
-- the document is parsed: what an ORDRSP to one of its orders needs and
-- the order does not carry (UNA service characters, UNB syntax, both
-- parties with their qualifiers). Acknowledging an order reads one row
-- here instead of reading and parsing the whole document again, which for
-- an interchange of thousands of orders was quadratic. For the same
-- reason the acknowledgements still to be written are found by a partial
-- index, not among all of the document's.

-- +goose Up
CREATE TABLE document_interchanges (
    document_id         bigint  NOT NULL REFERENCES documents (id),
    sender              text    NOT NULL, -- UNB S002 0004
    sender_qualifier    text    NOT NULL, -- UNB S002 0007
    recipient           text    NOT NULL, -- UNB S003 0010
    recipient_qualifier text    NOT NULL, -- UNB S003 0007
    control_ref         text    NOT NULL, -- UNB 0020
    syntax_id           text    NOT NULL, -- UNB S001 0001, e.g. UNOC
    syntax_version      text    NOT NULL, -- UNB S001 0002
    -- component, element, decimal, release, repetition, segment (0: none)
    service_chars       bytea   NOT NULL CHECK (length(service_chars) = 6),
    has_una             boolean NOT NULL,
    test                boolean NOT NULL,
    PRIMARY KEY (document_id, sender, recipient, control_ref)
);

CREATE INDEX acknowledgements_unwritten ON acknowledgements (document_id) WHERE written_at IS NULL;

-- +goose Down
DROP INDEX acknowledgements_unwritten;
DROP TABLE document_interchanges;
