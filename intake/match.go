package intake

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

// FindItem returns our SKU as the catalog spells it, for a SKU the desk
// typed (any spelling: "ab-12" is AB12), and whether there is such an item.
func (m *CatalogMatcher) FindItem(sku string) (string, bool) {
	snap := m.Snapshot()
	if snap == nil {
		return "", false
	}
	id, ok := snap.ItemBySKU(sku)
	if !ok {
		return "", false
	}
	return snap.SKU(id), true
}

// CatalogVersion is the master-data version matching uses now; without a
// Version function it claims every version, so nothing waits.
func (m *CatalogMatcher) CatalogVersion() int64 {
	if m.Version == nil {
		return math.MaxInt64
	}
	return m.Version()
}

// Match identifies the customer first and takes the customer's matching
// lock (so two copies of one order arriving together cannot both pass as
// originals, and no other order of the customer is decided meanwhile), waits
// while an earlier copy of the PO number is still on its way, reads the
// customer's live history (duplicates, originals of changes, the value of
// orders on their way to the ERP), then matches. When the order's lines need
// stock, it locks their SKUs, reads what other orders reserve of them and
// matches again with that (see exposure.go).
func (m *CatalogMatcher) Match(ctx context.Context, tx pgx.Tx, orderID int64, po *order.PurchaseOrder) error {
	snap := m.Snapshot()
	if snap == nil {
		return ErrCatalogNotReady
	}
	opts := m.today()
	opts.OrderID = strconv.FormatInt(orderID, 10)
	if customer := matching.IdentifyCustomer(snap, po); customer != "" {
		h, err := history(ctx, tx, snap, customer, orderID, po)
		if err != nil {
			return err
		}
		opts.History = h
	}
	res := matching.Match(snap, po, opts)
	if !opts.IgnoreStock && opts.History != nil {
		skus := stockedSKUs(res)
		if err := holdStock(ctx, tx, skus); err != nil {
			return err
		}
		reserved, err := reservedStock(ctx, tx, snap.Version(), skus, orderID)
		if err != nil {
			return err
		}
		if len(reserved) > 0 {
			opts.History.Reserved = reserved
			res = matching.Match(snap, po, opts)
		}
	}
	matching.Apply(po, res)
	return nil
}

// today is the matching options as of now: Today in the supplier's zone,
// no order and no history yet.
func (m *CatalogMatcher) today() matching.Options {
	opts := m.Options
	opts.Today = order.DateOf(zonedNow(m.Now, m.Location))
	opts.History, opts.OrderID = nil, ""
	return opts
}

// stockedSKUs are the SKUs whose stock the result checked, sorted.
func stockedSKUs(res *matching.Result) []string {
	var skus []string
	for i := range res.Lines {
		if l := &res.Lines[i]; l.Resolved() && l.BaseQuantity.Sign() > 0 {
			skus = append(skus, l.SKU)
		}
	}
	slices.Sort(skus)
	return slices.Compact(skus)
}

// earlierCopyWait is how long a match waits before it looks again for an
// earlier copy of its PO number; earlierCopyWindow is how far back an
// earlier copy still on its way holds later ones up (a document that cannot
// be parsed, or an order that cannot be matched, for longer than that does
// not hold the sender's orders forever).
const (
	earlierCopyWait   = time.Second
	earlierCopyWindow = 10 * time.Minute
)

// history reads the customer's other orders with this PO number (or the
// number a change references; changes already applied to their original
// are part of it, not orders of their own), marking those that arrived
// after this one, and the value of its orders on their way to the ERP.
// It returns a *WaitError while an earlier copy may still be on its way: an
// order of the PO number not yet matched that arrived before this one, or a
// document from the same sender received before this one and not yet read.
func history(ctx context.Context, tx pgx.Tx, snap *catalog.Snapshot, customer string, orderID int64, po *order.PurchaseOrder) (*matching.History, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, db.LockKey("ordergate.match:"+customer)); err != nil {
		return nil, fmt.Errorf("intake: lock customer %s for matching: %w", customer, err)
	}
	// The order's PO numbers, never the empty one: an order without a PO
	// number is no copy of other such orders, must not wait for other
	// customers' orders without one, and must not leave them out of the
	// credit sum. (Today such an order waits for the desk with a
	// PARSE_ERROR that only a rejection clears, so this changes nothing
	// visible; it keeps the empty number from meaning "every order".)
	var numbers []string
	for _, n := range []string{po.PONumber, po.Reference("ON")} {
		if n != "" && !slices.Contains(numbers, n) {
			numbers = append(numbers, n)
		}
	}
	if numbers == nil {
		numbers = []string{}
	}
	// This order's place in arrival order: its document's arrival, then
	// the interchange's preparation date and time, then its position.
	const arrival = `(d.received_at, coalesce(o.data->'edi'->>'prepared', ''), o.document_id, o.message_index)`
	var waitFor string
	err := tx.QueryRow(ctx, `WITH me AS (
			SELECT `+arrival+` AS at, d.channel, d.sender_kind, d.sender_id, d.received_at
			FROM orders o JOIN documents d ON d.id = o.document_id WHERE o.id = $1)
		SELECT coalesce((SELECT 'order '||o.id FROM orders o JOIN documents d ON d.id = o.document_id, me
			WHERE o.po_number = ANY($2) AND o.id <> $1 AND o.state IN ('received', 'matched') AND `+arrival+` < me.at
			  AND d.received_at > me.received_at - make_interval(secs => $3)
			LIMIT 1), (SELECT 'document '||d.id FROM documents d, me
			WHERE d.state = 'received' AND d.channel = me.channel AND d.sender_kind = me.sender_kind AND d.sender_id = me.sender_id
			  AND d.received_at < me.received_at AND d.received_at > me.received_at - make_interval(secs => $3)
			LIMIT 1), '')`, orderID, numbers, earlierCopyWindow.Seconds()).Scan(&waitFor)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("intake: earlier copies: %w", err)
	}
	if waitFor != "" {
		w := &WaitError{For: earlierCopyWait, Reason: waitFor + " arrived earlier and may be the same order"}
		if id, ok := strings.CutPrefix(waitFor, "document "); ok {
			w.Document, _ = strconv.ParseInt(id, 10, 64)
		}
		return nil, w
	}
	out := &matching.History{Customer: customer}
	rows, err := tx.Query(ctx, `WITH me AS (
			SELECT `+arrival+` AS at FROM orders o JOIN documents d ON d.id = o.document_id WHERE o.id = $3)
		SELECT o.id, o.po_number, o.function, o.state, o.created_at, coalesce(`+arrival+` > me.at, false)
		FROM orders o JOIN documents d ON d.id = o.document_id, me
		WHERE o.customer_number = $1 AND o.po_number = ANY($2) AND o.id <> $3 AND o.state <> 'applied' ORDER BY o.id`,
		customer, numbers, orderID)
	if err != nil {
		return nil, fmt.Errorf("intake: order history: %w", err)
	}
	var p catalog.PriorOrder
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&id, &p.PONumber, &p.Function, &p.State, &p.Received, &p.Later}, func() error {
		out.Prior = append(out.Prior, catalog.PriorOrder{Customer: customer, PONumber: p.PONumber, OrderID: strconv.FormatInt(id, 10),
			Function: p.Function, State: p.State, DeliveredToERP: p.State == StateDelivered || p.State == StateDelivering,
			Received: p.Received, Later: p.Later})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("intake: order history: %w", err)
	}
	if out.PendingValue, err = pendingValue(ctx, tx, snap, snap.Version(), customer, orderID, numbers); err != nil {
		return nil, err
	}
	return out, nil
}

// zonedNow is now (time.Now when nil) in loc (time.Local when nil): the
// supplier's day for matching, the supplier's time on acknowledgements.
func zonedNow(now func() time.Time, loc *time.Location) time.Time {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.Local
	}
	return now().In(loc)
}
