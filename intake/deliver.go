package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
)

// DeliveryOptions tune delivery to the ERP.
type DeliveryOptions struct {
	// Backoff is the first retry delay after a transient failure; it doubles
	// per attempt up to MaxBackoff. Defaults 30s and 1h.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxAttempts after which an order that could not be delivered goes to
	// review with the last error. Default 20 (about a day with the defaults).
	MaxAttempts int
	// Wait is how long a delivery waits while an earlier-approved order of
	// the same customer is still on its way. Default 2s.
	Wait time.Duration
}

func (o *DeliveryOptions) fillDefaults() {
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 20
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Second
	}
}

// deliverWorker delivers an approved order to the ERP, exactly once as the
// ERP sees it:
//
//   - each attempt is counted in the database before the ERP is contacted,
//     so any attempt after the first (a retry, or a restart after a crash
//     mid-request) first looks the order up in the ERP by its external
//     document number and only posts when the ERP does not have it;
//   - every post carries the same idempotency key, derived from the order id;
//   - a permanent refusal (validation) sends the order to review with the
//     ERP's own message; transient and unclear failures are retried with
//     backoff, and after MaxAttempts the order goes to review too;
//   - orders of one customer are delivered in the order they were approved:
//     a delivery waits while an earlier-approved order of the same customer
//     is still approved or delivering, and a per-customer lock keeps two
//     processes from posting for one customer at once.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	p *Pipeline
}

// NextRetry doubles the delay per attempt, from Backoff to MaxBackoff.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	o := w.p.opts.Delivery
	d := o.Backoff
	for i := 1; i < job.Attempt && d < o.MaxBackoff; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, o.MaxBackoff))
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	pool := w.p.opts.Pool
	if w.p.opts.ERP == nil {
		return advance(ctx, w.p, job, job.Args.OrderID, StateApproved, func(_ pgx.Tx, o *Order) (string, river.JobArgs, error) {
			o.PO.Status = StateReview
			o.ReviewReason = ReasonNoDeliverer
			return StateReview, nil, nil
		})
	}
	o, err := GetOrder(ctx, pool, job.Args.OrderID)
	if err != nil {
		return err
	}
	if o.State != StateApproved && o.State != StateDelivering {
		return nil // delivered, or taken back into review, meanwhile
	}
	first, err := firstPendingDelivery(ctx, pool, o.PO.CustomerNumber)
	if err != nil {
		return err
	}
	if first != o.ID {
		return river.JobSnooze(w.p.opts.Delivery.Wait)
	}
	unlock, ok, err := w.lockCustomer(ctx, o.PO.CustomerNumber)
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(w.p.opts.Delivery.Wait)
	}
	defer unlock()

	// The content delivered is the one read with the state change: a change
	// applied to the order since it was read above sent it back to matching
	// (and this update finds it not approved), or was approved again (and
	// this reads the new content).
	var attempts int
	var current order.PurchaseOrder
	err = pool.QueryRow(ctx, `UPDATE orders SET state = 'delivering', delivery_attempts = delivery_attempts + 1,
		updated_at = now() WHERE id = $1 AND state IN ('approved', 'delivering') RETURNING delivery_attempts, data`, o.ID).Scan(&attempts, &current)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	o.PO = current
	d := erp.NewDelivery(o.ID, o.PO)
	if attempts > 1 {
		rc, found, err := w.p.opts.ERP.Lookup(ctx, d)
		if err != nil {
			return w.failed(ctx, job, o.ID, fmt.Errorf("looking the order up in the ERP before posting again: %w", err))
		}
		if found {
			w.p.log.Info("order found in the ERP after an unclear attempt; not posting again", "order", o.ID, "erp_order", rc.Number)
			return w.delivered(ctx, job, o.ID, rc)
		}
	}
	rc, err := w.p.opts.ERP.Deliver(ctx, d)
	if err != nil {
		return w.failed(ctx, job, o.ID, err)
	}
	return w.delivered(ctx, job, o.ID, rc)
}

func (w *deliverWorker) delivered(ctx context.Context, job *river.Job[DeliverArgs], id int64, rc erp.Receipt) error {
	return advance(ctx, w.p, job, id, StateDelivering, func(tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
		o.ERPOrderID = rc.ID
		o.ERPOrderNo = rc.Number
		if o.ERPOrderNo == "" {
			o.ERPOrderNo = rc.ID
		}
		o.DeliveredAt = time.Now()
		o.DeliveryError = ""
		if err := w.p.enqueueAck(ctx, tx, o.PO.Format, AckArgs{DocumentID: o.DocumentID, OrderID: o.ID, What: AckORDRSP, Status: "accepted"}); err != nil {
			return "", nil, err
		}
		if err := w.p.enqueueNotice(ctx, tx, o, NoticeConfirmation, ""); err != nil {
			return "", nil, err
		}
		return StateDelivered, nil, nil
	})
}

// failed records a failed attempt. A permanent refusal, or the last allowed
// attempt, sends the order to review; anything else is retried.
func (w *deliverWorker) failed(ctx context.Context, job *river.Job[DeliverArgs], id int64, cause error) error {
	kind := erp.Classify(cause)
	final := kind == erp.KindPermanent || job.Attempt >= min(job.MaxAttempts, w.p.opts.Delivery.MaxAttempts)
	if !final {
		w.p.log.Warn("delivery failed; will retry", "order", id, "attempt", job.Attempt, "kind", kind.String(), "err", cause)
		if _, err := w.p.opts.Pool.Exec(ctx, `UPDATE orders SET delivery_error = $2, updated_at = now() WHERE id = $1`, id, cause.Error()); err != nil {
			return err
		}
		if ra := erp.RetryAfter(cause); ra > 0 {
			return river.JobSnooze(ra)
		}
		return cause
	}
	reason := "the ERP refused the order: " + erp.Message(cause)
	if kind != erp.KindPermanent {
		reason = fmt.Sprintf("the order could not be delivered to the ERP after %d attempts: %v", job.Attempt, cause)
	}
	w.p.log.Warn("delivery ended in review", "order", id, "reason", reason)
	return advance(ctx, w.p, job, id, StateDelivering, func(_ pgx.Tx, o *Order) (string, river.JobArgs, error) {
		o.ReviewReason = reason
		o.DeliveryError = cause.Error()
		return StateReview, nil, nil
	})
}

// firstPendingDelivery returns the earliest-approved order of the customer
// that still waits for delivery.
func firstPendingDelivery(ctx context.Context, ex db.Executor, customer string) (int64, error) {
	var id int64
	err := ex.QueryRow(ctx, `SELECT id FROM orders WHERE customer_number = $1 AND state IN ('approved', 'delivering')
		ORDER BY approved_at, id LIMIT 1`, customer).Scan(&id)
	return id, err
}

// lockCustomer takes a session advisory lock for the customer's deliveries
// on a dedicated connection; ok is false when another worker holds it.
func (w *deliverWorker) lockCustomer(ctx context.Context, customer string) (unlock func(), ok bool, err error) {
	key := db.LockKey("ordergate.deliver:" + customer)
	conn, err := w.p.opts.Pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return func() {
		_, _ = conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, key)
		conn.Release()
	}, true, nil
}

// RetryDelivery is the desk's "try again": an order in review after a
// failed delivery (or still approved) is approved anew and a delivery job
// enqueued.
func (p *Pipeline) RetryDelivery(ctx context.Context, id int64) error {
	return pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		o, err := getOrderForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case o.State == StateApproved:
		case o.State == StateReview && o.DeliveryError != "":
		default:
			return conflictf("order %d is %s; only an approved order or one whose delivery failed can be sent again", id, o.State)
		}
		o.approve()
		o.State = StateApproved
		if err := saveOrder(ctx, tx, &o); err != nil {
			return err
		}
		_, err = p.client.InsertTx(ctx, tx, DeliverArgs{OrderID: id}, nil)
		return err
	})
}

// orderInReview locks an order for a desk action that only applies to an
// order waiting in review; done says what the action does, for the error.
func orderInReview(ctx context.Context, tx pgx.Tx, id int64, done string) (Order, error) {
	o, err := getOrderForUpdate(ctx, tx, id)
	if err != nil {
		return Order{}, err
	}
	if o.State != StateReview {
		return Order{}, conflictf("order %d is %s; only an order in review can be %s", id, o.State, done)
	}
	return o, nil
}

// Rematch is the desk's "match again": an order waiting in review goes back
// through matching against the master data as it is now (after the desk
// added a missing price or cross-reference, or the original of a change
// arrived). It is approved and delivered, or waits again with what is still
// wrong. Its delivery attempts are kept, so a delivery after a failed one
// still looks the order up in the ERP first. minVersion, when set, is the
// master-data version to match against (one the desk just wrote): matching
// waits until the catalog has it.
func (p *Pipeline) Rematch(ctx context.Context, id, minVersion int64) error {
	return pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		o, err := orderInReview(ctx, tx, id, "matched again")
		if err != nil {
			return err
		}
		if max := p.opts.MaxLines; max > 0 && len(o.PO.Lines) > max {
			return conflictf("order %d has %d lines; the limit for matching is %d (limits.max_lines)", id, len(o.PO.Lines), max)
		}
		if len(o.PO.Lines) == 0 && o.PO.Function != order.FunctionCancellation {
			return conflictf("order %d has no lines to match (%s)", id, o.ReviewReason)
		}
		o.State, o.ReviewReason, o.DeliveryError = StateReceived, "", ""
		o.PO.Exceptions, o.PO.Total = nil, nil
		if err := saveOrder(ctx, tx, &o); err != nil {
			return err
		}
		_, err = p.client.InsertTx(ctx, tx, MatchArgs{OrderID: id, MinVersion: minVersion}, nil)
		return err
	})
}

// RejectOrder is the desk's "reject": an order waiting in review is closed
// without reaching the ERP, and the sender is told why (an ORDRSP rejection
// for EDIFACT partners).
func (p *Pipeline) RejectOrder(ctx context.Context, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return invalidf("say why the order is rejected; the sender is told")
	}
	return pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		o, err := orderInReview(ctx, tx, id, "rejected")
		if err != nil {
			return err
		}
		o.State, o.ReviewReason = StateRejected, "rejected: "+reason
		if err := saveOrder(ctx, tx, &o); err != nil {
			return err
		}
		if err := p.enqueueNotice(ctx, tx, &o, NoticeRejection, reason); err != nil {
			return err
		}
		return p.enqueueAck(ctx, tx, o.PO.Format, AckArgs{DocumentID: o.DocumentID, OrderID: o.ID, What: AckORDRSP, Status: "rejected", Reason: reason})
	})
}
