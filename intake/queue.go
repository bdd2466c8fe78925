package intake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
)

// QueueFilter selects the desk's queue: the orders waiting in review,
// oldest first, a page at a time.
type QueueFilter struct {
	Code     string // an exception code the order has
	Customer string // customer number
	Channel  string // file, email, upload, api
	Assignee string // desk user; "-" for nobody
	PO       string // PO numbers starting with this (any case)
	Limit    int    // default 50, at most 500
	// After continues the queue after the order of this arrival time and
	// id (keyset paging: what the previous page ended with).
	AfterTime time.Time
	AfterID   int64
}

// QueueItem is an order in the queue.
type QueueItem struct {
	ID           int64
	ReceivedAt   time.Time
	Customer     string // customer number, "" when unknown
	CustomerName string
	PONumber     string
	Channel      string
	Format       string
	Lines        int
	Codes        []string
	AssignedTo   string
	Held         bool
	ReviewReason string
}

// ListQueue lists the desk's queue. Its query is served by the partial indexes
// of migration 00016 (orders in review by arrival; by code), so a page stays
// fast with a hundred thousand orders waiting.
func ListQueue(ctx context.Context, ex db.Executor, f QueueFilter) ([]QueueItem, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var where []string
	// Planned with the values (not a cached generic plan): how selective a
	// code, a customer or a PO prefix is decides between walking the queue
	// in arrival order and looking the few matching orders up first.
	args := []any{pgx.QueryExecModeExec, f.Limit}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args)-1)
	}
	if f.Code != "" {
		where = append(where, "o.exception_codes @> ARRAY["+arg(f.Code)+"::text]")
	}
	if f.Customer != "" {
		where = append(where, "o.customer_number = "+arg(strings.ToUpper(f.Customer)))
	}
	if f.Channel != "" {
		where = append(where, "d.channel = "+arg(f.Channel))
	}
	switch f.Assignee {
	case "":
	case "-":
		where = append(where, "o.assigned_to = ''")
	default:
		where = append(where, "o.assigned_to = "+arg(f.Assignee))
	}
	from := "orders o"
	if f.PO != "" {
		// A PO number matches few orders: find them by the PO index
		// first, rather than walk the queue in arrival order for them.
		from = `(SELECT * FROM orders WHERE state = 'review' AND lower(po_number) LIKE ` + arg(likePrefix(strings.ToLower(f.PO))) +
			` ORDER BY lower(po_number) LIMIT 1000) o`
	}
	if f.AfterID > 0 {
		where = append(where, "(o.created_at, o.id) > ("+arg(f.AfterTime)+", "+arg(f.AfterID)+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	rows, err := ex.Query(ctx, `SELECT o.id, o.created_at, o.customer_number, coalesce(c.name, ''), o.po_number, d.channel,
			coalesce(o.data->>'format', ''), coalesce(jsonb_array_length(o.data->'lines'), 0), o.exception_codes,
			o.assigned_to, o.held, o.review_reason
		FROM `+from+` JOIN documents d ON d.id = o.document_id LEFT JOIN customers c ON c.number = o.customer_number
		WHERE o.state = 'review'`+cond+`
		ORDER BY o.created_at, o.id LIMIT $1`, args...)
	if err != nil {
		return nil, fmt.Errorf("intake: queue: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		var q QueueItem
		err := r.Scan(&q.ID, &q.ReceivedAt, &q.Customer, &q.CustomerName, &q.PONumber, &q.Channel, &q.Format, &q.Lines,
			&q.Codes, &q.AssignedTo, &q.Held, &q.ReviewReason)
		return q, err
	})
}

// likePrefix escapes s for a LIKE pattern matching what starts with it.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// QueueCounts are what the queue's filters offer: how many orders wait, per
// exception code, customer, channel and assignee.
type QueueCounts struct {
	Total     int
	Codes     map[string]int
	Customers map[string]int
	Channels  map[string]int
	Assignees map[string]int
}

// CountQueue counts the orders in review for the queue's filters.
func CountQueue(ctx context.Context, ex db.Executor) (QueueCounts, error) {
	c := QueueCounts{Codes: map[string]int{}, Customers: map[string]int{}, Channels: map[string]int{}, Assignees: map[string]int{}}
	rows, err := ex.Query(ctx, `SELECT 'code', code, count(*) FROM orders, unnest(exception_codes) code WHERE state = 'review' GROUP BY code
		UNION ALL SELECT 'customer', customer_number, count(*) FROM orders WHERE state = 'review' GROUP BY customer_number
		UNION ALL SELECT 'channel', d.channel, count(*) FROM orders o JOIN documents d ON d.id = o.document_id WHERE o.state = 'review' GROUP BY d.channel
		UNION ALL SELECT 'assignee', assigned_to, count(*) FROM orders WHERE state = 'review' GROUP BY assigned_to`)
	if err != nil {
		return c, fmt.Errorf("intake: queue counts: %w", err)
	}
	var kind, key string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &key, &n}, func() error {
		switch kind {
		case "code":
			c.Codes[key] = n
		case "customer":
			c.Customers[key] = n
			c.Total += n
		case "channel":
			c.Channels[key] = n
		case "assignee":
			c.Assignees[key] = n
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("intake: queue counts: %w", err)
	}
	return c, nil
}

// QueueSize is how many orders wait in review.
func QueueSize(ctx context.Context, ex db.Executor) (int, error) {
	var n int
	if err := ex.QueryRow(ctx, `SELECT count(*) FROM orders WHERE state = 'review'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("intake: queue size: %w", err)
	}
	return n, nil
}
