package intake

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// ErrCatalogNotReady is returned while no master data snapshot is loaded;
// the match job is retried.
var ErrCatalogNotReady = errors.New("intake: master data is not loaded yet")

// CatalogMatcher matches orders against the live master-data snapshot and
// the live order history in PostgreSQL.
type CatalogMatcher struct {
	// Snapshot returns the current snapshot (LiveCatalog.Snapshot).
	Snapshot func() *catalog.Snapshot
	// Options are the matching options; Today, OrderID and History are set
	// per order.
	Options matching.Options
	// Location is the time zone "today" is taken in (the supplier's); nil
	// means the local zone.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Version, optional, says which master-data version Snapshot returns
	// (LiveCatalog.Version), so a match can wait for a change the desk just
	// made (MatchArgs.MinVersion).
	Version func() int64
}

// CatalogVersion is the master-data version matching uses now; without a
// Version function it claims every version, so nothing waits.
func (m *CatalogMatcher) CatalogVersion() int64 {
	if m.Version == nil {
		return math.MaxInt64
	}
	return m.Version()
}

// Match identifies the customer first, reads that customer's live history
// (duplicates, originals of changes, pending orders for credit), then
// matches once with it. Matching of
// one customer's orders is serialised by a transaction lock, so two copies
// of one order arriving together cannot both pass as originals.
func (m *CatalogMatcher) Match(ctx context.Context, tx pgx.Tx, orderID int64, po *order.PurchaseOrder) error {
	snap := m.Snapshot()
	if snap == nil {
		return ErrCatalogNotReady
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	loc := m.Location
	if loc == nil {
		loc = time.Local
	}
	opts := m.Options
	opts.Today = order.DateOf(now().In(loc))
	opts.OrderID = strconv.FormatInt(orderID, 10)
	opts.History = nil
	if customer := matching.IdentifyCustomer(snap, po); customer != "" {
		h, err := history(ctx, tx, customer, orderID, po)
		if err != nil {
			return err
		}
		opts.History = h
	}
	matching.Apply(po, matching.Match(snap, po, opts))
	return nil
}

// history reads the customer's other orders with this PO number (or the
// number a change references; changes already applied to their original
// are part of it, not orders of their own) and the value of its orders on
// their way to the ERP.
func history(ctx context.Context, tx pgx.Tx, customer string, orderID int64, po *order.PurchaseOrder) (*matching.History, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, db.LockKey("ordergate.match:"+customer)); err != nil {
		return nil, fmt.Errorf("intake: lock customer %s for matching: %w", customer, err)
	}
	numbers := []string{po.PONumber}
	if on := po.Reference("ON"); on != "" && on != po.PONumber {
		numbers = append(numbers, on)
	}
	out := &matching.History{Customer: customer}
	rows, err := tx.Query(ctx, `SELECT id, po_number, function, state, created_at FROM orders
		WHERE customer_number = $1 AND po_number = ANY($2) AND id <> $3 AND state <> 'applied' ORDER BY id`, customer, numbers, orderID)
	if err != nil {
		return nil, fmt.Errorf("intake: order history: %w", err)
	}
	var p catalog.PriorOrder
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&id, &p.PONumber, &p.Function, &p.State, &p.Received}, func() error {
		out.Prior = append(out.Prior, catalog.PriorOrder{Customer: customer, PONumber: p.PONumber, OrderID: strconv.FormatInt(id, 10),
			Function: p.Function, State: p.State, DeliveredToERP: p.State == StateDelivered || p.State == StateDelivering, Received: p.Received})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("intake: order history: %w", err)
	}
	var pending string
	err = tx.QueryRow(ctx, `SELECT coalesce(sum((data->>'total')::numeric), 0)::text FROM orders
		WHERE customer_number = $1 AND state IN ('approved', 'delivering') AND id <> $2 AND NOT (po_number = ANY($3))`,
		customer, orderID, numbers).Scan(&pending)
	if err != nil {
		return nil, fmt.Errorf("intake: pending order value: %w", err)
	}
	if out.PendingValue, err = order.ParseDecimal(pending); err != nil {
		return nil, fmt.Errorf("intake: pending order value %q: %w", pending, err)
	}
	return out, nil
}
