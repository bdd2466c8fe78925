package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/order"
)

// An order's history (table order_events) holds what happened to it, oldest
// first: each change of state the pipeline or the desk made (saveOrder
// writes it), each delivery attempt, and each desk action with what it
// changed. It is written in the transaction that makes the change.

// Event kinds besides the desk's actions (DeskAction names).
const (
	EventReceived     = "received"         // the order was read from its document
	EventState        = "state"            // its state changed (detail: from, to, codes, reason)
	EventAttempt      = "delivery_attempt" // a delivery to the ERP began (detail: attempt)
	EventAcknowledged = "acknowledged"     // the sender was answered (detail: kind ORDRSP, status, partner)
	EventNotified     = "notified"         // the customer was mailed (detail: kind, to)
)

// PipelineActor is the actor of the pipeline's own events.
const PipelineActor = "pipeline"

// Event is one entry of an order's history.
type Event struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Kind   string          `json:"kind"`
	Detail json.RawMessage `json:"detail"`
}

// recordEvent adds an entry to an order's history.
func recordEvent(ctx context.Context, ex db.Executor, orderID int64, actor, kind string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("intake: history of order %d: %w", orderID, err)
	}
	if _, err := ex.Exec(ctx, `INSERT INTO order_events (order_id, actor, kind, detail) VALUES ($1, $2, $3, $4)`,
		orderID, actor, kind, b); err != nil {
		return fmt.Errorf("intake: history of order %d: %w", orderID, err)
	}
	return nil
}

// stateEvent is the detail of an EventState entry.
type stateEvent struct {
	From       string   `json:"from,omitempty"`
	To         string   `json:"to"`
	Exceptions []string `json:"exceptions,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	ERPOrderNo string   `json:"erp_order_no,omitempty"`
}

// OrderHistory returns an order's history, oldest first.
func OrderHistory(ctx context.Context, ex db.Executor, orderID int64) ([]Event, error) {
	rows, err := ex.Query(ctx, `SELECT id, at, actor, kind, detail FROM order_events WHERE order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("intake: history of order %d: %w", orderID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		return e, r.Scan(&e.ID, &e.At, &e.Actor, &e.Kind, &e.Detail)
	})
}

// exceptionCodes are the distinct codes of an order's exceptions, sorted,
// as the queue filters by them (orders.exception_codes).
func exceptionCodes(ex []order.Exception) []string {
	codes := make([]string, 0, len(ex))
	for _, e := range ex {
		codes = append(codes, e.Code)
	}
	slices.Sort(codes)
	return slices.Compact(codes)
}
