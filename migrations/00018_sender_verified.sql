-- Whether the channel authenticated a document's sender (order.Sender.Verified:
-- the mailbox's DKIM / Authentication-Results check), kept with the document
-- so that the parse job, which reads the sender from here, still knows it.
-- Documents stored before this column were read as unverified, as they were.

-- +goose Up
ALTER TABLE documents ADD COLUMN sender_verified boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE documents DROP COLUMN sender_verified;
