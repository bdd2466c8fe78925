-- Mailboxes: the IMAP intake's cursor per mailbox, what each mail was
-- (sender, thread, language, whether it may be answered), the parts of
-- every document as its parser found them, and answers held back.

-- +goose Up
-- One row per configured mailbox (its key names server, user and folder).
-- Messages are fetched by UID above last_uid; a new UIDVALIDITY (the
-- server renumbered the folder, RFC 9051 section 2.3.1.1) starts the
-- cursor again at 0, and the Message-ID and content hash keep a message
-- seen before from becoming a second order.
CREATE TABLE mailbox_cursors (
    mailbox      text        PRIMARY KEY,
    uid_validity bigint      NOT NULL CHECK (uid_validity > 0),
    last_uid     bigint      NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- What a mail document was, written in the transaction that stores it.
CREATE TABLE mail_messages (
    document_id   bigint      PRIMARY KEY REFERENCES documents (id),
    mailbox       text        NOT NULL,
    uid_validity  bigint      NOT NULL,
    uid           bigint      NOT NULL,
    message_id    text        NOT NULL DEFAULT '',
    subject       text        NOT NULL DEFAULT '',
    -- The From of the mail; for a forwarded order the customer is the
    -- original sender (documents.sender_id) and this is the forwarder.
    from_address  text        NOT NULL DEFAULT '',
    forwarded_by  text        NOT NULL DEFAULT '',
    -- Message-IDs of the thread (References, then the mail's own), for
    -- answers threaded under it.
    thread        text[]      NOT NULL DEFAULT '{}',
    -- sv, no, da, fi, de or en: the language answers are written in.
    language      text        NOT NULL DEFAULT 'en',
    -- Why the mail is never answered (auto-generated, a bounce, a list,
    -- a no-reply sender); empty: it may be.
    no_answer     text        NOT NULL DEFAULT '',
    -- How the sender was (or was not) verified, in words.
    authenticated text        NOT NULL DEFAULT '',
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_messages_uid ON mail_messages (mailbox, uid_validity, uid);

-- The parts of a document (a mail's bodies and attachments) as its parser
-- found them: name, type, which parser read it or why none did.
ALTER TABLE documents ADD COLUMN parts jsonb NOT NULL DEFAULT '[]'::jsonb;

-- An answer held back (rate limit per address) says why, and is not sent.
ALTER TABLE notifications ADD COLUMN held text NOT NULL DEFAULT '';
CREATE INDEX notifications_recipient ON notifications (recipient, created_at);

-- +goose Down
DROP INDEX notifications_recipient;
ALTER TABLE notifications DROP COLUMN held;
ALTER TABLE documents DROP COLUMN parts;
DROP TABLE mail_messages;
DROP TABLE mailbox_cursors;
