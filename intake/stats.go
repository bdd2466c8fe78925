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

// TouchlessBy counts the orders received since t per channel ("channel")
// or per customer ("customer", the n with most orders).
func TouchlessBy(ctx context.Context, ex db.Executor, since time.Time, by string, n int) ([]Touchless, error) {
	key := "d.channel"
	if by == "customer" {
		key = "coalesce(nullif(o.customer_number, ''), '(unknown)')"
	}
	rows, err := ex.Query(ctx, `SELECT `+key+`, count(*), `+touchlessSQL+`
		FROM orders o JOIN documents d ON d.id = o.document_id
		WHERE o.created_at >= $1 AND o.state <> 'applied' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $2`, since, n)
	if err != nil {
		return nil, fmt.Errorf("intake: touchless rate by %s: %w", by, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Touchless, error) {
		var t Touchless
		return t, r.Scan(&t.Key, &t.Total, &t.Touchless)
	})
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

// DeskActions counts the desk's actions since t by kind, most first, and
// the share of the orders received since t that the desk touched.
func DeskActions(ctx context.Context, ex db.Executor, since time.Time) ([]Count, float64, error) {
	rows, err := ex.Query(ctx, `SELECT kind, count(*) FROM order_events WHERE at >= $1 AND actor <> 'pipeline'
		GROUP BY kind ORDER BY 2 DESC, 1`, since)
	if err != nil {
		return nil, 0, fmt.Errorf("intake: desk actions: %w", err)
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Count, error) {
		var c Count
		return c, r.Scan(&c.Label, &c.N)
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
