package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers/email"
)

// mbox is the selected mailbox of one session.
type mbox struct {
	s        *Source
	c        *imapclient.Client
	validity uint32
}

// cursor returns the last UID stored of the mailbox under the current
// UIDVALIDITY; a new UIDVALIDITY starts it again at 0.
func (m *mbox) cursor(ctx context.Context) (uint32, error) {
	key := m.s.cfg.Key()
	var uv, last int64
	err := m.s.pool.QueryRow(ctx, `SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = $1`, key).Scan(&uv, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = m.s.pool.Exec(ctx, `INSERT INTO mailbox_cursors (mailbox, uid_validity) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, int64(m.validity))
		return 0, wrap("create cursor", err)
	}
	if err != nil {
		return 0, wrap("read cursor", err)
	}
	if uint32(uv) != m.validity {
		m.s.log.Warn("the mailbox has a new UIDVALIDITY; reading it from the start (mails stored before are recognised as duplicates)",
			"old", uv, "new", m.validity)
		_, err = m.s.pool.Exec(ctx, `UPDATE mailbox_cursors SET uid_validity = $2, last_uid = 0, updated_at = now() WHERE mailbox = $1`, key, int64(m.validity))
		return 0, wrap("reset cursor", err)
	}
	return uint32(last), nil
}

// fetchNew stores, then settles, the mails above the cursor, at most a
// batch; it returns how many it took.
func (m *mbox) fetchNew(ctx context.Context) (int, error) {
	last, err := m.cursor(ctx)
	if err != nil {
		return 0, err
	}
	set := imap.UIDSet{imap.UIDRange{Start: imap.UID(last + 1), Stop: 0}} // last+1:*
	msgs, err := m.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return 0, fmt.Errorf("mailbox: list new mails: %w", err)
	}
	// "n:*" includes the highest UID even when it is below n (RFC 9051
	// section 6.4.8).
	msgs = slices.DeleteFunc(msgs, func(b *imapclient.FetchMessageBuffer) bool { return uint32(b.UID) <= last })
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.UID) - int(b.UID) })
	if len(msgs) > m.s.cfg.Batch {
		msgs = msgs[:m.s.cfg.Batch]
	}
	for _, b := range msgs {
		if err := m.take(ctx, b.UID, b.RFC822Size); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

func (m *mbox) fetchBody(uid imap.UID, header bool) ([]byte, error) {
	sec := &imap.FetchItemBodySection{Peek: true}
	if header {
		sec.Specifier = imap.PartSpecifierHeader
	}
	// The literal is read item by item and checked against its announced
	// size rather than with FetchCommand.Collect: when the connection drops
	// in the middle of a mail, go-imap v2.0.0-beta.8 ends the literal with
	// io.EOF, which io.ReadAll reports as success, and Collect then goes on
	// reading the broken connection's buffer beside the client's reader
	// goroutine (go test -race, TestDroppedConnectionRecovers). A short
	// literal is an error here, and the command is left to the closing of
	// the client (the session reconnects), not drained.
	cmd := m.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{sec}})
	var body []byte
	found := false
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for it := msg.Next(); it != nil; it = msg.Next() {
			b, ok := it.(imapclient.FetchItemDataBodySection)
			if !ok || b.Literal == nil {
				continue
			}
			data, err := io.ReadAll(b.Literal)
			if err == nil && int64(len(data)) != b.Literal.Size() {
				err = fmt.Errorf("the connection ended after %d of its %d bytes", len(data), b.Literal.Size())
			}
			if err != nil {
				return nil, fmt.Errorf("mailbox: fetch mail %d: %w", uid, err)
			}
			if !found && b.MatchCommand(sec) {
				body, found = data, true
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("mailbox: fetch mail %d: %w", uid, err)
	}
	if !found {
		return nil, fmt.Errorf("mailbox: mail %d is gone", uid)
	}
	return body, nil
}

// take stores one mail with the cursor past it, then settles it.
func (m *mbox) take(ctx context.Context, uid imap.UID, size int64) error {
	cfg := m.s.cfg
	lim := cfg.Limits
	maxBytes := lim.MaxMessageBytes
	if maxBytes <= 0 {
		maxBytes = email.DefaultMaxMessageBytes
	}
	tooLarge := size > maxBytes
	raw, err := m.fetchBody(uid, tooLarge)
	if err != nil {
		return err
	}
	info, ierr := email.Inspect(raw, lim)
	in := intake.Inbound{
		Channel:     intake.ChannelEmail,
		SourceRef:   fmt.Sprintf("%s/%d/%d", cfg.Key(), m.validity, uid),
		FileName:    "mail.eml",
		ContentType: "message/rfc822",
		Data:        raw,
		MessageID:   info.MessageID,
	}
	in.IdempotencyKey = IdempotencyKey(info.MessageID, raw)
	mi := &intake.MailInfo{Mailbox: cfg.Key(), UIDValidity: m.validity, UID: uint32(uid), MessageID: info.MessageID,
		Subject: info.Subject, From: info.From, ForwardedBy: info.ForwardedBy, Thread: info.Thread,
		Language: info.Language, NoAnswer: info.NoAnswer}
	in.Mail = mi
	verified := false
	if ierr == nil && !tooLarge {
		verified, mi.Authenticated = email.Authenticate(raw, info.From, cfg.Verify)
		if info.ForwardedBy != "" {
			verified = false
			mi.Authenticated = "a forwarded mail: the original sender cannot be verified (" + mi.Authenticated + ")"
		}
	}
	if info.Customer != "" {
		in.Sender = order.Sender{Kind: order.SenderEmail, ID: info.Customer, Verified: verified}
	}
	folder := cfg.ProcessedFolder
	var failReason string
	switch {
	case tooLarge:
		folder = cfg.ErrorFolder
		failReason = fmt.Sprintf("the mail is %d bytes; the largest accepted is %d (sources.mailbox[].max_message_bytes): only its header was stored, the whole mail is kept in folder %s of %s",
			size, maxBytes, cfg.ErrorFolder, cfg.Key())
	case ierr != nil:
		folder = cfg.ErrorFolder // stored all the same; its parse fails with the same reason
	}
	var r intake.Received
	err = pgx.BeginFunc(ctx, m.s.pool, func(tx pgx.Tx) error {
		var err error
		if failReason != "" {
			r, err = m.s.pipe.ReceiveFailedTx(ctx, tx, in, failReason)
		} else {
			r, err = m.s.pipe.ReceiveTx(ctx, tx, in)
			if errors.Is(err, intake.ErrTooLarge) {
				folder = cfg.ErrorFolder
				failReason = "the mail cannot be stored: " + err.Error()
				r, err = m.s.pipe.ReceiveFailedTx(ctx, tx, in, failReason)
			}
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE mailbox_cursors SET last_uid = $3, updated_at = now()
			WHERE mailbox = $1 AND uid_validity = $2 AND last_uid < $3`, cfg.Key(), int64(m.validity), int64(uid))
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: store mail %d (it stays in %s and is fetched again): %w", uid, cfg.Mailbox, err)
	}
	switch {
	case r.Duplicate:
		m.s.log.Info("duplicate mail", "uid", uid, "message_id", info.MessageID, "document", r.DocumentID, "duplicate_of", r.DuplicateOf)
	case folder == cfg.ErrorFolder:
		reason := failReason
		if reason == "" {
			reason = ierr.Error()
		}
		m.s.log.Warn("mail cannot be read; stored as a failed document and moved to the error folder",
			"uid", uid, "document", r.DocumentID, "folder", folder, "reason", reason)
	default:
		m.s.log.Info("received mail", "uid", uid, "from", info.From, "subject", info.Subject, "document", r.DocumentID, "bytes", len(raw), "verified", verified)
	}
	return m.settle(uid, folder)
}

// settle moves a stored mail to its folder, or flags it (mark_only).
func (m *mbox) settle(uid imap.UID, folder string) error {
	set := imap.UIDSetNum(uid)
	if m.s.cfg.MarkOnly && folder == m.s.cfg.ProcessedFolder {
		err := m.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{Flag, imap.FlagSeen}}, nil).Close()
		return wrapIMAP("flag mail", uid, err)
	}
	_, err := m.c.Move(set, folder).Wait()
	return wrapIMAP("move mail to "+folder, uid, err)
}

// settleLeftovers settles mails at or below the cursor that are still in
// the mailbox without the flag: stored, but the session ended before they
// were moved.
func (m *mbox) settleLeftovers(ctx context.Context) error {
	last, err := m.cursor(ctx)
	if err != nil || last == 0 {
		return err
	}
	data, err := m.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: 1, Stop: imap.UID(last)}}},
		NotFlag: []imap.Flag{Flag}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("mailbox: look for stored mails not moved: %w", err)
	}
	for _, uid := range data.AllUIDs() {
		if uint32(uid) > last {
			continue
		}
		ref := fmt.Sprintf("%s/%d/%d", m.s.cfg.Key(), m.validity, uid)
		doc, err := intake.FindBySource(ctx, m.s.pool, intake.ChannelEmail, ref)
		if err != nil {
			// Not stored under this UID (a mailbox renumbered while a
			// session was down): the next fetch after a reset takes it.
			continue
		}
		folder := m.s.cfg.ProcessedFolder
		if _, ierr := email.Inspect(doc.Raw, m.s.cfg.Limits); ierr != nil || doc.State == intake.DocFailed && strings.HasPrefix(doc.Reason, "the mail is ") {
			folder = m.s.cfg.ErrorFolder
		}
		m.s.log.Info("mail was stored before; settling it", "uid", uid, "document", doc.ID, "folder", folder)
		if err := m.settle(uid, folder); err != nil {
			return err
		}
	}
	return nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("mailbox: %s: %w", what, err)
}

func wrapIMAP(what string, uid imap.UID, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("mailbox: %s (uid %d; it is settled at the next session): %w", what, uid, err)
}
