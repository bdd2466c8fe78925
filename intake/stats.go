package intake

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
)

// The desk's dashboard figures. An order is touchless when it reached the
// ERP (approved, being delivered or delivered) without any desk action in
// its history; changes applied to their original are not orders of their
// own and are left out.

// Touchless is how many of Total orders went through untouched.
type Touchless struct {
	Key              string // channel or customer, "" for all
	Total, Touchless int
}

// Rate is Touchless/Total, 0 for no orders.
func (t Touchless) Rate() float64 {
	if t.Total == 0 {
		return 0
	}
	return float64(t.Touchless) / float64(t.Total)
}

const touchlessSQL = `count(*) FILTER (WHERE o.state IN ('approved', 'delivering', 'delivered')
	AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.actor <> 'pipeline'))`

// TouchlessSince counts the orders received since t.
func TouchlessSince(ctx context.Context, ex db.Executor, since time.Time) (Touchless, error) {
	var t Touchless
	err := ex.QueryRow(ctx, `SELECT count(*), `+touchlessSQL+` FROM orders o WHERE o.created_at >= $1 AND o.state <> 'applied'`,
		since).Scan(&t.Total, &t.Touchless)
	if err != nil {
		return t, fmt.Errorf("intake: touchless rate: %w", err)
	}
	return t, nil
}

// Period is a span of time ending now, for the dashboard's rates.
type Period struct {
	Label string
	Since time.Time
}

// PeriodTouchless is the touchless rate of the orders received in a period:
// in all, by channel and by customer (every customer with orders in it),
// each list most orders first.
type PeriodTouchless struct {
	Period
	All                   Touchless
	ByChannel, ByCustomer []Touchless
}

// TouchlessByPeriod counts the touchless orders of each period, in all and
// by channel and customer, in one query: each order of the longest period
// is read once (whether the desk touched it is its one look into the
// history), then counted into every period it falls in.
func TouchlessByPeriod(ctx context.Context, ex db.Executor, periods []Period) ([]PeriodTouchless, error) {
	out := make([]PeriodTouchless, len(periods))
	if len(periods) == 0 {
		return out, nil
	}
	since := make([]time.Time, len(periods))
	earliest := periods[0].Since
	for i, p := range periods {
		out[i].Period, since[i] = p, p.Since
		if p.Since.Before(earliest) {
			earliest = p.Since
		}
	}
	rows, err := ex.Query(ctx, `WITH o AS MATERIALIZED (
			SELECT o.created_at, d.channel, coalesce(nullif(o.customer_number, ''), '(unknown)') AS customer,
				o.state IN ('approved', 'delivering', 'delivered')
					AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.actor <> 'pipeline') AS touchless
			FROM orders o JOIN documents d ON d.id = o.document_id
			WHERE o.created_at >= $1 AND o.state <> 'applied')
		SELECT p.i, grouping(o.channel, o.customer), coalesce(o.channel, o.customer, ''), count(*), count(*) FILTER (WHERE o.touchless)
		FROM o JOIN unnest($2::timestamptz[]) WITH ORDINALITY AS p(since, i) ON o.created_at >= p.since
		GROUP BY GROUPING SETS ((p.i), (p.i, o.channel), (p.i, o.customer))
		ORDER BY 1, 4 DESC, 3`, earliest, since)
	if err != nil {
		return nil, fmt.Errorf("intake: touchless rates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var set int
		var t Touchless
		if err := rows.Scan(&i, &set, &t.Key, &t.Total, &t.Touchless); err != nil {
			return nil, fmt.Errorf("intake: touchless rates: %w", err)
		}
		p := &out[i-1]
		switch set { // grouping(): a bit set for each of channel, customer counted over
		case 3:
			t.Key = ""
			p.All = t
		case 1:
			p.ByChannel = append(p.ByChannel, t)
		case 2:
			p.ByCustomer = append(p.ByCustomer, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("intake: touchless rates: %w", err)
	}
	return out, nil
}

// Count is a number under a label.
type Count struct {
	Label string
	N     int
}

// OrdersPerHour counts the orders received in each of the last hours.
func OrdersPerHour(ctx context.Context, ex db.Executor, now time.Time, hours int) ([]Count, error) {
	start := now.Truncate(time.Hour).Add(-time.Duration(hours-1) * time.Hour)
	rows, err := ex.Query(ctx, `SELECT h, count(o.id) FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 hour') h
		LEFT JOIN orders o ON o.created_at >= h AND o.created_at < h + interval '1 hour'
		GROUP BY h ORDER BY h`, start, now.Truncate(time.Hour))
	if err != nil {
		return nil, fmt.Errorf("intake: orders per hour: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
		var h time.Time
		var c Count
		err := r.Scan(&h, &c.N)
		c.Label = h.In(now.Location()).Format("15")
		return c, err
	})
}

// QueueByAge counts the orders in review by how long they have waited.
func QueueByAge(ctx context.Context, ex db.Executor) ([]Count, error) {
	out := []Count{{Label: "< 1 h"}, {Label: "1-4 h"}, {Label: "4-24 h"}, {Label: "> 1 day"}}
	err := ex.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE created_at > now() - interval '1 hour'),
			count(*) FILTER (WHERE created_at <= now() - interval '1 hour' AND created_at > now() - interval '4 hours'),
			count(*) FILTER (WHERE created_at <= now() - interval '4 hours' AND created_at > now() - interval '1 day'),
			count(*) FILTER (WHERE created_at <= now() - interval '1 day')
		FROM orders WHERE state = 'review'`).Scan(&out[0].N, &out[1].N, &out[2].N, &out[3].N)
	if err != nil {
		return nil, fmt.Errorf("intake: queue by age: %w", err)
	}
	return out, nil
}

// What the desk changed, counted from its history entries: each
// correction is named by what it changed, not by the action's name, so a
// change of quantity and unit counts as both and mapping an item with
// "remember" as a mapping and a learned code.
const (
	ChangeItemMapped     = "item mapped"
	ChangeItemLearned    = "item code remembered for the customer"
	ChangeQuantity       = "quantity changed"
	ChangeUnit           = "unit changed"
	ChangeLineDeleted    = "line deleted"
	ChangePriceAccepted  = "price difference accepted"
	ChangeCustomerChosen = "customer chosen"
	ChangeConfirmed      = "warnings confirmed to approve"
	ChangeRejected       = "order rejected"
	ChangeHeld           = "order held"
	ChangePONumber       = "PO number set"
)

// deskChangesSQL names the changes of one history entry e (NULL for none;
// the names are the keys of changeNames). A change of a line says in its
// detail what the desk set (more.quantity, more.unit); an entry written
// before it said so is read from the line before and after. An approval
// confirmed warnings when it says which (more.confirmed), or, written
// before that, when it gave a reason.
const deskChangesSQL = `(VALUES
	(CASE WHEN e.kind = 'map_line' THEN 'mapped' END),
	(CASE WHEN e.kind = 'map_line' AND e.detail->'more' ? 'learned' THEN 'learned' END),
	(CASE WHEN e.kind = 'change_line' AND (e.detail->'more' ? 'quantity' OR (e.detail->'more' IS NULL
		AND e.detail#>>'{before,line,quantity}' IS DISTINCT FROM e.detail#>>'{after,line,quantity}')) THEN 'quantity' END),
	(CASE WHEN e.kind = 'change_line' AND (e.detail->'more' ? 'unit' OR (e.detail->'more' IS NULL
		AND e.detail#>>'{before,line,unit}' IS DISTINCT FROM e.detail#>>'{after,line,unit}')) THEN 'unit' END),
	(CASE WHEN e.kind = 'delete_line' THEN 'deleted' END),
	(CASE WHEN e.kind = 'accept_price' THEN 'price' END),
	(CASE WHEN e.kind = 'choose_customer' THEN 'customer' END),
	(CASE WHEN e.kind = 'approve' AND e.detail#>>'{after,state}' IN ('approved', 'applied')
		AND (e.detail->'more' ? 'confirmed' OR (e.detail->'more' IS NULL AND coalesce(e.detail->>'reason', '') <> ''))
		THEN 'confirmed' END),
	(CASE WHEN e.kind = 'reject' THEN 'rejected' END),
	(CASE WHEN e.kind = 'hold' THEN 'held' END),
	(CASE WHEN e.kind = 'set_po_number' THEN 'po' END)
) AS c(what)`

// changeNames names deskChangesSQL's changes.
var changeNames = map[string]string{
	"mapped": ChangeItemMapped, "learned": ChangeItemLearned, "quantity": ChangeQuantity, "unit": ChangeUnit,
	"deleted": ChangeLineDeleted, "price": ChangePriceAccepted, "customer": ChangeCustomerChosen,
	"confirmed": ChangeConfirmed, "rejected": ChangeRejected, "held": ChangeHeld, "po": ChangePONumber,
}

// DeskActions counts what the desk changed since t (the Change names),
// most first, and the share of the orders received since t that the desk
// touched.
func DeskActions(ctx context.Context, ex db.Executor, since time.Time) ([]Count, float64, error) {
	rows, err := ex.Query(ctx, `SELECT c.what, count(*) FROM order_events e CROSS JOIN LATERAL `+deskChangesSQL+`
		WHERE e.at >= $1 AND e.actor <> 'pipeline' AND c.what IS NOT NULL
		GROUP BY 1 ORDER BY 2 DESC, 1`, since)
	if err != nil {
		return nil, 0, fmt.Errorf("intake: desk actions: %w", err)
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
		var c Count
		err := r.Scan(&c.Label, &c.N)
		c.Label = changeNames[c.Label]
		return c, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("intake: desk actions: %w", err)
	}
	var total, touched int
	err = ex.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.actor <> 'pipeline'))
		FROM orders o WHERE o.created_at >= $1 AND o.state <> 'applied'`, since).Scan(&total, &touched)
	if err != nil {
		return nil, 0, fmt.Errorf("intake: desk share: %w", err)
	}
	share := 0.0
	if total > 0 {
		share = float64(touched) / float64(total)
	}
	return counts, share, nil
}
