package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/ordergate/ordergate/db"
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

// InsertOpts puts answers to partners and customers after the orders on
// their way (see priorityOrder).
func (NotifyArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Priority: priorityAnswer} }

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

// DefaultNoticesPerHour is how many answers one address gets in an hour
// unless Options.NoticesPerHour says otherwise; further ones are held.
const DefaultNoticesPerHour = 20

// Work composes the mail once (stored with a stable Message-ID before the
// first attempt) and sends it until the relay takes it. SMTP has no
// idempotency: a crash between the relay's OK and the database update
// sends the same mail (same Message-ID) twice, which mail programs fold.
// A mail that must not be answered (auto-generated, a bounce, a list, a
// no-reply or our own address) gets no answer; an address that had
// NoticesPerHour answers in the last hour gets no more for now (the
// answer is stored as held, with the reason).
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	pool := w.p.opts.Pool
	a := job.Args
	var to, held string
	var content []byte
	var sent bool
	query := `SELECT recipient, content, sent_at IS NOT NULL, held FROM notifications WHERE order_id = $1 AND kind = $2`
	err := pool.QueryRow(ctx, query, a.OrderID, a.Notice).Scan(&to, &content, &sent, &held)
	if errors.Is(err, pgx.ErrNoRows) {
		to, content, held, err = w.compose(ctx, a)
		if err != nil {
			return err
		}
		if to == "" {
			return nil // no address to answer, or one that must not be
		}
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			// One answer at a time per address, so the count is right.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, db.LockKey("ordergate.notify:"+to)); err != nil {
				return err
			}
			if held == "" {
				limit := cmp.Or(w.p.opts.NoticesPerHour, DefaultNoticesPerHour)
				var n int
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE recipient = $1 AND held = ''
					AND created_at > now() - interval '1 hour'`, to).Scan(&n); err != nil {
					return err
				}
				if n >= limit {
					held = fmt.Sprintf("%s had %d answers in the last hour, the most it gets (NoticesPerHour)", to, n)
				}
			}
			tag, err := tx.Exec(ctx, `INSERT INTO notifications (order_id, kind, recipient, message_id, content, held)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id, kind) DO NOTHING`,
				a.OrderID, a.Notice, to, noticeID(a, w.p.opts.Mailer.From()), content, held)
			if err != nil || tag.RowsAffected() == 0 {
				return err
			}
			detail := map[string]string{"kind": a.Notice, "to": to}
			if held != "" {
				detail["held"] = held
			}
			return recordEvent(ctx, tx, a.OrderID, PipelineActor, EventNotified, detail)
		})
		if err != nil {
			return err
		}
		err = pool.QueryRow(ctx, query, a.OrderID, a.Notice).Scan(&to, &content, &sent, &held)
	}
	if err != nil || sent {
		return err
	}
	if held != "" {
		w.p.log.Warn("answer held back", "order", a.OrderID, "notice", a.Notice, "to", to, "reason", held)
		return nil
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

// compose writes the answer in words a buyer understands, in the language
// of the buyer's mail, in reply to it (threaded under it with In-Reply-To
// and References). held is set for an answer that must not go out now.
func (w *notifyWorker) compose(ctx context.Context, a NotifyArgs) (to string, msg []byte, held string, err error) {
	o, err := GetOrder(ctx, w.p.opts.Pool, a.OrderID)
	if err != nil {
		return "", nil, "", err
	}
	doc, err := GetDocument(ctx, w.p.opts.Pool, o.DocumentID)
	if err != nil {
		return "", nil, "", err
	}
	addr, err := mail.ParseAddress(doc.Sender.ID)
	if err != nil {
		w.p.log.Warn("order came by mail without a valid sender address; no answer sent", "order", o.ID, "sender", doc.Sender.ID)
		return "", nil, "", nil
	}
	info, _, err := GetMail(ctx, w.p.opts.Pool, doc.ID)
	if err != nil {
		return "", nil, "", err
	}
	if info.NoAnswer != "" {
		w.p.log.Info("mail is not answered", "order", o.ID, "to", doc.Sender.ID, "why", info.NoAnswer)
		return "", nil, "", nil
	}
	if strings.EqualFold(addr.Address, addrOf(w.p.opts.Mailer.From())) {
		w.p.log.Warn("order came from our own address; not answered (no mail loops)", "order", o.ID)
		return "", nil, "", nil
	}
	tx, ok := noticeTexts[info.Language]
	if !ok {
		tx, info.Language = noticeTexts["en"], "en"
	}
	po := &o.PO
	var subject string
	var b strings.Builder
	b.WriteString(tx.hello + "\n\n")
	switch a.Notice {
	case NoticeConfirmation:
		subject = fmt.Sprintf(tx.confirmSubject, orDashIn(po.PONumber, tx))
		fmt.Fprintf(&b, tx.thanks, orDashIn(po.PONumber, tx))
		if !po.OrderDate.IsZero() {
			fmt.Fprintf(&b, tx.ofDate, po.OrderDate)
		}
		b.WriteString(tx.accepted)
		if o.ERPOrderNo != "" {
			subject += fmt.Sprintf(tx.confirmOurs, o.ERPOrderNo)
			fmt.Fprintf(&b, tx.acceptedAs, o.ERPOrderNo)
		}
		b.WriteString(".\n\n")
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(tx.columns[:], "\t"))
		for _, l := range po.Lines {
			qty, unit := l.Ordered()
			price := ""
			if l.AgreedPrice != nil {
				price = l.AgreedPrice.String() + " " + po.Currency
			}
			item := cmp.Or(l.SKU, l.BuyerItem, l.GTIN)
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\n", l.LineNo, item, l.Description, qty, unit, price)
		}
		tw.Flush()
		if !po.DeliveryDate.IsZero() {
			b.WriteString("\n" + fmt.Sprintf(tx.delivery, po.DeliveryDate) + "\n")
		}
	case NoticeRejection:
		subject = fmt.Sprintf(tx.rejectSubject, orDashIn(po.PONumber, tx))
		b.WriteString(fmt.Sprintf(tx.rejected, orDashIn(po.PONumber, tx), a.Reason) + "\n")
	default:
		return "", nil, "", fmt.Errorf("intake: unknown notice %q", a.Notice)
	}
	b.WriteString("\n" + tx.footer + "\n")
	msg, err = mailer.Compose(mailer.Message{From: w.p.opts.Mailer.From(), To: doc.Sender.ID, Subject: subject, Text: b.String(),
		MessageID: noticeID(a, w.p.opts.Mailer.From()), InReplyTo: doc.MessageID, References: info.Thread,
		Language: info.Language, Date: time.Now()})
	return doc.Sender.ID, msg, "", err
}

func addrOf(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return s
}

func orDashIn(s string, tx noticeText) string {
	if s == "" {
		return tx.noNumber
	}
	return s
}
