// Package intake moves a document from its source to orders: it stores every
// inbound payload raw (Receive), and runs the pipeline stages as River jobs
// (parse, match, route, deliver), each committing its state change together
// with the next stage's job. The sources (file drop, mailbox, upload) live in
// sub-packages and all end in Receive.
package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
)

// Channels a document can arrive through.
const (
	ChannelFile   = "file"
	ChannelEmail  = "email"
	ChannelUpload = "upload"
	ChannelAPI    = "api"
)

// Document states.
const (
	DocReceived  = "received"
	DocParsed    = "parsed"
	DocFailed    = "failed"
	DocDuplicate = "duplicate"
)

// ErrTooLarge is returned by Receive for a payload over the configured limit.
var ErrTooLarge = errors.New("intake: document too large")

// Inbound is a payload as a source hands it over.
type Inbound struct {
	Channel   string
	SourceRef string // claimed file path, mailbox/UIDVALIDITY/UID, uploading user
	Sender    order.Sender
	FileName  string
	// ContentType as declared by the channel; the parsers sniff anyway.
	ContentType    string
	CustomerNumber string // chosen by the uploader, if any
	Data           []byte
	// IdempotencyKey identifies a repeat of the same document. Empty means
	// the content hash, which is the rule for files and uploads.
	IdempotencyKey string
	// MessageID is the RFC 5322 Message-ID of a mail (without angle
	// brackets); answers refer to it.
	MessageID string
	// Mail, for a mail from a mailbox, is stored with the document.
	Mail *MailInfo
}

// Received is the outcome of Receive.
type Received struct {
	DocumentID int64
	// Duplicate is set when the key was seen before; DuplicateOf is then the
	// original document, and no parse job was enqueued.
	Duplicate   bool
	DuplicateOf int64
}

// Document is a stored document.
type Document struct {
	ID             int64
	Channel        string
	SourceRef      string
	Sender         order.Sender
	FileName       string
	ContentType    string
	CustomerNumber string
	Size           int64
	SHA256         []byte
	IdempotencyKey string
	Raw            []byte
	State          string
	Format         string
	Reason         string
	Problems       Problems
	DuplicateOf    int64
	MessageID      string
	ReceivedAt     time.Time
}

// ContentKey is the idempotency key of a payload identified by its bytes.
func ContentKey(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// insertDocument stores the raw payload. It returns duplicate=true and the
// original's id when the idempotency key is already taken; in that case a
// duplicate row is written instead, pointing at the original.
func insertDocument(ctx context.Context, tx pgx.Tx, in Inbound) (Received, error) {
	sum := sha256.Sum256(in.Data)
	key := in.IdempotencyKey
	if key == "" {
		key = "sha256:" + hex.EncodeToString(sum[:])
	}
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO documents (channel, source_ref, sender_kind, sender_id, file_name, content_type,
		                       customer_number, size_bytes, sha256, idempotency_key, raw, message_id, sender_verified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (idempotency_key) WHERE state <> 'duplicate' DO NOTHING
		RETURNING id`,
		in.Channel, in.SourceRef, in.Sender.Kind, in.Sender.ID, in.FileName, in.ContentType,
		in.CustomerNumber, len(in.Data), sum[:], key, in.Data, in.MessageID, in.Sender.Verified).Scan(&id)
	if err == nil {
		return Received{DocumentID: id}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Received{}, fmt.Errorf("intake: store document: %w", err)
	}
	var orig int64
	if err := tx.QueryRow(ctx, `SELECT id FROM documents WHERE idempotency_key = $1 AND state <> 'duplicate'`, key).Scan(&orig); err != nil {
		return Received{}, fmt.Errorf("intake: find original of duplicate: %w", err)
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO documents (channel, source_ref, sender_kind, sender_id, file_name, content_type,
		                       customer_number, size_bytes, sha256, idempotency_key, state, duplicate_of, reason, sender_verified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'duplicate', $11::bigint,
		        'the same document was received before as document ' || $11::text, $12)
		RETURNING id`,
		in.Channel, in.SourceRef, in.Sender.Kind, in.Sender.ID, in.FileName, in.ContentType,
		in.CustomerNumber, len(in.Data), sum[:], key, orig, in.Sender.Verified).Scan(&id)
	if err != nil {
		return Received{}, fmt.Errorf("intake: record duplicate: %w", err)
	}
	return Received{DocumentID: id, Duplicate: true, DuplicateOf: orig}, nil
}

const documentColumns = `id, channel, source_ref, sender_kind, sender_id, sender_verified, file_name, content_type,
	customer_number, size_bytes, sha256, idempotency_key, coalesce(raw, ''::bytea), state, format, reason,
	problems, coalesce(duplicate_of, 0), message_id, received_at`

func scanDocument(row pgx.Row) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.Channel, &d.SourceRef, &d.Sender.Kind, &d.Sender.ID, &d.Sender.Verified, &d.FileName, &d.ContentType,
		&d.CustomerNumber, &d.Size, &d.SHA256, &d.IdempotencyKey, &d.Raw, &d.State, &d.Format, &d.Reason,
		&d.Problems, &d.DuplicateOf, &d.MessageID, &d.ReceivedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, db.ErrNotFound
	}
	return d, err
}

// GetDocument returns a document with its raw bytes.
func GetDocument(ctx context.Context, ex db.Executor, id int64) (Document, error) {
	d, err := scanDocument(ex.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = $1`, id))
	if errors.Is(err, db.ErrNotFound) {
		return Document{}, notFoundf("no document %d", id)
	}
	if err != nil {
		return Document{}, fmt.Errorf("intake: document %d: %w", id, err)
	}
	return d, nil
}

// FindBySource returns the original (non-duplicate) document received from
// a channel under a source reference, or db.ErrNotFound. The file drop uses
// it on recovery to tell "committed before the crash" from "never stored".
func FindBySource(ctx context.Context, ex db.Executor, channel, ref string) (Document, error) {
	return scanDocument(ex.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents
		WHERE channel = $1 AND source_ref = $2 ORDER BY id LIMIT 1`, channel, ref))
}

// Problems are the per-message errors and envelope warnings of a parse.
type Problems struct {
	Errors   []MessageProblem `json:"errors,omitempty"`
	Warnings []string         `json:"warnings,omitempty"`
}

// MessageProblem mirrors parsers.MessageError in the database.
type MessageProblem struct {
	Index    int    `json:"index"`
	Ref      string `json:"ref,omitempty"`
	Type     string `json:"type,omitempty"`
	Message  string `json:"message"`
	NotOrder bool   `json:"not_order,omitempty"`
}

// DocumentFilter selects documents for ListDocuments.
type DocumentFilter struct {
	State    string // empty: every state
	Limit    int
	BeforeID int64 // page: documents received before this one (0: from the newest)
}

// DocumentStates lists every document state, for callers that filter by state.
var DocumentStates = []string{DocReceived, DocParsed, DocFailed, DocDuplicate}

// ListDocuments lists documents newest first (by the time they were
// received), without their raw bytes. Pages are keyset pages: the next
// page starts before the last document of this one, so a page costs the
// same however deep it is and no document is skipped or repeated while new
// ones arrive.
func ListDocuments(ctx context.Context, ex db.Executor, f DocumentFilter) ([]Document, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := ex.Query(ctx, `SELECT id, channel, source_ref, sender_kind, sender_id, sender_verified, file_name, content_type,
			customer_number, size_bytes, sha256, idempotency_key, ''::bytea, state, format, reason,
			problems, coalesce(duplicate_of, 0), message_id, received_at
		FROM documents d
		WHERE ($1 = '' OR state = $1)
		  AND ($2 = 0 OR (received_at, id) < (SELECT received_at, id FROM documents WHERE id = $2))
		ORDER BY received_at DESC, id DESC LIMIT $3`, f.State, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("intake: list documents: %w", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Document, error) { return scanDocument(r) })
	if err != nil {
		return nil, fmt.Errorf("intake: list documents: %w", err)
	}
	return docs, nil
}
