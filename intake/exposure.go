package intake

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// Exposure is what ordergate has let through that the ERP has not reported
// back yet. The credit check and the stock check add it to what the master
// data says, so that neither two orders of one interchange nor an order
// delivered a minute ago can slip past a limit:
//
//   - An order counts from the moment it is approved (matching and the
//     approval run in one transaction that holds the customer's lock, so no
//     other order of the customer is decided in between) while it is
//     approved, delivering, delivered, or back in review after a delivery
//     attempt (it may be in the ERP).
//   - A delivered order stops counting against credit once an open_orders
//     push reports the ERP's open orders after its delivery (with
//     matching.erp_report_lag to spare) and the matching snapshot holds that
//     push; its stock reservations stop counting once a stock push of the
//     SKU does the same. A push that lists the order (by our id or the
//     ERP's number) covers it at once. Until then the order counts:
//     an ERP that never reports back leaves its orders counted.
//   - An order taken back (rejected, matched again, changed by the
//     customer) stops counting at once.
//
// Stock is shared between customers, so matching also locks the order's
// SKUs (rows of stock_holds, in SKU order, after the customer's lock) while
// it reads the reservations and decides.

// notReleased is counted_until of a row no push has covered.
const notReleased = math.MaxInt64

// counts reports whether an order in state with attempts delivery attempts
// counts against credit and stock.
func counts(state string, attempts int) bool {
	switch state {
	case StateApproved, StateDelivering, StateDelivered:
		return true
	case StateReview:
		return attempts > 0
	}
	return false
}

// countsSQL is counts as a condition on the orders table, written to match
// the partial index orders_exposure.
const countsSQL = `state IN ('approved', 'delivering', 'delivered', 'review')
	AND (state <> 'review' OR delivery_attempts > 0)`

// syncExposure keeps the order's stock reservations in step with its state:
// written when it starts counting (approval), removed when it stops. It is
// called by saveOrder with the state the order was loaded in.
func syncExposure(ctx context.Context, tx pgx.Tx, o *Order) error {
	was, now := counts(o.loaded.state, o.loaded.attempts), counts(o.State, o.DeliveryAttempts)
	switch {
	case now && !was:
		skus, qty := reservedLines(&o.PO)
		if len(skus) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO reservations (order_id, sku, quantity)
			SELECT $1, sku, q::numeric FROM unnest($2::text[], $3::text[]) AS r (sku, q)
			ON CONFLICT (order_id, sku) DO UPDATE SET quantity = excluded.quantity, counted_until = DEFAULT`,
			o.ID, skus, qty)
		if err != nil {
			return fmt.Errorf("intake: reserve stock for order %d: %w", o.ID, err)
		}
	case was && !now:
		if _, err := tx.Exec(ctx, `DELETE FROM reservations WHERE order_id = $1`, o.ID); err != nil {
			return fmt.Errorf("intake: release stock of order %d: %w", o.ID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET counted_until = DEFAULT WHERE id = $1`, o.ID); err != nil {
			return fmt.Errorf("intake: release order %d: %w", o.ID, err)
		}
	}
	return nil
}

// reservedLines sums the base quantity per SKU of the order's resolved
// lines, in SKU order, as text for the database.
func reservedLines(po *order.PurchaseOrder) (skus, qty []string) {
	sum := map[string]order.Decimal{}
	for i := range po.Lines {
		l := &po.Lines[i]
		if l.SKU == "" || l.Action == order.LineDelete || l.BaseQuantity.Sign() <= 0 {
			continue
		}
		if _, ok := sum[l.SKU]; !ok {
			skus = append(skus, l.SKU)
		}
		t, ok := sum[l.SKU].Add(l.BaseQuantity)
		if !ok {
			t = order.MaxDecimal // more than any stock: the safe side for other orders
		}
		sum[l.SKU] = t
	}
	slices.Sort(skus)
	for _, s := range skus {
		qty = append(qty, sum[s].String())
	}
	return skus, qty
}

// pendingValue is the value of the customer's orders that count against its
// credit (see Exposure), this order and the orders of its PO numbers (a
// change's original) left out. version is the master-data version of the
// snapshot matching uses; an order an open-orders push in that snapshot
// lists is left out too, as the snapshot counts it already.
func pendingValue(ctx context.Context, tx pgx.Tx, snap *catalog.Snapshot, version int64, customer string, orderID int64, numbers []string) (order.Decimal, error) {
	// One sum in the database over the orders' total column (migration
	// 00017), the orders the snapshot's open orders list left out by our id
	// or the ERP's: a customer with thousands of orders on their way costs
	// an index scan, not thousands of documents read into Go.
	open := snap.OpenOrderIDs(customer)
	if open == nil {
		open = []string{}
	}
	var sum string
	var bad int
	err := tx.QueryRow(ctx, `SELECT coalesce(sum(total), 0)::text, count(*) FILTER (WHERE total IS NULL AND data ? 'total') FROM orders
		WHERE customer_number = $1 AND counted_until > $2 AND `+countsSQL+`
		  AND id <> $3 AND NOT (po_number = ANY($4))
		  AND NOT (id::text = ANY($5) OR erp_order_no = ANY($5) OR erp_order_id = ANY($5))`,
		customer, version, orderID, numbers, open).Scan(&sum, &bad)
	if err != nil {
		return order.Decimal{}, fmt.Errorf("intake: pending order value: %w", err)
	}
	v, perr := order.ParseDecimal(sum)
	if bad > 0 || perr != nil {
		return order.Decimal{}, fmt.Errorf("intake: the value of customer %s's pending orders cannot be computed", customer)
	}
	return v, nil
}

// holdStock locks the SKUs' rows of stock_holds in SKU order, so that the
// reservations read next stay true until tx ends. Missing rows are inserted
// first, in SKU order too. Two matches cannot deadlock: while inserting, one
// waits only for a SKU another inserted and has not committed, and that one
// is then past it in the same order; while locking, every SKU of the list is
// committed or its own, and locks are taken in one order.
func holdStock(ctx context.Context, tx pgx.Tx, skus []string) error {
	if len(skus) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO stock_holds (sku) SELECT DISTINCT unnest($1::text[]) ORDER BY 1
		ON CONFLICT DO NOTHING`, skus); err != nil {
		return fmt.Errorf("intake: stock holds: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT sku FROM stock_holds WHERE sku = ANY($1) ORDER BY sku FOR UPDATE`, skus); err != nil {
		return fmt.Errorf("intake: lock stock of %d items: %w", len(skus), err)
	}
	return nil
}

// reservedStock returns the stock the SKUs have reserved by orders that
// count (see Exposure), this order left out, in base units.
func reservedStock(ctx context.Context, tx pgx.Tx, version int64, skus []string, orderID int64) (map[string]order.Decimal, error) {
	rows, err := tx.Query(ctx, `SELECT r.sku, sum(r.quantity)::text FROM reservations r
		WHERE r.sku = ANY($1) AND r.counted_until > $2 AND r.order_id <> $3
		GROUP BY r.sku`, skus, version, orderID)
	if err != nil {
		return nil, fmt.Errorf("intake: reserved stock: %w", err)
	}
	out := map[string]order.Decimal{}
	var sku, q string
	_, err = pgx.ForEachRow(rows, []any{&sku, &q}, func() error {
		v, err := order.ParseDecimal(q)
		if err != nil {
			return fmt.Errorf("reserved %q of %s: %w", q, sku, err)
		}
		out[sku] = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("intake: reserved stock: %w", err)
	}
	return out, nil
}
