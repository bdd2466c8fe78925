package intake

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/order"
)

// Mailer sends composed mails (mailer.Sender).
type Mailer interface {
	From() string
	Send(ctx context.Context, to []string, msg []byte) error
}

// Notice kinds: the answers a customer who orders by mail gets.
const (
	NoticeConfirmation = "confirmation"
	NoticeRejection    = "rejection"
)

// NotifyArgs is the job that mails a customer the outcome of an order that
// came by mail.
type NotifyArgs struct {
	OrderID int64  `json:"order_id"`
	Notice  string `json:"notice"` // NoticeConfirmation or NoticeRejection
	Reason  string `json:"reason,omitempty"`
}

// Kind implements river.JobArgs.
func (NotifyArgs) Kind() string { return "notify_customer" }

// enqueueNotice adds the mail answer when the order came by mail from an
// address and a mailer is set up. It runs in the transaction that decides
// the outcome, so the answer is sent exactly when the outcome commits.
func (p *Pipeline) enqueueNotice(ctx context.Context, tx pgx.Tx, o *Order, notice, reason string) error {
	if p.opts.Mailer == nil {
		return nil
	}
	var channel, kind string
	err := tx.QueryRow(ctx, `SELECT channel, sender_kind FROM documents WHERE id = $1`, o.DocumentID).Scan(&channel, &kind)
	if err != nil {
		return err
	}
	if channel != ChannelEmail || kind != order.SenderEmail {
		return nil
	}
	_, err = p.client.InsertTx(ctx, tx, NotifyArgs{OrderID: o.ID, Notice: notice, Reason: reason}, nil)
	return err
}

type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	p *Pipeline
}

// Work composes the mail once (stored with a stable Message-ID before the
// first attempt) and sends it until the relay takes it. SMTP has no
// idempotency: a crash between the relay's OK and the database update
// sends the same mail (same Message-ID) twice, which mail programs fold.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	pool := w.p.opts.Pool
	a := job.Args
	var to string
	var content []byte
	var sent bool
	err := pool.QueryRow(ctx, `SELECT recipient, content, sent_at IS NOT NULL FROM notifications WHERE order_id = $1 AND kind = $2`,
		a.OrderID, a.Notice).Scan(&to, &content, &sent)
	if errors.Is(err, pgx.ErrNoRows) {
		to, content, err = w.compose(ctx, a)
		if err != nil {
			return err
		}
		if to == "" {
			return nil // no address to answer
		}
		_, err = pool.Exec(ctx, `INSERT INTO notifications (order_id, kind, recipient, message_id, content)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id, kind) DO NOTHING`,
			a.OrderID, a.Notice, to, noticeID(a, w.p.opts.Mailer.From()), content)
		if err != nil {
			return err
		}
		err = pool.QueryRow(ctx, `SELECT recipient, content, sent_at IS NOT NULL FROM notifications WHERE order_id = $1 AND kind = $2`,
			a.OrderID, a.Notice).Scan(&to, &content, &sent)
	}
	if err != nil || sent {
		return err
	}
	if err := w.p.opts.Mailer.Send(ctx, []string{to}, content); err != nil {
		return err // retried with River's backoff
	}
	_, err = pool.Exec(ctx, `UPDATE notifications SET sent_at = now() WHERE order_id = $1 AND kind = $2`, a.OrderID, a.Notice)
	w.p.log.Info("customer notified", "order", a.OrderID, "notice", a.Notice, "to", to)
	return err
}

func noticeID(a NotifyArgs, from string) string {
	domain := "ordergate.invalid"
	if addr, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(addr.Address, '@'); i >= 0 {
			domain = addr.Address[i+1:]
		}
	}
	return fmt.Sprintf("ordergate-order-%d-%s@%s", a.OrderID, a.Notice, domain)
}

// compose writes the answer in words a buyer understands, in reply to the
// buyer's mail.
func (w *notifyWorker) compose(ctx context.Context, a NotifyArgs) (to string, msg []byte, err error) {
	o, err := GetOrder(ctx, w.p.opts.Pool, a.OrderID)
	if err != nil {
		return "", nil, err
	}
	doc, err := GetDocument(ctx, w.p.opts.Pool, o.DocumentID)
	if err != nil {
		return "", nil, err
	}
	if _, err := mail.ParseAddress(doc.Sender.ID); err != nil {
		w.p.log.Warn("order came by mail without a valid sender address; no answer sent", "order", o.ID, "sender", doc.Sender.ID)
		return "", nil, nil
	}
	po := &o.PO
	var subject string
	var b strings.Builder
	b.WriteString("Hello,\n\n")
	switch a.Notice {
	case NoticeConfirmation:
		subject = fmt.Sprintf("Order %s confirmed", po.PONumber)
		fmt.Fprintf(&b, "thank you for your order %s", po.PONumber)
		if !po.OrderDate.IsZero() {
			fmt.Fprintf(&b, " of %s", po.OrderDate)
		}
		b.WriteString(". We have accepted it")
		if o.ERPOrderNo != "" {
			subject += ", our order " + o.ERPOrderNo
			fmt.Fprintf(&b, " as our order %s", o.ERPOrderNo)
		}
		b.WriteString(".\n\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "Line\tItem\tDescription\tQuantity\tUnit price")
		for _, l := range po.Lines {
			qty, unit := l.Ordered()
			price := ""
			if l.AgreedPrice != nil {
				price = l.AgreedPrice.String() + " " + po.Currency
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\n", l.LineNo, l.SKU, l.Description, qty, unit, price)
		}
		tw.Flush()
		if !po.DeliveryDate.IsZero() {
			fmt.Fprintf(&b, "\nRequested delivery date: %s.\n", po.DeliveryDate)
		}
	case NoticeRejection:
		subject = fmt.Sprintf("Order %s could not be accepted", po.PONumber)
		fmt.Fprintf(&b, "we could not accept your order %s: %s.\n\nNothing of it will be delivered. "+
			"Please send a corrected order, or reply to this mail if you have questions.\n", orDash(po.PONumber), a.Reason)
	default:
		return "", nil, fmt.Errorf("intake: unknown notice %q", a.Notice)
	}
	b.WriteString("\nThis message was written automatically by our order system.\n")
	msg, err = mailer.Compose(mailer.Message{From: w.p.opts.Mailer.From(), To: doc.Sender.ID, Subject: subject, Text: b.String(),
		MessageID: noticeID(a, w.p.opts.Mailer.From()), InReplyTo: doc.MessageID, Date: time.Now()})
	return doc.Sender.ID, msg, err
}

func orDash(s string) string {
	if s == "" {
		return "(without a number)"
	}
	return s
}
