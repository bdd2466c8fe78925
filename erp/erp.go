// Package erp delivers approved orders to the supplier's ERP system.
//
// A [Connector] posts one matched [order.PurchaseOrder] and returns the ERP's
// [Receipt]. Delivery is at-least-once: the delivery job (owned by the
// pipeline, not by this package) retries failed deliveries, and every error a
// connector returns is classified so the job knows what to do:
//
//   - [ErrPermanent]: the ERP refused the order (validation, unknown item or
//     customer). Retrying will not help; [Message] holds the ERP's own words
//     for the sales desk.
//   - [ErrTransient]: the ERP did not take the order (5xx, 429, connection
//     refused, token endpoint down). Retry later, after [RetryAfter] if set.
//   - [ErrUnclear]: the request was sent but no answer arrived (timeout,
//     connection reset, EOF). The ERP may have committed the order, so the
//     job must call [Connector.Lookup] before it posts again.
//
// Connectors: webhook (signed JSON POST, see [erp/webhook]), Microsoft
// Dynamics 365 Business Central API v2.0, Visma.net ERP, and file export
// (JSON or CSV into an outbound folder). Build one from [Config] with [New].
//
// Every connector delivers original orders only, and only when matching
// resolved every line to a SKU: anything else is refused as ErrPermanent
// before a request is sent. Changes and cancellations are left to the desk.
//
// Package erp/erptest has working fakes of each ERP for tests.
package erp

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Connector delivers approved orders to one ERP.
//
// Implementations are safe for concurrent use.
type Connector interface {
	// Name is the connector kind ("webhook", "businesscentral", "visma",
	// "file"), used in logs, metrics and error messages.
	Name() string
	// Deliver creates the order in the ERP. Errors are *[Error] values that
	// match one of ErrPermanent, ErrTransient or ErrUnclear.
	Deliver(ctx context.Context, d Delivery) (Receipt, error)
	// Lookup finds an order already in the ERP by its external document
	// number (the customer's PO number and our customer number) or, where
	// the ERP supports it, by the idempotency key. It reports false when the
	// ERP has no such order. The delivery job calls it after an unclear
	// failure, before posting again.
	Lookup(ctx context.Context, d Delivery) (Receipt, bool, error)
}

// Delivery is one approved order on its way to the ERP.
type Delivery struct {
	// OrderID is ordergate's order id (the database key).
	OrderID int64
	// IdempotencyKey is sent with the order where the ERP accepts one; it is
	// derived from OrderID (see [IdempotencyKey]) so every retry carries the
	// same key.
	IdempotencyKey string
	// Order is the matched order: lines carry SKU and, where known,
	// AgreedPrice; the order carries CustomerNumber.
	Order order.PurchaseOrder
}

// NewDelivery returns the Delivery of order id with its idempotency key.
func NewDelivery(orderID int64, po order.PurchaseOrder) Delivery {
	// A line the desk took out of the order goes to no ERP.
	if slices.ContainsFunc(po.Lines, func(l order.Line) bool { return l.Deleted() }) {
		po.Lines = slices.DeleteFunc(slices.Clone(po.Lines), func(l order.Line) bool { return l.Deleted() })
	}
	return Delivery{OrderID: orderID, IdempotencyKey: IdempotencyKey(orderID), Order: po}
}

// IdempotencyKey returns the key sent with order id: "ordergate-order-<id>".
func IdempotencyKey(orderID int64) string {
	return fmt.Sprintf("ordergate-order-%d", orderID)
}

// key returns d's idempotency key, deriving it when the caller left it empty.
func (d Delivery) key() string {
	if d.IdempotencyKey != "" {
		return d.IdempotencyKey
	}
	return IdempotencyKey(d.OrderID)
}

// Receipt is the ERP's acknowledgement of a delivered order.
type Receipt struct {
	// ID is the ERP's technical id of the order (Business Central's systemId
	// GUID, the webhook receiver's id, the exported file name), if any.
	ID string `json:"id,omitempty"`
	// Number is the order number people see in the ERP ("S-ORD101005",
	// Visma's order number); empty when the ERP does not return one.
	Number string `json:"number,omitempty"`
}

// unitMap is a configured mapping of our unit codes to the ERP's, with its
// keys upper-cased once (the file may write "kgm").
type unitMap map[string]string

func newUnitMap(m map[string]string) unitMap {
	out := make(unitMap, len(m))
	for k, v := range m {
		out[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out
}

// lookup returns the ERP's code for one of our unit codes, if mapped.
func (u unitMap) lookup(code string) (string, bool) {
	c, ok := u[strings.ToUpper(code)]
	return c, ok
}

// code returns the ERP's code for one of our unit codes: the mapped one,
// else the code itself.
func (u unitMap) code(code string) string {
	if c, ok := u.lookup(code); ok {
		return c
	}
	return code
}
