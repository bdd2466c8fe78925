package intake

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
)

// Order states. An order moves received -> matched -> approved -> delivering
// -> delivered, or to review where a person approves or rejects it. A
// change, replacement or cancellation is applied to its original order
// instead (see changes.go).
const (
	StateReceived   = "received"
	StateMatched    = "matched"
	StateApproved   = "approved"
	StateReview     = "review"
	StateDelivering = "delivering"
	StateDelivered  = "delivered"
	StateRejected   = "rejected"
	// StateApplied: a change, replacement or cancellation applied to its
	// original order; it goes to no ERP itself.
	StateApplied = "applied"
)

// States lists every order state, for callers that filter by state.
var States = []string{StateReceived, StateMatched, StateApproved, StateReview, StateDelivering,
	StateDelivered, StateRejected, StateApplied}

// Order is a stored order: the canonical order plus its pipeline state.
type Order struct {
	ID           int64
	DocumentID   int64
	MessageIndex int
	State        string
	ReviewReason string
	ERPOrderNo   string
	ERPOrderID   string
	// Delivery: when approved (deliveries of a customer follow this order),
	// when delivered, how often tried, and the last error in plain words.
	ApprovedAt       time.Time
	DeliveredAt      time.Time
	DeliveryAttempts int
	// ApprovedAttempts is DeliveryAttempts when the order was last
	// approved; the attempts since count against the delivery budget.
	ApprovedAttempts int
	DeliveryError    string
	// The desk: who works the order ("" for nobody), and whether it is
	// held back and why.
	AssignedTo string
	Held       bool
	HoldReason string
	PO         order.PurchaseOrder
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// loaded is what the order was when read, for saveOrder to see what
	// changed (exposure.go, events.go).
	loaded struct {
		state    string
		attempts int
	}
	// actor is who the next saveOrder writes the change for in the
	// order's history ("" for the pipeline).
	actor string
}

// Settled reports whether the pipeline is done with the order for now: it
// waits for a person, or reached (or was refused by) the ERP.
func (o *Order) Settled() bool {
	switch o.State {
	case StateApproved, StateReview, StateDelivered, StateRejected, StateApplied:
		return true
	}
	return false
}

// insertOrder stores a parsed order; inserted is false when a replay finds
// the order already there. A placeholder stands in for a message that could
// not be read or matched when parsed: a replay that reads the message stores
// its order in the placeholder's place, as long as the placeholder still
// waits in review untouched; a placeholder never replaces anything.
func insertOrder(ctx context.Context, tx pgx.Tx, docID int64, index int, po *order.PurchaseOrder, state, reason string, placeholder bool) (id int64, inserted bool, err error) {
	err = tx.QueryRow(ctx, `
		INSERT INTO orders AS o (document_id, message_index, customer_number, po_number, function, data, state, review_reason,
		                         placeholder, exception_codes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (document_id, message_index) DO UPDATE
		SET customer_number = excluded.customer_number, po_number = excluded.po_number, function = excluded.function,
		    data = excluded.data, state = excluded.state, review_reason = excluded.review_reason,
		    placeholder = excluded.placeholder, exception_codes = excluded.exception_codes, updated_at = now()
		WHERE o.placeholder AND o.state = 'review' AND NOT excluded.placeholder
		RETURNING id`,
		docID, index, po.CustomerNumber, po.PONumber, string(po.Function), po, state, reason, placeholder,
		exceptionCodes(po.Exceptions)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("intake: store order: %w", err)
	}
	detail := map[string]any{"document_id": docID, "message": index, "state": state}
	if reason != "" {
		detail["reason"] = reason
	}
	if err := recordEvent(ctx, tx, id, PipelineActor, EventReceived, detail); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// newOrder is an order a parse stores (insertOrders).
type newOrder struct {
	index       int
	po          *order.PurchaseOrder
	state       string
	reason      string
	placeholder bool
}

// insertOrders stores the orders parsed from a document as insertOrder
// does, all of them with one statement for the orders and one for their
// received events: an interchange of thousands of orders costs two round
// trips, not two per order. It returns the ids of the orders inserted, by
// message index (a replay that finds an order there inserts nothing), and
// which of them are new rows (not a replay's placeholder taken over).
func insertOrders(ctx context.Context, tx pgx.Tx, docID int64, orders []newOrder) (ids map[int]int64, fresh map[int]bool, err error) {
	ids, fresh = map[int]int64{}, map[int]bool{}
	if len(orders) == 0 {
		return ids, fresh, nil
	}
	n := len(orders)
	idx, customers, pos, fns := make([]int32, n), make([]string, n), make([]string, n), make([]string, n)
	data, states, reasons, codes := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	placeholders := make([]bool, n)
	for i, o := range orders {
		b, err := json.Marshal(o.po)
		if err != nil {
			return nil, nil, fmt.Errorf("intake: store order: %w", err)
		}
		c, err := json.Marshal(exceptionCodes(o.po.Exceptions))
		if err != nil {
			return nil, nil, fmt.Errorf("intake: store order: %w", err)
		}
		idx[i], customers[i], pos[i], fns[i] = int32(o.index), o.po.CustomerNumber, o.po.PONumber, string(o.po.Function)
		data[i], states[i], reasons[i], codes[i], placeholders[i] = string(b), o.state, o.reason, string(c), o.placeholder
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO orders AS o (document_id, message_index, customer_number, po_number, function, data, state, review_reason,
		                         placeholder, exception_codes)
		SELECT $1, r.mi, r.cu, r.po, r.fn, r.da::jsonb, r.st, r.re, r.ph, ARRAY(SELECT jsonb_array_elements_text(r.co::jsonb))
		FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[], $10::text[])
		     AS r (mi, cu, po, fn, da, st, re, ph, co)
		ORDER BY r.mi
		ON CONFLICT (document_id, message_index) DO UPDATE
		SET customer_number = excluded.customer_number, po_number = excluded.po_number, function = excluded.function,
		    data = excluded.data, state = excluded.state, review_reason = excluded.review_reason,
		    placeholder = excluded.placeholder, exception_codes = excluded.exception_codes, updated_at = now()
		WHERE o.placeholder AND o.state = 'review' AND NOT excluded.placeholder
		RETURNING id, message_index, xmax = 0`,
		docID, idx, customers, pos, fns, data, states, reasons, placeholders, codes)
	if err != nil {
		return nil, nil, fmt.Errorf("intake: store orders: %w", err)
	}
	var id int64
	var mi int
	var inserted bool
	if _, err := pgx.ForEachRow(rows, []any{&id, &mi, &inserted}, func() error { ids[mi], fresh[mi] = id, inserted; return nil }); err != nil {
		return nil, nil, fmt.Errorf("intake: store orders: %w", err)
	}
	if len(ids) == 0 {
		return ids, fresh, nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO order_events (order_id, actor, kind, detail)
		SELECT o.id, $2, $3, jsonb_build_object('document_id', o.document_id, 'message', o.message_index, 'state', o.state)
			|| CASE WHEN o.review_reason <> '' THEN jsonb_build_object('reason', o.review_reason) ELSE '{}' END
		FROM orders o WHERE o.id = ANY($1) ORDER BY o.id`, slices.Collect(maps.Values(ids)), PipelineActor, EventReceived)
	if err != nil {
		return nil, nil, fmt.Errorf("intake: history of %d orders: %w", len(ids), err)
	}
	return ids, fresh, nil
}

const orderColumns = `id, document_id, message_index, state, review_reason, erp_order_no, erp_order_id,
	coalesce(approved_at, 'epoch'), coalesce(delivered_at, 'epoch'), delivery_attempts, approved_attempts, delivery_error,
	assigned_to, held, hold_reason, data, created_at, updated_at`

func scanOrder(row pgx.Row) (Order, error) {
	var o Order
	err := row.Scan(&o.ID, &o.DocumentID, &o.MessageIndex, &o.State, &o.ReviewReason, &o.ERPOrderNo, &o.ERPOrderID,
		&o.ApprovedAt, &o.DeliveredAt, &o.DeliveryAttempts, &o.ApprovedAttempts, &o.DeliveryError,
		&o.AssignedTo, &o.Held, &o.HoldReason, &o.PO, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, db.ErrNotFound
	}
	if o.ApprovedAt.Unix() == 0 {
		o.ApprovedAt = time.Time{}
	}
	if o.DeliveredAt.Unix() == 0 {
		o.DeliveredAt = time.Time{}
	}
	if err == nil && o.State != StateMatched {
		// The state column is the truth: a step that changes only the
		// state (a delivery) does not rewrite the stored document, whose
		// status may lag behind. Between match and route, data.status holds
		// the matcher's verdict.
		o.PO.Status = o.State
	}
	o.loaded.state, o.loaded.attempts = o.State, o.DeliveryAttempts
	return o, err
}

// approve stamps the approval time that orders a customer's deliveries.
func (o *Order) approve() {
	o.ApprovedAt = time.Now()
	o.ApprovedAttempts = o.DeliveryAttempts
	o.ReviewReason = ""
	o.DeliveryError = ""
}

// GetOrder returns an order.
func GetOrder(ctx context.Context, ex db.Executor, id int64) (Order, error) {
	o, err := scanOrder(ex.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`, id))
	if err != nil {
		return Order{}, orderError(id, err)
	}
	return o, nil
}

func getOrderForUpdate(ctx context.Context, tx pgx.Tx, id int64) (Order, error) {
	o, err := scanOrder(tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return Order{}, orderError(id, err)
	}
	return o, nil
}

// orderError says which order could not be read: "no order N" (ErrNotFound)
// when it does not exist.
func orderError(id int64, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return notFoundf("no order %d", id)
	}
	return fmt.Errorf("intake: order %d: %w", id, err)
}

// OrdersOfDocument lists the orders parsed from a document, in document order.
func OrdersOfDocument(ctx context.Context, ex db.Executor, docID int64) ([]Order, error) {
	rows, err := ex.Query(ctx, `SELECT `+orderColumns+` FROM orders WHERE document_id = $1 ORDER BY message_index`, docID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Order, error) { return scanOrder(r) })
}

func saveOrder(ctx context.Context, tx pgx.Tx, o *Order) error {
	if o.State != StateMatched {
		// Between match and route, data.status holds the matcher's verdict.
		o.PO.Status = o.State
	}
	_, err := tx.Exec(ctx, `UPDATE orders SET state = $2, review_reason = $3, erp_order_no = $4, data = $5,
		customer_number = $6, erp_order_id = $7, approved_at = $8, delivered_at = $9, delivery_error = $10,
		approved_attempts = $11, assigned_to = $12, held = $13, hold_reason = $14, exception_codes = $15,
		updated_at = now() WHERE id = $1`,
		o.ID, o.State, o.ReviewReason, o.ERPOrderNo, o.PO, o.PO.CustomerNumber, o.ERPOrderID,
		nullTime(o.ApprovedAt), nullTime(o.DeliveredAt), o.DeliveryError, o.ApprovedAttempts,
		o.AssignedTo, o.Held, o.HoldReason, exceptionCodes(o.PO.Exceptions))
	if err != nil {
		return fmt.Errorf("intake: save order %d: %w", o.ID, err)
	}
	if err := syncExposure(ctx, tx, o); err != nil {
		return err
	}
	if o.State != o.loaded.state {
		actor := cmp.Or(o.actor, PipelineActor)
		if err := recordEvent(ctx, tx, o.ID, actor, EventState, stateEvent{From: o.loaded.state, To: o.State,
			Exceptions: exceptionCodes(o.PO.Exceptions), Reason: o.ReviewReason, ERPOrderNo: o.ERPOrderNo}); err != nil {
			return err
		}
	}
	o.loaded.state, o.loaded.attempts = o.State, o.DeliveryAttempts
	return nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ListFilter selects orders for ListOrders.
type ListFilter struct {
	State    string // empty: every state
	Limit    int
	BeforeID int64 // page: orders with a smaller id (0: from the newest)
}

// ListOrders lists orders newest first.
func ListOrders(ctx context.Context, ex db.Executor, f ListFilter) ([]Order, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := ex.Query(ctx, `SELECT `+orderColumns+` FROM orders
		WHERE ($1 = '' OR state = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, f.State, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("intake: list orders: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Order, error) { return scanOrder(r) })
}

// OrderSummary is an order as a list shows it: who, what, how far, what is
// wrong; not its lines. GET /api/v1/orders returns these.
type OrderSummary struct {
	ID             int64
	DocumentID     int64
	State          string
	ReviewReason   string
	ERPOrderNo     string
	CustomerNumber string
	PONumber       string
	Function       string
	Format         string
	Currency       string
	Lines          int
	Total          *order.Decimal
	ExceptionCodes []string // distinct, sorted
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ListOrderSummaries lists orders newest first, as ListOrders selects
// them, reading only what a summary shows: the lines and their source
// pointers stay in the database.
func ListOrderSummaries(ctx context.Context, ex db.Executor, f ListFilter) ([]OrderSummary, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := ex.Query(ctx, `SELECT id, document_id, state, review_reason, erp_order_no, customer_number, po_number,
			function, coalesce(data->>'format', ''), coalesce(data->>'currency', ''),
			coalesce(jsonb_array_length(data->'lines'), 0), data->'total',
			ARRAY(SELECT DISTINCT e->>'code' FROM jsonb_array_elements(coalesce(data->'exceptions', '[]')) e ORDER BY 1),
			created_at, updated_at
		FROM orders
		WHERE ($1 = '' OR state = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, f.State, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("intake: list orders: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrderSummary, error) {
		var o OrderSummary
		err := r.Scan(&o.ID, &o.DocumentID, &o.State, &o.ReviewReason, &o.ERPOrderNo, &o.CustomerNumber, &o.PONumber,
			&o.Function, &o.Format, &o.Currency, &o.Lines, &o.Total, &o.ExceptionCodes, &o.CreatedAt, &o.UpdatedAt)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("intake: list orders: %w", err)
	}
	return out, nil
}

// IDString is the order's id as text (how master data and messages name it).
func (o *Order) IDString() string { return strconv.FormatInt(o.ID, 10) }
