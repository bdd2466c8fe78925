package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
)

// QueueDelivery is the River queue of deliveries to the ERP. It has its own
// workers (Options.DeliveryWorkers), so a hung or slow ERP ties up only
// them: parsing, matching and orders that never touch the ERP keep flowing.
const QueueDelivery = "delivery"

// DeliveryOptions tune delivery to the ERP.
type DeliveryOptions struct {
	// Backoff is the first retry delay after a transient failure; it doubles
	// per attempt up to MaxBackoff. Defaults 30s and 1h.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxAttempts after which an order that could not be delivered goes to
	// review with the last error. Every attempt counts, an answer to try
	// again later (429 or 503 with Retry-After) included. Default 20 (about
	// a day with the defaults).
	MaxAttempts int
	// Wait is how long a delivery waits behind an earlier-approved order of
	// the same customer while that one is being delivered; behind one whose
	// attempts are failing, it waits for that one's next attempt. Either
	// way the earlier order's delivery, once through, starts the next
	// order's delivery with a job of its own (wakeNextDelivery), so the
	// wait is only a backstop. Default 1m.
	Wait time.Duration
	// RecoverAfter is how long after an attempt began a delivery cut off by
	// a crash (its worker's lock gone, its order still delivering) is taken
	// up again, looking the order up in the ERP before it posts. It must
	// exceed the ERP request timeout: until then the cut-off request may
	// still be at the ERP. Default 45s.
	RecoverAfter time.Duration
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
		o.Wait = time.Minute
	}
	if o.RecoverAfter <= 0 {
		o.RecoverAfter = 45 * time.Second
	}
}

// InsertOpts puts deliveries on their own queue.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueDelivery} }

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
//     backoff (or after the ERP's Retry-After), and after MaxAttempts the
//     order goes to review too;
//   - orders of one customer are delivered in the order they were approved:
//     a delivery waits while an earlier-approved order of the same customer
//     is still approved or delivering (and is woken when that one is
//     through), and a per-customer lock keeps two processes from posting
//     for one customer at once. The lock is held for the whole attempt, so
//     an order left delivering while nobody holds its customer's lock was
//     cut off by a crash (recoverWorker takes it up again).
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
	// Only the state and the customer, and whose turn it is: the order
	// itself is read with the state change below.
	o := Order{ID: job.Args.OrderID}
	var first int64
	err := pool.QueryRow(ctx, `SELECT o.state, o.customer_number, coalesce((SELECT f.id FROM orders f
			WHERE f.customer_number = o.customer_number AND f.state IN ('approved', 'delivering')
			ORDER BY f.approved_at, f.id LIMIT 1), 0)
		FROM orders o WHERE o.id = $1`, o.ID).Scan(&o.State, &o.PO.CustomerNumber, &first)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFoundf("no order %d", o.ID)
	}
	if err != nil {
		return fmt.Errorf("intake: order %d: %w", o.ID, err)
	}
	if o.State != StateApproved && o.State != StateDelivering {
		return nil // delivered, or taken back into review, meanwhile
	}
	if first != o.ID {
		return river.JobSnooze(w.waitBehind(ctx, first))
	}
	unlock, ok, err := w.lockCustomer(ctx, o.PO.CustomerNumber)
	if err != nil {
		return err
	}
	if !ok {
		// The customer's lock is held: by the delivery of the order before
		// this one, committed and about to let go (this job is the one it
		// started), or by another job delivering this very order.
		if o.State == StateApproved {
			return river.JobSnooze(min(lockBusyWait, w.p.opts.Delivery.Wait))
		}
		return river.JobSnooze(w.p.opts.Delivery.Wait)
	}
	defer unlock()

	// The content delivered is the one read with the state change: a change
	// applied to the order since it was read above sent it back to matching
	// (and this update finds it not approved), or was approved again (and
	// this reads the new content). An order found delivering here was cut
	// off mid-attempt: its attempt count makes this one look it up first.
	var attempts, budgetFrom int
	var current order.PurchaseOrder
	// The attempt is counted, and written to the order's history, in one
	// statement (one commit) before the ERP is called.
	err = pool.QueryRow(ctx, `WITH u AS (
			UPDATE orders SET state = 'delivering', delivery_attempts = delivery_attempts + 1,
				delivery_started_at = now(), updated_at = now()
			WHERE id = $1 AND state IN ('approved', 'delivering') RETURNING id, document_id, delivery_attempts, approved_attempts, data),
		e AS (INSERT INTO order_events (order_id, actor, kind, detail)
			SELECT id, $2, $3, jsonb_build_object('attempt', delivery_attempts) FROM u)
		SELECT document_id, delivery_attempts, approved_attempts, data FROM u`, o.ID, PipelineActor, EventAttempt).Scan(&o.DocumentID, &attempts, &budgetFrom, &current)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("intake: count the delivery attempt of order %d: %w", o.ID, err)
	}
	o.PO = current
	d := erp.NewDelivery(o.ID, o.PO)
	try := attempt{n: attempts - budgetFrom, job: job, id: o.ID}
	if attempts > 1 {
		rc, found, err := w.p.opts.ERP.Lookup(ctx, d)
		if err != nil {
			return w.failed(ctx, try, fmt.Errorf("looking the order up in the ERP before posting again: %w", err))
		}
		if found {
			w.p.log.Info("order found in the ERP after an unclear attempt; not posting again", "order", o.ID, "erp_order", rc.Number)
			return w.delivered(ctx, job, o, rc)
		}
	}
	rc, err := w.p.opts.ERP.Deliver(ctx, d)
	if err != nil {
		return w.failed(ctx, try, err)
	}
	return w.delivered(ctx, job, o, rc)
}

// attempt is one delivery attempt: the n-th since the order was last
// approved.
type attempt struct {
	n   int
	job *river.Job[DeliverArgs]
	id  int64
}

// waitBehind is how long a delivery waits behind first, the customer's
// earlier order still on its way: until first's next attempt when that
// waits (a failing ERP), else Wait while first is being delivered. Either
// way first's delivery wakes the next order when it is through; the short
// wait covers a wake-up that came while this job was still finishing (River
// leaves running jobs alone).
func (w *deliverWorker) waitBehind(ctx context.Context, first int64) time.Duration {
	d := w.p.opts.Delivery.Wait
	var next time.Time
	err := w.p.opts.Pool.QueryRow(ctx, `SELECT min(scheduled_at) FROM river_job
		WHERE kind = 'deliver_order' AND `+waitingJob+` AND args @> jsonb_build_object('order_id', $1::bigint)`,
		first).Scan(&next)
	if err == nil && !next.IsZero() {
		if until := time.Until(next) + time.Second; until > d {
			d = min(until, w.p.opts.Delivery.MaxBackoff)
		}
	}
	return d
}

// delivered records what the ERP answered, in one transaction with the
// order's acknowledgement, its confirmation and the start of the customer's
// next delivery. Only the order's columns change: its document is what was
// delivered, so it is neither read nor written again (a 20-line order is
// about 10 KB of JSON; decoding and rewriting it was a sixth of the
// gateway's CPU under load); what the answers need of it (its document,
// format, customer) is what the attempt read. The order counts against
// credit and stock both delivering and delivered, so its reservations stay
// as they are.
func (w *deliverWorker) delivered(ctx context.Context, job *river.Job[DeliverArgs], o Order, rc erp.Receipt) error {
	id := o.ID
	return pgx.BeginFunc(ctx, w.p.opts.Pool, func(tx pgx.Tx) error {
		o.State, o.ERPOrderID, o.ERPOrderNo = StateDelivered, rc.ID, cmp.Or(rc.Number, rc.ID)
		var codes []string
		err := tx.QueryRow(ctx, `UPDATE orders SET state = 'delivered', erp_order_id = $2, erp_order_no = $3,
				delivered_at = now(), delivery_error = '', updated_at = now()
			WHERE id = $1 AND state = 'delivering'
			RETURNING review_reason, exception_codes`,
			id, o.ERPOrderID, o.ERPOrderNo).Scan(&o.ReviewReason, &codes)
		if errors.Is(err, pgx.ErrNoRows) {
			// Not delivering any more: an earlier attempt of this job
			// committed its answer.
			_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
			return err
		}
		if err != nil {
			return fmt.Errorf("intake: record the delivery of order %d: %w", id, err)
		}
		if err := recordEvent(ctx, tx, id, PipelineActor, EventState, stateEvent{From: StateDelivering, To: StateDelivered,
			Exceptions: codes, Reason: o.ReviewReason, ERPOrderNo: o.ERPOrderNo}); err != nil {
			return err
		}
		if err := w.p.enqueueAck(ctx, tx, o.PO.Format, AckArgs{DocumentID: o.DocumentID, OrderID: id, What: AckORDRSP, Status: "accepted"}); err != nil {
			return err
		}
		if err := w.p.enqueueNotice(ctx, tx, &o, NoticeConfirmation, ""); err != nil {
			return err
		}
		if err := w.p.wakeNextDelivery(ctx, tx, o.PO.CustomerNumber, id); err != nil {
			return err
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// failed records a failed attempt. A permanent refusal, or the last allowed
// attempt, sends the order to review; anything else is retried: after the
// ERP's Retry-After when it gave one, else with backoff. The order waits
// approved meanwhile, not delivering (no attempt is in progress).
func (w *deliverWorker) failed(ctx context.Context, a attempt, cause error) error {
	kind := erp.Classify(cause)
	final := kind == erp.KindPermanent || a.n >= w.p.opts.Delivery.MaxAttempts || a.job.Attempt >= a.job.MaxAttempts
	if !final {
		w.p.log.Warn("delivery failed; will retry", "order", a.id, "attempt", a.n, "kind", kind.String(), "err", cause)
		if _, err := w.p.opts.Pool.Exec(context.WithoutCancel(ctx), `UPDATE orders SET state = 'approved', delivery_error = $2, updated_at = now()
			WHERE id = $1 AND state = 'delivering'`, a.id, cause.Error()); err != nil {
			return err
		}
		if ra := erp.RetryAfter(cause); ra > 0 {
			// The ERP's word, but never longer than our own longest wait.
			return river.JobSnooze(min(ra, w.p.opts.Delivery.MaxBackoff))
		}
		return cause
	}
	reason := "the ERP refused the order: " + erp.Message(cause)
	if kind != erp.KindPermanent {
		reason = fmt.Sprintf("the order could not be delivered to the ERP after %d attempts; the ERP's last answer: %v", a.n, cause)
	}
	w.p.log.Warn("delivery ended in review", "order", a.id, "reason", reason)
	return advance(ctx, w.p, a.job, a.id, StateDelivering, func(tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
		o.ReviewReason = reason
		o.DeliveryError = cause.Error()
		if err := w.p.wakeNextDelivery(ctx, tx, o.PO.CustomerNumber, o.ID); err != nil {
			return "", nil, err
		}
		return StateReview, nil, nil
	})
}

// lockBusyWait is how long a delivery whose turn it is waits when the
// customer's lock is still held by the delivery before it, which lets go
// right after its commit.
const lockBusyWait = 50 * time.Millisecond

// wakeNextDelivery starts the delivery of the customer's next order (after
// done, which leaves the queue in tx), so a customer's orders follow each
// other without polling: a new job for it, which River picks up at once
// (an insert notifies the workers; a snoozed job made available again would
// wait for the next fetch), and its jobs still waiting behind done
// cancelled. A job of it already running finds the order delivered, or
// waits for the customer's lock, and the lock and the look-up before a
// post keep the ERP to one copy either way.
func (p *Pipeline) wakeNextDelivery(ctx context.Context, tx pgx.Tx, customer string, done int64) error {
	var next int64
	err := tx.QueryRow(ctx, `SELECT id FROM orders WHERE customer_number = $1 AND state IN ('approved', 'delivering') AND id <> $2
		ORDER BY approved_at, id LIMIT 1`, customer, done).Scan(&next)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("intake: next delivery of customer %s: %w", customer, err)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM river_job WHERE kind = 'deliver_order' AND `+waitingJob+`
		AND args @> jsonb_build_object('order_id', $1::bigint)`, next)
	if err != nil {
		return fmt.Errorf("intake: delivery jobs of order %d: %w", next, err)
	}
	waiting, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("intake: delivery jobs of order %d: %w", next, err)
	}
	for _, id := range waiting {
		if _, err := p.client.JobCancelTx(ctx, tx, id); err != nil {
			return fmt.Errorf("intake: replace delivery job of order %d: %w", next, err)
		}
	}
	if _, err := p.client.InsertTx(ctx, tx, DeliverArgs{OrderID: next}, nil); err != nil {
		return fmt.Errorf("intake: start delivery of order %d: %w", next, err)
	}
	return nil
}

// waitingJob holds for a River job waiting for a later time: snoozed, or
// waiting to be retried (River keeps a job due soon available with a
// scheduled time ahead).
const waitingJob = `state IN ('available', 'scheduled', 'retryable') AND scheduled_at > now()`

// retryDeliveryJobs makes the order's waiting delivery jobs available at
// once and says how many there were.
func (p *Pipeline) retryDeliveryJobs(ctx context.Context, tx pgx.Tx, orderID int64) (int, error) {
	n, err := p.retryWaiting(ctx, tx, DeliverArgs{}.Kind(), "order_id", orderID)
	if err != nil {
		return 0, fmt.Errorf("intake: wake delivery of order %d: %w", orderID, err)
	}
	return n, nil
}

// lockCustomer takes a session advisory lock for the customer's deliveries
// on a dedicated connection; ok is false when another worker holds it.
func (w *deliverWorker) lockCustomer(ctx context.Context, customer string) (unlock func(), ok bool, err error) {
	return tryDeliveryLock(ctx, w.p.opts.Pool, customer)
}

func tryDeliveryLock(ctx context.Context, pool *pgxpool.Pool, customer string) (unlock func(), ok bool, err error) {
	key := db.LockKey("ordergate.deliver:" + customer)
	conn, err := pool.Acquire(ctx)
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

// RecoverArgs is the periodic job that takes up deliveries cut off by a
// crash (recoverWorker).
type RecoverArgs struct{}

// Kind implements river.JobArgs.
func (RecoverArgs) Kind() string { return "recover_deliveries" }

// recoverWorker finds orders left delivering whose attempt began more than
// RecoverAfter ago and whose customer's delivery lock nobody holds: the
// process delivering them is gone (its connection, and with it the lock,
// went when it died). Each gets a new delivery job, which looks the order
// up in the ERP before it posts. Without this, such an order waited for
// River to rescue its job (rescue_after, then the retry backoff) and held
// the customer's later orders up for minutes.
type recoverWorker struct {
	river.WorkerDefaults[RecoverArgs]
	p *Pipeline
}

func (w *recoverWorker) Work(ctx context.Context, _ *river.Job[RecoverArgs]) error {
	pool := w.p.opts.Pool
	rows, err := pool.Query(ctx, `SELECT id, customer_number FROM orders
		WHERE state = 'delivering' AND delivery_started_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 100`,
		w.p.opts.Delivery.RecoverAfter.Seconds())
	if err != nil {
		return err
	}
	type cut struct {
		id       int64
		customer string
	}
	cuts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cut, error) {
		var c cut
		return c, r.Scan(&c.id, &c.customer)
	})
	if err != nil {
		return err
	}
	if err := w.startStalled(ctx); err != nil {
		return err
	}
	for _, c := range cuts {
		unlock, free, err := tryDeliveryLock(ctx, pool, c.customer)
		if err != nil {
			return err
		}
		if !free {
			continue // a live worker is on it
		}
		unlock()
		res, err := w.p.client.Insert(ctx, DeliverArgs{OrderID: c.id}, &river.InsertOpts{Queue: QueueDelivery,
			UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable,
				rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}}})
		if err != nil {
			return err
		}
		if !res.UniqueSkippedAsDuplicate {
			w.p.log.Warn("delivery cut off by a crash taken up again; the ERP is asked first", "order", c.id, "customer", c.customer)
		}
	}
	return nil
}

// startStalled starts the delivery of each customer's first waiting order
// that nothing is about to deliver: approved, not failing (a failing one
// waits for its retry), with no delivery job running or due. That happens
// when the order was approved while the one before it was being
// delivered, after that one looked for the next (wakeNextDelivery): its
// own job then waits behind it for Wait. Without this it would wait that
// long; with it, at most recoverEvery.
func (w *recoverWorker) startStalled(ctx context.Context) error {
	rows, err := w.p.opts.Pool.Query(ctx, `SELECT f.id FROM (
			SELECT DISTINCT ON (customer_number) id, state, delivery_error FROM orders
			WHERE state IN ('approved', 'delivering') ORDER BY customer_number, approved_at, id) f
		WHERE f.state = 'approved' AND f.delivery_error = ''
		  AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.kind = 'deliver_order'
			AND j.args @> jsonb_build_object('order_id', f.id)
			AND (j.state IN ('running', 'pending') OR (j.state IN ('available', 'scheduled', 'retryable')
			     AND j.scheduled_at <= now() + interval '1 second')))
		LIMIT 1000`)
	if err != nil {
		return fmt.Errorf("intake: stalled deliveries: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("intake: stalled deliveries: %w", err)
	}
	for _, id := range ids {
		if _, err := w.p.client.Insert(ctx, DeliverArgs{OrderID: id}, nil); err != nil {
			return fmt.Errorf("intake: start delivery of order %d: %w", id, err)
		}
	}
	return nil
}

// RetryDelivery is the desk's "try again": an order in review after a
// failed delivery is approved anew and a delivery job enqueued; an order
// whose delivery is failing and waits for its next attempt is tried now,
// with a fresh budget of attempts.
func (p *Pipeline) RetryDelivery(ctx context.Context, a Actor, id int64) (Order, error) {
	return p.desk(ctx, a, id, ActRetry, 0, false, func(tx pgx.Tx, o *Order, e *deskEntry) error {
		switch {
		case o.State == StateApproved:
			o.ApprovedAttempts = o.DeliveryAttempts
			if err := saveOrder(ctx, tx, o); err != nil {
				return err
			}
			woken, err := p.retryDeliveryJobs(ctx, tx, id)
			if err != nil || woken > 0 {
				return err
			}
			// Its job is between the failed attempt and its retry being
			// recorded: a second job is harmless (the customer's lock and
			// the look-up before a post keep it to one order in the ERP).
			_, err = p.client.InsertTx(ctx, tx, DeliverArgs{OrderID: id}, nil)
			return err
		case o.State == StateReview && o.DeliveryError != "":
		case o.State == StateDelivering:
			return conflictf("order %d is being delivered right now; wait for the ERP's answer", id)
		default:
			return conflictf("order %d is %s; only an approved order or one whose delivery failed can be sent again", id, o.State)
		}
		o.approve()
		o.State = StateApproved
		if err := saveOrder(ctx, tx, o); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, DeliverArgs{OrderID: id}, nil)
		return err
	})
}
