package intake

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/parsers"
)

// MailInfo is what the mailbox source records of a mail, in the
// transaction that stores it: where it was (mailbox, UIDVALIDITY, UID;
// RFC 9051 section 2.3.1.1), who sent it, its thread and language, and
// whether it may be answered. The answers to its orders read it.
type MailInfo struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string
	Subject     string
	From        string
	ForwardedBy string
	Thread      []string // References and In-Reply-To, oldest first
	Language    string   // sv, no, da, fi, de or en
	// NoAnswer says why the mail is never answered (auto-generated, a
	// bounce, a list, a no-reply sender); empty: it may be.
	NoAnswer string
	// Authenticated says how the sender was verified, or why not.
	Authenticated string
}

func insertMail(ctx context.Context, tx pgx.Tx, docID int64, m *MailInfo) error {
	lang := m.Language
	if lang == "" {
		lang = "en"
	}
	thread := m.Thread
	if thread == nil {
		thread = []string{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO mail_messages (document_id, mailbox, uid_validity, uid, message_id, subject,
			from_address, forwarded_by, thread, language, no_answer, authenticated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (document_id) DO NOTHING`,
		docID, m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.MessageID, m.Subject, m.From, m.ForwardedBy,
		thread, lang, m.NoAnswer, m.Authenticated)
	if err != nil {
		return fmt.Errorf("intake: store mail details: %w", err)
	}
	return nil
}

// GetMail returns what was recorded of the mail a document came from;
// ok is false for a document that did not come from a mailbox.
func GetMail(ctx context.Context, ex interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, docID int64) (m MailInfo, ok bool, err error) {
	var uv, uid int64
	err = ex.QueryRow(ctx, `SELECT mailbox, uid_validity, uid, message_id, subject, from_address, forwarded_by,
			thread, language, no_answer, authenticated FROM mail_messages WHERE document_id = $1`, docID).
		Scan(&m.Mailbox, &uv, &uid, &m.MessageID, &m.Subject, &m.From, &m.ForwardedBy, &m.Thread, &m.Language, &m.NoAnswer, &m.Authenticated)
	if err == pgx.ErrNoRows {
		return MailInfo{}, false, nil
	}
	if err != nil {
		return MailInfo{}, false, fmt.Errorf("intake: mail details of document %d: %w", docID, err)
	}
	m.UIDValidity, m.UID = uint32(uv), uint32(uid)
	return m, true, nil
}

// ReceiveFailedTx stores a payload that cannot be read at all (a mail over
// the size limit, of which only the header was fetched) as a failed
// document with its reason, so that the desk and the failed-document list
// see it; nothing is parsed. A repeat by idempotency key is a duplicate as
// in ReceiveTx.
func (p *Pipeline) ReceiveFailedTx(ctx context.Context, tx pgx.Tx, in Inbound, reason string) (Received, error) {
	r, err := insertDocument(ctx, tx, in)
	if err != nil || r.Duplicate {
		return r, err
	}
	if _, err := tx.Exec(ctx, `UPDATE documents SET state = 'failed', reason = $2, format = 'email', updated_at = now() WHERE id = $1`,
		r.DocumentID, reason); err != nil {
		return Received{}, fmt.Errorf("intake: mark document failed: %w", err)
	}
	if in.Mail != nil {
		if err := insertMail(ctx, tx, r.DocumentID, in.Mail); err != nil {
			return Received{}, err
		}
	}
	return r, nil
}

// DocumentParts returns the parts of a document as its parser listed them
// (a mail's text and attachments), none for other documents.
func DocumentParts(ctx context.Context, ex interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id int64) ([]parsers.Part, error) {
	var parts []parsers.Part
	if err := ex.QueryRow(ctx, `SELECT parts FROM documents WHERE id = $1`, id).Scan(&parts); err != nil {
		return nil, fmt.Errorf("intake: parts of document %d: %w", id, err)
	}
	return parts, nil
}
