package intake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// A change, replacement or cancellation from the customer is never sent to
// the ERP as an order of its own. While its original order has not reached
// the ERP, the route step applies it to the original:
//
//   - a cancellation cancels the original (state rejected, with the reason);
//   - a replacement takes the place of the original's lines;
//   - a change adds, changes and deletes the original's lines by line
//     number (a line without an action changes the line of that number, or
//     is added when there is none);
//
// and the original is matched again, so it is approved or waits in review on
// its new content. The change itself ends "applied", pointing at the
// original. An original already delivered, on its way to the ERP, or sent
// to it before (a failed delivery may still have reached it) cannot be
// changed here: the change waits in review with ALREADY_DELIVERED, and
// one without an original with ORIGINAL_NOT_FOUND (both raised by matching,
// or here when the original moved on since).
//
// Neither the cancelled original nor the applied change is acknowledged to
// the sender on its own: the original's acknowledgement, when it reaches the
// ERP, states its final content.

// blocksApplying are the order-level exceptions after which a change is not
// applied automatically: the sender or the original is in doubt.
var blocksApplying = []matching.Code{
	matching.UnknownCustomer, matching.AmbiguousCustomer, matching.UnverifiedSender,
	matching.ParseError, matching.OriginalNotFound, matching.AlreadyDelivered,
}

// applyToOriginal applies the change c (locked by the caller) to its
// original order. It reports whether it did; when it did not, c goes to
// review, with any exception it found added to c.
func (p *Pipeline) applyToOriginal(ctx context.Context, tx pgx.Tx, c *Order) (bool, error) {
	if c.PO.CustomerNumber == "" {
		return false, nil
	}
	for _, e := range c.PO.Exceptions {
		if e.LineNo == 0 && slices.Contains(blocksApplying, matching.Code(e.Code)) {
			return false, nil
		}
	}
	orig, err := originalOf(ctx, tx, c)
	if errors.Is(err, db.ErrNotFound) {
		c.PO.Exceptions = append(c.PO.Exceptions, matching.OrderException(matching.OriginalNotFound, 0, c.PO.PONumber, string(c.PO.Function)))
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// Matching of this customer's orders holds the same lock, so no order
	// of the customer is matched against the original while it changes.
	// It is taken after the original's row lock, in the order a match of
	// the original takes both, so the two cannot deadlock.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, db.LockKey("ordergate.match:"+c.PO.CustomerNumber)); err != nil {
		return false, fmt.Errorf("intake: lock customer %s: %w", c.PO.CustomerNumber, err)
	}
	// An original sent to the ERP before, even if that attempt failed, may
	// be there: a later delivery looks it up first and would take the old
	// content for the new.
	if orig.State == StateDelivering || orig.State == StateDelivered || orig.DeliveryAttempts > 0 {
		where := fmt.Sprintf("order %d, %s", orig.ID, orig.State)
		if orig.State != StateDelivered {
			where = fmt.Sprintf("order %d was sent to it before and may be there", orig.ID)
		}
		c.PO.Exceptions = append(c.PO.Exceptions, matching.OrderException(matching.AlreadyDelivered, 0, c.PO.PONumber, where))
		return false, nil
	}
	switch c.PO.Function {
	case order.FunctionCancellation:
		orig.State = StateRejected
		orig.ReviewReason = fmt.Sprintf("cancelled by the customer (order %d)", c.ID)
	case order.FunctionReplace:
		orig.PO.Lines = replacementLines(c.PO.Lines)
	case order.FunctionChange:
		lines, probs := mergeLines(&orig, c.PO.Lines)
		if len(probs) > 0 {
			c.PO.Exceptions = append(c.PO.Exceptions, probs...)
			return false, nil
		}
		orig.PO.Lines = lines
	default:
		return false, nil
	}
	if c.PO.Function != order.FunctionCancellation {
		if !c.PO.DeliveryDate.IsZero() {
			orig.PO.DeliveryDate = c.PO.DeliveryDate
		}
		if !c.PO.ShipTo.IsZero() { // a new delivery address, resolved when matched again
			orig.PO.ShipTo = c.PO.ShipTo
		}
		// Matched again from the start: a pending delivery of the old
		// content finds the order no longer approved and stops.
		orig.State, orig.ReviewReason, orig.ApprovedAt = StateReceived, "", time.Time{}
		// The sender's declared line count was the original's.
		orig.PO.Exceptions, orig.PO.Total, orig.PO.LineCount = nil, nil, 0
		if _, err := p.client.InsertTx(ctx, tx, MatchArgs{OrderID: orig.ID}, nil); err != nil {
			return false, err
		}
	}
	if err := saveOrder(ctx, tx, &orig); err != nil {
		return false, err
	}
	c.ReviewReason = fmt.Sprintf("applied to order %d", orig.ID)
	return true, nil
}

// originalOf finds and locks the order c changes: the customer's newest
// original (or replacement) with c's PO number, or the order number c
// references (RFF+ON), that is neither cancelled nor rejected.
func originalOf(ctx context.Context, tx pgx.Tx, c *Order) (Order, error) {
	numbers := []string{c.PO.PONumber}
	if on := c.PO.Reference("ON"); on != "" && on != c.PO.PONumber {
		numbers = append(numbers, on)
	}
	return scanOrder(tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders
		WHERE customer_number = $1 AND po_number = ANY($2) AND id <> $3
		  AND function IN ('original', 'replace') AND state NOT IN ('rejected', 'applied')
		ORDER BY id DESC LIMIT 1 FOR UPDATE`, c.PO.CustomerNumber, numbers, c.ID))
}

// replacementLines are the lines of a replacement, as an original's.
func replacementLines(lines []order.Line) []order.Line {
	out := make([]order.Line, 0, len(lines))
	for _, l := range lines {
		if l.Action == order.LineDelete {
			continue
		}
		out = append(out, asOriginalLine(l))
	}
	return out
}

// asOriginalLine is a line of a change as a line of the original: without
// its line action, and without sources, which point into the change's
// document, not the original's. Matching results are reset when the
// original is matched again (matching.Apply).
func asOriginalLine(l order.Line) order.Line {
	l.Action, l.Sources = "", nil
	return l
}

// mergeLines applies the lines of a change to the original's, by line
// number. A changed line keeps the original's item numbers and description
// where the change leaves them out; where it names them, it replaces them.
// A changed or added line carries no sources (asOriginalLine). Problems are
// exceptions of the change, one per line.
func mergeLines(orig *Order, changes []order.Line) ([]order.Line, []order.Exception) {
	lines := slices.Clone(orig.PO.Lines)
	index := func(no int) int {
		return slices.IndexFunc(lines, func(l order.Line) bool { return l.LineNo == no })
	}
	var probs []order.Exception
	problem := func(no int, what, has string) {
		probs = append(probs, matching.OrderException(matching.ParseError, no,
			fmt.Sprintf("Line %d is to be %s, but order %d (purchase order %s) %s line %d.", no, what, orig.ID, orig.PO.PONumber, has, no), ""))
	}
	for _, ch := range changes {
		i := index(ch.LineNo)
		action := ch.Action
		if action == "" {
			action = order.LineChange
			if i < 0 {
				action = order.LineAdd
			}
		}
		switch action {
		case order.LineKeep:
		case order.LineAdd:
			if i >= 0 {
				problem(ch.LineNo, "added", "already has a")
				continue
			}
			lines = append(lines, asOriginalLine(ch))
		case order.LineDelete:
			if i < 0 {
				problem(ch.LineNo, "deleted", "has no")
				continue
			}
			lines = slices.Delete(lines, i, i+1)
		case order.LineChange:
			if i < 0 {
				problem(ch.LineNo, "changed", "has no")
				continue
			}
			lines[i] = changedLine(lines[i], ch)
		}
	}
	return lines, probs
}

// changedLine is the original line o with what the change line ch states.
func changedLine(o, ch order.Line) order.Line {
	if ch.BuyerItem != "" || ch.GTIN != "" || ch.SupplierItem != "" {
		o.BuyerItem, o.GTIN, o.SupplierItem = ch.BuyerItem, ch.GTIN, ch.SupplierItem
	}
	if ch.Description != "" {
		o.Description = ch.Description
	}
	o.Quantity = ch.Quantity
	if ch.Unit != "" {
		o.Unit = ch.Unit
	}
	if ch.UnitPrice != nil {
		o.UnitPrice, o.PriceBasis, o.GrossPrice = ch.UnitPrice, ch.PriceBasis, ch.GrossPrice
	}
	if !ch.DeliveryDate.IsZero() {
		o.DeliveryDate = ch.DeliveryDate
	}
	if len(ch.Notes) > 0 {
		o.Notes = ch.Notes
	}
	o.LineAmount = ch.LineAmount
	return asOriginalLine(o)
}
