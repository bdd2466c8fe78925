package intake

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/ordergate/ordergate/atomicfile"
	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// Acknowledgement kinds.
const (
	AckContrl = "contrl"
	AckORDRSP = "ordrsp"
)

// When a CONTRL is sent.
const (
	ContrlRequested = "requested" // only when the interchange asks for one (UNB 0031 = 1)
	ContrlAlways    = "always"
	ContrlNever     = "never"
)

// AckOptions configure the acknowledgements sent back to EDI partners.
// Files go to Dir/<partner id>/, written atomically (a dot-named temporary
// file renamed into place), for the partner's transport (AS2, SFTP) to pick up.
type AckOptions struct {
	Dir string
	// Us is our identity in the reply's UNB; empty means the identity the
	// partner addressed (the inbound UNB recipient).
	Us edifact.PartyID
	// Contrl is when a CONTRL is sent: ContrlRequested (default),
	// ContrlAlways or ContrlNever.
	Contrl string
	// Location is the zone the dates and times of acknowledgements are in
	// (the ORDRSP document date DTM 137, the UNB time stamp): the
	// supplier's, matching.timezone. Nil means the machine's zone.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// AckArgs is the job that writes an acknowledgement: the CONTRL of a
// document's interchanges, or the ORDRSP of one order.
type AckArgs struct {
	DocumentID int64  `json:"document_id"`
	OrderID    int64  `json:"order_id,omitempty"`
	What       string `json:"kind"` // AckContrl or AckORDRSP
	// Status of an ORDRSP: accepted or rejected (with Reason).
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Kind implements river.JobArgs.
func (AckArgs) Kind() string { return "acknowledge" }

// InsertOpts puts answers to partners and customers after the orders on
// their way (see priorityOrder).
func (AckArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Priority: priorityAnswer} }

// enqueueAck adds an acknowledgement job when acknowledgements are set up
// and the order or document came as EDIFACT.
func (p *Pipeline) enqueueAck(ctx context.Context, tx pgx.Tx, format string, args AckArgs) error {
	if p.opts.Acks == nil || format != "edifact" {
		return nil
	}
	if args.What == AckContrl && p.opts.Acks.Contrl == ContrlNever {
		return nil
	}
	_, err := p.client.InsertTx(ctx, tx, args, nil)
	return err
}

type ackWorker struct {
	river.WorkerDefaults[AckArgs]
	p *Pipeline
}

// ack is one acknowledgement to store and write.
type ack struct {
	interchange, partner, status string
	build                        func(out edifact.Outbound) ([]byte, error)
	in                           edifact.Interchange
}

// Work builds the acknowledgements once (content stored with its own control
// reference in the same step as its row), then writes every stored but
// unwritten file. A retry after a crash finds the rows and writes the same
// bytes; a partner never gets two different answers to one interchange.
func (w *ackWorker) Work(ctx context.Context, job *river.Job[AckArgs]) error {
	a := job.Args
	pool := w.p.opts.Pool
	var acks []ack
	switch a.What {
	case AckContrl:
		// A CONTRL reports on every message: it reads the document.
		ics, err := w.readInterchanges(ctx, a.DocumentID)
		if err != nil {
			return err
		}
		for _, ic := range ics {
			if ic.AckRequested || w.p.opts.Acks.Contrl == ContrlAlways {
				c := edifact.NewContrl(ic)
				status := "accepted"
				if c.Action == edifact.ActionRejected {
					status = "rejected"
				}
				acks = append(acks, ack{interchange: ic.ControlRef, partner: ic.Sender.ID, status: status, in: ic,
					build: func(out edifact.Outbound) ([]byte, error) {
						var b bytes.Buffer
						err := edifact.WriteContrl(&b, out, "1", c)
						return b.Bytes(), err
					}})
			}
		}
	case AckORDRSP:
		o, err := GetOrder(ctx, pool, a.OrderID)
		if err != nil {
			return err
		}
		ic, ok, err := w.orderInterchange(ctx, &o)
		if err != nil {
			return err
		}
		if !ok {
			w.p.log.Warn("order's interchange not found; no ORDRSP", "order", o.ID)
			return nil
		}
		resp, status := orderResponse(&o, a, order.DateOf(w.now()))
		acks = append(acks, ack{interchange: ic.ControlRef, partner: ic.Sender.ID, status: status, in: ic,
			build: func(out edifact.Outbound) ([]byte, error) {
				var b bytes.Buffer
				err := edifact.WriteORDRSP(&b, out, resp)
				return b.Bytes(), err
			}})
	default:
		return fmt.Errorf("intake: unknown acknowledgement kind %q", a.What)
	}
	for _, k := range acks {
		if err := w.store(ctx, a, k); err != nil {
			return err
		}
	}
	return w.writePending(ctx, a.DocumentID)
}

// now is the time acknowledgements are dated with, in the supplier's zone.
func (w *ackWorker) now() time.Time {
	return zonedNow(w.p.opts.Acks.Now, w.p.opts.Acks.Location)
}

// orderInterchange returns the envelope of the interchange an order came
// in: the one stored when its document was parsed, else (a document parsed
// before envelopes were stored) read from the document.
func (w *ackWorker) orderInterchange(ctx context.Context, o *Order) (edifact.Interchange, bool, error) {
	if o.PO.Envelope == nil {
		return edifact.Interchange{}, false, nil
	}
	ic, ok, err := storedInterchange(ctx, w.p.opts.Pool, o.DocumentID, o.PO.Envelope)
	if err != nil || ok {
		return ic, ok, err
	}
	ics, err := w.readInterchanges(ctx, o.DocumentID)
	if err != nil {
		return edifact.Interchange{}, false, err
	}
	ic, ok = interchangeOf(ics, o.PO.Envelope)
	return ic, ok, nil
}

// readInterchanges reads and parses a document for its interchanges and
// the status of each message; none when it has no interchange left to
// acknowledge.
func (w *ackWorker) readInterchanges(ctx context.Context, docID int64) ([]edifact.Interchange, error) {
	doc, err := GetDocument(ctx, w.p.opts.Pool, docID)
	if err != nil {
		return nil, err
	}
	ics, _, err := edifact.New().ParseInterchanges(ctx, parsers.Document{Data: doc.Raw})
	if err != nil && len(ics) == 0 {
		w.p.log.Warn("no interchange to acknowledge", "document", doc.ID, "err", err)
		return nil, nil
	}
	return ics, nil
}

// store records one acknowledgement unless it exists already.
func (w *ackWorker) store(ctx context.Context, a AckArgs, k ack) error {
	pool := w.p.opts.Pool
	var exists bool
	err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM acknowledgements
		WHERE document_id = $1 AND kind = $2 AND interchange_ref = $3 AND coalesce(order_id, 0) = $4)`,
		a.DocumentID, a.What, k.interchange, a.OrderID).Scan(&exists)
	if err != nil || exists {
		return err
	}
	var seq int64
	if err := pool.QueryRow(ctx, `SELECT nextval('edi_control_ref')`).Scan(&seq); err != nil {
		return err
	}
	ctrl := strconv.FormatInt(seq, 10)
	us := w.p.opts.Acks.Us
	if us.ID == "" {
		us = k.in.Recipient
	}
	content, err := k.build(edifact.ReplyTo(k.in, us, ctrl, w.now()))
	if err != nil {
		return fmt.Errorf("intake: build %s: %w", a.What, err)
	}
	partner := atomicfile.SafeName(k.partner, "unknown-partner")
	path := filepath.Join(w.p.opts.Acks.Dir, partner, fmt.Sprintf("%s_%s_%s.edi", strings.ToUpper(a.What), partner, ctrl))
	var order any
	if a.OrderID != 0 {
		order = a.OrderID
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO acknowledgements (document_id, order_id, kind, status, interchange_ref, partner, control_ref, path, content)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (document_id, kind, interchange_ref, coalesce(order_id, 0)) DO NOTHING`,
			a.DocumentID, order, a.What, k.status, k.interchange, k.partner, ctrl, path, content)
		if err != nil || tag.RowsAffected() == 0 || a.OrderID == 0 {
			return err
		}
		// The order's history says what its sender was told.
		return recordEvent(ctx, tx, a.OrderID, PipelineActor, EventAcknowledged,
			map[string]string{"kind": strings.ToUpper(a.What), "status": k.status, "partner": k.partner, "control_ref": ctrl})
	})
}

// writePending writes the document's stored acknowledgements that are not
// on disk yet.
func (w *ackWorker) writePending(ctx context.Context, docID int64) error {
	pool := w.p.opts.Pool
	rows, err := pool.Query(ctx, `SELECT id, path, content FROM acknowledgements WHERE document_id = $1 AND written_at IS NULL ORDER BY id`, docID)
	if err != nil {
		return err
	}
	type pending struct {
		id      int64
		path    string
		content []byte
	}
	var todo []pending
	var p pending
	if _, err := pgx.ForEachRow(rows, []any{&p.id, &p.path, &p.content}, func() error {
		todo = append(todo, p)
		return nil
	}); err != nil {
		return err
	}
	for _, p := range todo {
		if err := os.MkdirAll(filepath.Dir(p.path), 0o750); err != nil {
			return fmt.Errorf("intake: acknowledgement folder: %w", err)
		}
		if err := atomicfile.Write(p.path, p.content); err != nil {
			return fmt.Errorf("intake: write acknowledgement: %w", err)
		}
		if _, err := pool.Exec(ctx, `UPDATE acknowledgements SET written_at = now() WHERE id = $1`, p.id); err != nil {
			return err
		}
		w.p.log.Info("acknowledgement written", "document", docID, "file", p.path)
	}
	return nil
}

// interchangeOf finds the interchange an order came in.
func interchangeOf(ics []edifact.Interchange, env *order.Envelope) (edifact.Interchange, bool) {
	if env == nil {
		return edifact.Interchange{}, false
	}
	for _, ic := range ics {
		if ic.ControlRef == env.InterchangeRef && ic.Sender.ID == env.InterchangeFrom {
			return ic, true
		}
	}
	for _, ic := range ics {
		if ic.ControlRef == env.InterchangeRef {
			return ic, true
		}
	}
	return edifact.Interchange{}, false
}

// orderResponse answers an order: rejected with the reason; accepted with
// changes where matching delivered another quantity, unit or price than the
// buyer sent; accepted otherwise. Units are compared as UN/ECE Rec 20 codes
// the way master data normalises them (EA, H87 and PCE are one unit) and
// prices per one unit, the sent price basis applied (PRI 5284: 145 per 10
// is 14.50). An unchanged line repeats what the buyer sent; a changed one
// says our quantity and unit and our price per one unit. The response
// number is the ERP's order number when there is one.
func orderResponse(o *Order, a AckArgs, today order.Date) (edifact.OrderResponse, string) {
	number := o.ERPOrderNo
	if number == "" {
		number = "OG" + strconv.FormatInt(o.ID, 10)
	}
	r := edifact.NewOrderResponse(o.PO, number, today)
	r.MessageRef = "1"
	if a.Status == "rejected" {
		r.Status, r.Reason = edifact.ResponseRejected, a.Reason
		for i := range r.Lines {
			r.Lines[i].Action = edifact.LineNotAccepted
		}
		return r, "rejected"
	}
	status := "accepted"
	for i := range r.Lines {
		l := &o.PO.Lines[i]
		qty, unit := l.Ordered()
		changed := qty.Cmp(l.Quantity) != 0 || l.Unit != "" && catalog.NormalizeUnit(unit) != catalog.NormalizeUnit(l.Unit)
		if l.AgreedPrice != nil {
			sent, hasSent, ok := l.PricePerUnit()
			if !hasSent || !ok || changed || l.AgreedPrice.Cmp(sent) != 0 {
				r.Lines[i].Price, r.Lines[i].PriceBasis = l.AgreedPrice, nil
				// A price we add where none was sent is no change.
				changed = changed || hasSent
			}
		}
		if changed {
			r.Lines[i].Action, r.Lines[i].Quantity, r.Lines[i].Unit = edifact.LineChanged, qty, unit
			status = "changed"
		}
	}
	if status == "changed" {
		r.Status = edifact.ResponseWithChanges
	}
	return r, status
}
