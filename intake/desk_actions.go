package intake

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/order"
)

// ChooseCustomer is the desk saying whose order it is (an unknown or
// ambiguous customer): the choice is matching's first evidence from now on,
// and the order is matched again.
func (p *Pipeline) ChooseCustomer(ctx context.Context, a Actor, id int64, customer string) (Order, error) {
	customer = strings.ToUpper(strings.TrimSpace(customer))
	if customer == "" {
		return Order{}, invalidf("say which customer the order is from (its customer number)")
	}
	return p.desk(ctx, a, id, ActCustomer, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		o.PO.ChosenCustomer = customer
		return p.rematchNow(ctx, tx, o)
	})
}

// MaxPONumber is the longest PO number the desk may set: EDIFACT's
// document number (BGM 1004, an..35), which the ERPs also hold.
const MaxPONumber = 35

// SetPONumber is the desk giving an order in review the customer's own PO
// number (told on the phone, or in a mail of its own): an order that states
// none waits with a PARSE_ERROR, and one its parser numbered itself (NOPO-,
// after a file's name) may take the customer's real number. The order is
// matched again: the number may make it a duplicate of an earlier order.
func (p *Pipeline) SetPONumber(ctx context.Context, a Actor, id int64, number string) (Order, error) {
	number = strings.TrimSpace(number)
	switch {
	case number == "":
		return Order{}, invalidf("say the order's PO number")
	case len([]rune(number)) > MaxPONumber:
		return Order{}, invalidf("a PO number has at most %d characters", MaxPONumber)
	case strings.ContainsFunc(number, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return Order{}, invalidf("a PO number is one line of text")
	}
	return p.desk(ctx, a, id, ActPONumber, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		var placeholder bool
		if err := tx.QueryRow(ctx, `SELECT placeholder FROM orders WHERE id = $1`, o.ID).Scan(&placeholder); err != nil {
			return err
		}
		if placeholder {
			return conflictf("order %d stands for a message that could not be read; the sender must send it again (or the document be replayed once it reads)", o.ID)
		}
		e.More = map[string]any{"po_number": number, "was": o.PO.PONumber}
		o.PO.PONumber, o.PO.PONumberFrom = number, ""
		if _, err := tx.Exec(ctx, `UPDATE orders SET po_number = $2 WHERE id = $1`, o.ID, number); err != nil {
			return err
		}
		return p.rematchNow(ctx, tx, o)
	})
}

// LineMapping is the desk saying which of our items a line means.
type LineMapping struct {
	SKU  string
	Unit string // the unit the customer's quantity counts in, "" for the line's
	// Remember stores the customer's item number on the line as a learned
	// cross-reference, so the customer's next orders resolve by themselves.
	Remember bool
}

// MapLine maps a line of an order in review to one of our items (an
// unknown or ambiguous item), and with Remember teaches it for the
// customer's next orders; the order is matched again.
func (p *Pipeline) MapLine(ctx context.Context, a Actor, id int64, lineNo int, m LineMapping) (Order, error) {
	m.SKU, m.Unit = strings.TrimSpace(m.SKU), catalog.NormalizeUnit(m.Unit)
	if m.SKU == "" {
		return Order{}, invalidf("say which of our items (SKU) line %d is", lineNo)
	}
	if f, ok := p.opts.Matcher.(interface{ FindItem(string) (string, bool) }); ok {
		sku, found := f.FindItem(m.SKU)
		if !found {
			return Order{}, invalidf("there is no item %q in the master data", m.SKU)
		}
		m.SKU = sku
	}
	return p.desk(ctx, a, id, ActMapLine, lineNo, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		l, err := deskLine(o, lineNo)
		if err != nil {
			return err
		}
		l.Desk.SKU, l.Desk.By = m.SKU, a.String()
		if m.Unit != "" {
			l.Desk.Unit = m.Unit
		}
		if m.Remember {
			if l.BuyerItem == "" {
				return invalidf("line %d has no item number of the customer's to remember; map it without remembering", lineNo)
			}
			if o.PO.CustomerNumber == "" {
				return invalidf("the customer is not known yet; choose the customer first, then remember the item")
			}
			v, err := masterdata.Learn(ctx, tx, masterdata.LearnedCrossRef{Customer: o.PO.CustomerNumber, CustomerItem: l.BuyerItem,
				SKU: m.SKU, Unit: m.Unit, By: a.String(), FromOrder: o.IDString()})
			if err != nil {
				return &Error{Kind: ErrInvalid, Message: err.Error()}
			}
			e.More = map[string]any{"learned": l.BuyerItem + " = " + m.SKU, "masterdata_version": v}
		}
		return p.rematchNow(ctx, tx, o)
	})
}

// LineChange is the desk's correction of a line's quantity or unit.
type LineChange struct {
	Quantity *order.Decimal
	Unit     string
}

// ChangeLine corrects the quantity or unit of a line of an order in review
// (a pack size, a unit the customer got wrong); the order is matched again.
// The values as sent stay in the order beside the correction.
func (p *Pipeline) ChangeLine(ctx context.Context, a Actor, id int64, lineNo int, ch LineChange) (Order, error) {
	ch.Unit = catalog.NormalizeUnit(ch.Unit)
	if ch.Quantity == nil && ch.Unit == "" {
		return Order{}, invalidf("say the new quantity or unit of line %d", lineNo)
	}
	if ch.Quantity != nil && ch.Quantity.Sign() <= 0 {
		return Order{}, invalidf("the quantity of line %d must be more than 0; delete the line instead", lineNo)
	}
	return p.desk(ctx, a, id, ActChangeLine, lineNo, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		l, err := deskLine(o, lineNo)
		if err != nil {
			return err
		}
		// What the desk set, for the history and the dashboard (the line
		// before and after shows it converted to the sales unit).
		e.More = map[string]any{}
		if ch.Quantity != nil {
			q := *ch.Quantity
			l.Desk.Quantity = &q
			e.More["quantity"] = q.String()
		}
		if ch.Unit != "" {
			l.Desk.Unit = ch.Unit
			e.More["unit"] = ch.Unit
		}
		l.Desk.By = a.String()
		return p.rematchNow(ctx, tx, o)
	})
}

// DeleteLine takes a line out of an order in review: it is not delivered.
// The last line of an order cannot be deleted: reject the order instead.
func (p *Pipeline) DeleteLine(ctx context.Context, a Actor, id int64, lineNo int) (Order, error) {
	return p.desk(ctx, a, id, ActDeleteLine, lineNo, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		l, err := deskLine(o, lineNo)
		if err != nil {
			return err
		}
		left := 0
		for i := range o.PO.Lines {
			if !o.PO.Lines[i].Deleted() && o.PO.Lines[i].LineNo != lineNo {
				left++
			}
		}
		if left == 0 {
			return conflictf("line %d is the order's last line; reject the order instead", lineNo)
		}
		l.Desk.Deleted, l.Desk.By = true, a.String()
		return p.rematchNow(ctx, tx, o)
	})
}

// AcceptPrice accepts the price a line was sent with where it differs from
// the agreement (or where there is none): approving then asks to confirm
// it, with a reason.
func (p *Pipeline) AcceptPrice(ctx context.Context, a Actor, id int64, lineNo int) (Order, error) {
	return p.desk(ctx, a, id, ActAcceptPrice, lineNo, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		l, err := deskLine(o, lineNo)
		if err != nil {
			return err
		}
		if l.UnitPrice == nil {
			return invalidf("line %d was sent without a price; there is no price to accept", lineNo)
		}
		l.Desk.AcceptPrice, l.Desk.By = true, a.String()
		return p.rematchNow(ctx, tx, o)
	})
}

// deskLine finds the line to fix and gives it a LineFix to write into.
func deskLine(o *Order, lineNo int) (*order.Line, error) {
	i := lineIndex(&o.PO, lineNo)
	if i < 0 {
		return nil, notFoundf("order %d has no line %d", o.ID, lineNo)
	}
	l := &o.PO.Lines[i]
	if l.Desk == nil {
		l.Desk = &order.LineFix{}
	}
	return l, nil
}

// Hold holds an order in review back (waiting for the customer's answer,
// say): it cannot be approved until released.
func (p *Pipeline) Hold(ctx context.Context, a Actor, id int64, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Order{}, invalidf("say why the order is held")
	}
	return p.desk(ctx, a, id, ActHold, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		if o.Held {
			return conflictf("order %d is held already (%s)", id, o.HoldReason)
		}
		o.Held, o.HoldReason, e.Reason = true, reason, reason
		return saveOrder(ctx, tx, o)
	})
}

// Release ends a hold.
func (p *Pipeline) Release(ctx context.Context, a Actor, id int64) (Order, error) {
	return p.desk(ctx, a, id, ActRelease, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		if !o.Held {
			return conflictf("order %d is not held", id)
		}
		e.Reason = o.HoldReason
		o.Held, o.HoldReason = false, ""
		return saveOrder(ctx, tx, o)
	})
}

// Assign gives an order to a desk user ("" for nobody). Giving away or
// taking an order someone else works on needs takeOver: nobody loses an
// order without knowing it.
func (p *Pipeline) Assign(ctx context.Context, a Actor, id int64, to string, takeOver bool) (Order, error) {
	to = strings.TrimSpace(to)
	return p.desk(ctx, a, id, ActAssign, 0, false, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		if o.AssignedTo != "" && o.AssignedTo != a.Name && o.AssignedTo != to && !takeOver {
			return conflictf("%s is working on order %d; take it over to change that", o.AssignedTo, id)
		}
		if to != "" && !a.API {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE name = $1 AND NOT disabled AND role <> 'viewer')`, to).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return invalidf("there is no clerk %q to give the order to", to)
			}
		}
		o.AssignedTo = to
		return saveOrder(ctx, tx, o)
	})
}

// Reject is the desk's "reject": an order waiting in review is closed
// without reaching the ERP, and the sender is told why (an ORDRSP rejection
// for EDIFACT partners, a reply for mail).
func (p *Pipeline) Reject(ctx context.Context, a Actor, id int64, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Order{}, invalidf("say why the order is rejected; the sender is told")
	}
	return p.desk(ctx, a, id, ActReject, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		o.State, o.ReviewReason, e.Reason = StateRejected, "rejected: "+reason, reason
		if err := saveOrder(ctx, tx, o); err != nil {
			return err
		}
		if err := p.enqueueNotice(ctx, tx, o, NoticeRejection, reason); err != nil {
			return err
		}
		return p.enqueueAck(ctx, tx, o.PO.Format, AckArgs{DocumentID: o.DocumentID, OrderID: o.ID, What: AckORDRSP, Status: "rejected", Reason: reason})
	})
}

// Rematch is the desk's "match again": an order waiting in review goes back
// through the pipeline's matching against the master data as it is now
// (after the desk added a missing price or cross-reference, or the original
// of a change arrived). It is approved and delivered, or waits again with
// what is still wrong. Its delivery attempts are kept, so a delivery after a
// failed one still looks the order up in the ERP first. minVersion, when
// set, is the master-data version to match against (one the desk just
// wrote): matching waits until the catalog has it.
func (p *Pipeline) Rematch(ctx context.Context, a Actor, id, minVersion int64) (Order, error) {
	return p.desk(ctx, a, id, ActRematch, 0, true, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		if max := p.opts.MaxLines; max > 0 && len(o.PO.Lines) > max {
			return conflictf("order %d has %d lines; the limit for matching is %d (limits.max_lines)", id, len(o.PO.Lines), max)
		}
		if len(o.PO.Lines) == 0 && o.PO.Function != order.FunctionCancellation {
			return conflictf("order %d has no lines to match (%s)", id, o.ReviewReason)
		}
		o.State, o.ReviewReason, o.DeliveryError = StateReceived, "", ""
		o.PO.Exceptions, o.PO.Total = nil, nil
		if err := saveOrder(ctx, tx, o); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, MatchArgs{OrderID: id, MinVersion: minVersion}, nil)
		return err
	})
}
