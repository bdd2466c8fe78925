package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// ParseArgs is the job that parses a stored document into orders.
type ParseArgs struct {
	DocumentID int64 `json:"document_id"`
}

// Kind implements river.JobArgs.
func (ParseArgs) Kind() string { return "parse_document" }

// Job priorities (River fetches the lowest number first): an order on its
// way is finished before the next document is read, so that a burst of
// files does not hold up the orders already read (their latency), and
// acknowledgements and notices come after both.
const (
	priorityOrder  = 1
	priorityParse  = 2
	priorityAnswer = 3
)

// InsertOpts reads documents after the orders already on their way.
func (ParseArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Priority: priorityParse} }

// MatchArgs is the job that matches one order against master data.
type MatchArgs struct {
	OrderID int64 `json:"order_id"`
	// MinVersion, when set, is the master-data version the match waits for
	// (a change the desk just made for this order), up to two minutes.
	MinVersion int64 `json:"min_version,omitempty"`
	// AfterDocument, when set, is an earlier document of the same sender
	// the match waits for (it may hold the same order): its parse wakes
	// this job (wakeMatchesAfter).
	AfterDocument int64 `json:"after_document,omitempty"`
}

// Kind implements river.JobArgs.
func (MatchArgs) Kind() string { return "match_order" }

// RouteArgs is the job that sends a matched order to delivery or review.
type RouteArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind implements river.JobArgs.
func (RouteArgs) Kind() string { return "route_order" }

// DeliverArgs is the job that delivers an approved order to the ERP.
type DeliverArgs struct {
	OrderID int64 `json:"order_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "deliver_order" }

// Reasons shown to the desk while a capability is not set up. They say
// plainly that nothing was checked or delivered.
const (
	ReasonNoMatcher   = "automatic matching is not set up: check customer, items, prices and stock by hand"
	ReasonNoDeliverer = "no ERP connector is configured: the order was not sent to the ERP"
)

type parseWorker struct {
	river.WorkerDefaults[ParseArgs]
	p *Pipeline
}

// Work parses outside the transaction (parsing may take a while and needs no
// locks), then in one transaction re-checks the document is still waiting,
// writes its orders, enqueues their match jobs, records the outcome and
// completes this job.
func (w *parseWorker) Work(ctx context.Context, job *river.Job[ParseArgs]) error {
	pool := w.p.opts.Pool
	doc, err := GetDocument(ctx, pool, job.Args.DocumentID)
	if err != nil {
		return err
	}
	if doc.State != DocReceived {
		return nil // parsed by an earlier attempt that committed
	}
	res, perr := w.parse(ctx, doc)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var state string
		if err := tx.QueryRow(ctx, `SELECT state FROM documents WHERE id = $1 FOR UPDATE`, doc.ID).Scan(&state); err != nil {
			return err
		}
		if state != DocReceived {
			_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
			return err
		}
		newState, reason, probs := DocParsed, "", Problems{Warnings: res.Warnings}
		for _, e := range res.Errors {
			probs.Errors = append(probs.Errors, MessageProblem(e))
		}
		rep, err := claimInterchanges(ctx, tx, doc.ID, res.Orders, res.Interchanges)
		if err != nil {
			return err
		}
		probs.Warnings = append(probs.Warnings, rep.warnings...)
		var duplicateOf *int64
		switch {
		case perr != nil:
			newState, reason = DocFailed, perr.Error()
		case len(res.Orders) == 0:
			newState, reason = DocFailed, noOrdersReason(res)
		case len(rep.skip) == len(res.Orders) && len(res.Errors) == 0:
			// A partner sending again what was received (often because our
			// CONTRL did not reach it): recorded, answered, not read again.
			newState, reason, duplicateOf = DocDuplicate, rep.warnings[len(rep.warnings)-1], &rep.original
		}
		batch := make([]newOrder, 0, len(res.Orders))
		for i := range res.Orders {
			if rep.skip[i] {
				continue
			}
			po := &res.Orders[i]
			if doc.CustomerNumber != "" {
				po.ChosenCustomer = doc.CustomerNumber
			}
			if po.Sender.Kind == "" {
				po.Sender = doc.Sender
			}
			state, reason, placeholder := StateReceived, "", false
			if max := w.p.opts.MaxLines; max > 0 && len(po.Lines) > max {
				// Too long to match safely: it waits for the desk as read.
				reason = fmt.Sprintf("the order has %d lines; the limit is %d (limits.max_lines)", len(po.Lines), max)
				state, po.Status, placeholder = StateReview, StateReview, true
				po.Exceptions = []order.Exception{{Code: ExceptionParseError, Message: reason}}
			}
			batch = append(batch, newOrder{index: messageIndex(po, i), po: po, state: state, reason: reason, placeholder: placeholder})
		}
		ids, fresh, err := insertOrders(ctx, tx, doc.ID, batch)
		if err != nil {
			return err
		}
		var matches []river.InsertManyParams
		for _, o := range batch {
			id, ok := ids[o.index]
			if !ok || o.state != StateReceived {
				continue
			}
			if len(batch) == 1 && fresh[o.index] {
				decided, wait := w.p.decideNow(ctx, tx, doc.ID, o.index, id, o.po)
				if decided {
					continue
				}
				if wait != nil && wait.Document > 0 {
					if err := w.p.waitForDocument(ctx, tx, MatchArgs{OrderID: id}, wait.Document); err != nil {
						return err
					}
					continue
				}
			}
			matches = append(matches, river.InsertManyParams{Args: MatchArgs{OrderID: id}})
		}
		if len(matches) == 1 {
			if _, err := w.p.client.InsertTx(ctx, tx, matches[0].Args, nil); err != nil {
				return fmt.Errorf("intake: enqueue match: %w", err)
			}
		} else if len(matches) > 1 {
			// One COPY for all of them (a COPY of one row costs more
			// than an INSERT).
			if _, err := w.p.client.InsertManyFastTx(ctx, tx, matches); err != nil {
				return fmt.Errorf("intake: enqueue %d matches: %w", len(matches), err)
			}
		}
		// A message that could not be read is put in front of the desk as
		// an order in review with a PARSE_ERROR, so that nothing a partner
		// sent waits unseen. Messages that are not orders (an INVOIC sent
		// to the order mailbox) are only recorded on the document.
		for _, e := range res.Errors {
			if e.NotOrder || e.Index <= 0 {
				continue
			}
			po := &order.PurchaseOrder{Format: res.Format, Function: order.FunctionOriginal, Sender: doc.Sender,
				ChosenCustomer: doc.CustomerNumber, Status: StateReview, Lines: []order.Line{},
				Exceptions: []order.Exception{{Code: ExceptionParseError, Message: e.Message}}}
			if _, _, err := insertOrder(ctx, tx, doc.ID, e.Index, po, StateReview, "the message could not be read: "+e.Message, true); err != nil {
				return err
			}
		}
		if err := w.p.enqueueAck(ctx, tx, res.Format, AckArgs{DocumentID: doc.ID, What: AckContrl}); err != nil {
			return err
		}
		if err := w.p.wakeMatchesAfter(ctx, tx, doc.ID); err != nil {
			return err
		}
		pj, err := json.Marshal(probs)
		if err != nil {
			return err
		}
		parts := res.Parts
		if parts == nil {
			parts = []parsers.Part{}
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET state = $2, reason = $3, format = $4, problems = $5, duplicate_of = $6,
			parts = $7, updated_at = now() WHERE id = $1`, doc.ID, newState, reason, res.Format, pj, duplicateOf, parts); err != nil {
			return err
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// parse runs the registry, turning a parser panic into a readable failure:
// a document that crashes a parser is bad input, kept for replay, and not
// retried 25 times.
func (w *parseWorker) parse(ctx context.Context, doc Document) (res parsers.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			w.p.log.Error("parser panicked", "document", doc.ID, "panic", r, "stack", string(debug.Stack()))
			res, err = parsers.Result{}, fmt.Errorf("internal error while reading the document (kept for replay): %v", r)
		}
	}()
	return w.p.opts.Registry.Parse(ctx, parsers.Document{
		Name: doc.FileName, ContentType: doc.ContentType, Data: doc.Raw, Sender: doc.Sender, Customer: doc.CustomerNumber,
	})
}

// ExceptionParseError is the exception code of a message that could not be
// read (matching.ParseError; the same closed set).
const ExceptionParseError = "PARSE_ERROR"

// messageIndex is the order's position in its document: the parser's
// message number when it gives one (so that orders and unreadable messages
// share one numbering), else its position among the orders.
func messageIndex(po *order.PurchaseOrder, i int) int {
	if po.Envelope != nil && po.Envelope.MessageIndex > 0 {
		return po.Envelope.MessageIndex
	}
	return i + 1
}

func noOrdersReason(res parsers.Result) string {
	if len(res.Errors) == 0 {
		return "the document contains no orders"
	}
	parts := make([]string, 0, len(res.Errors))
	for _, e := range res.Errors {
		parts = append(parts, fmt.Sprintf("message %d: %s", e.Index, e.Message))
	}
	return "no orders could be read: " + strings.Join(parts, "; ")
}

// decideNow matches and routes a document's only order in the transaction
// that stores it: the match job's work, under the same locks taken in the
// same order (the document's row and its interchanges, then the customer's
// matching lock and the SKUs' stock holds; the order's row is new, so
// nobody else holds it). It saves the order a job of its own (its insert,
// fetch and completion), a read and a decode of its JSON and a commit:
// about a fifth of what an order costs the gateway and PostgreSQL
// (BENCHMARKS.md). Whatever keeps the match from deciding now (the catalog
// not loaded yet, an earlier copy of the PO number still on its way, a
// change that must be applied to its original, any error) rolls back to
// before the match and leaves the order to its match job, as before. The
// orders of an interchange of several keep a job each: matching them all in
// the parse's transaction would hold their customer's lock for all of them.
func (p *Pipeline) decideNow(ctx context.Context, tx pgx.Tx, docID int64, index int, id int64, po *order.PurchaseOrder) (decided bool, wait *WaitError) {
	if p.opts.Matcher == nil || po.Function != order.FunctionOriginal {
		return false, nil
	}
	sp, err := tx.Begin(ctx) // a savepoint
	if err != nil {
		return false, nil
	}
	o := Order{ID: id, DocumentID: docID, MessageIndex: index, State: StateReceived, PO: *po}
	o.loaded.state = StateReceived
	to, next, err := p.matchAndDecide(ctx, sp, &o)
	if err == nil {
		err = p.moveOn(ctx, sp, &o, to, next)
	}
	if err == nil {
		err = sp.Commit(ctx)
	}
	if err != nil {
		_ = sp.Rollback(ctx)
		if !errors.As(err, &wait) && !errors.Is(err, ErrCatalogNotReady) && ctx.Err() == nil {
			p.log.Warn("the order could not be matched with its document; its match job tries again", "order", id, "err", err)
		}
		return false, wait
	}
	return true, nil
}

// DefaultEarlierDocumentWait is Options.EarlierDocumentWait's default.
const DefaultEarlierDocumentWait = 2 * time.Second

// waitForDocument gives the order a match job that waits for doc, an
// earlier document of its sender not read yet (it may hold the same
// order): it runs at once, and while doc is unread it looks again soon,
// then waits for doc's parse to wake it (wakeMatchesAfter finds it by its
// args), with EarlierDocumentWait as a backstop (documentWait).
func (p *Pipeline) waitForDocument(ctx context.Context, tx pgx.Tx, args MatchArgs, doc int64) error {
	args.AfterDocument = doc
	if _, err := p.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("intake: order %d waits for document %d: %w", args.OrderID, doc, err)
	}
	return nil
}

// documentWait is how long a match job that found its earlier document
// still unread snoozes: the first time briefly (that document's parse may
// have committed while this job looked, and then its wake-up missed this
// job), then until the parse wakes it, at most EarlierDocumentWait.
func (p *Pipeline) documentWait(job *rivertype.JobRow) time.Duration {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	if json.Unmarshal(job.Metadata, &m) == nil && m.Snoozes == 0 {
		return firstLookAfterDocument
	}
	return p.opts.EarlierDocumentWait
}

// firstLookAfterDocument is when a match waiting for an earlier document
// looks again the first time (see documentWait): a parse takes
// milliseconds.
const firstLookAfterDocument = 100 * time.Millisecond

// wakeMatchesAfter makes the match jobs waiting for doc (waitForDocument)
// run now: doc has been read.
func (p *Pipeline) wakeMatchesAfter(ctx context.Context, tx pgx.Tx, doc int64) error {
	if _, err := p.retryWaiting(ctx, tx, MatchArgs{}.Kind(), "after_document", doc); err != nil {
		return fmt.Errorf("intake: wake the matches waiting for document %d: %w", doc, err)
	}
	return nil
}

// retryWaiting makes the jobs of kind that wait for a later time and whose
// args hold key = id available at once, and says how many there were.
func (p *Pipeline) retryWaiting(ctx context.Context, tx pgx.Tx, kind, key string, id int64) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM river_job WHERE kind = $1 AND `+waitingJob+`
		AND args @> jsonb_build_object($2::text, $3::bigint)`, kind, key, id)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, err
	}
	for _, job := range ids {
		if _, err := p.client.JobRetryTx(ctx, tx, job); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

type matchWorker struct {
	river.WorkerDefaults[MatchArgs]
	p *Pipeline
}

// Work matches an order and, for an original order, decides it in the same
// transaction (route): matching holds the customer's lock and reads what the
// customer's other orders expose, so no other order of the customer can be
// approved between this order's match and its approval (exposure.go). A
// change, replacement or cancellation goes on to a route job of its own:
// applying it locks its original, which must not wait while this
// transaction holds the customer's lock (a match of the original takes the
// two the other way round).
func (w *matchWorker) Work(ctx context.Context, job *river.Job[MatchArgs]) error {
	if v := job.Args.MinVersion; v > 0 {
		if m, ok := w.p.opts.Matcher.(interface{ CatalogVersion() int64 }); ok && m.CatalogVersion() < v && time.Since(job.CreatedAt) < 2*time.Minute {
			return river.JobSnooze(time.Second)
		}
	}
	err := advance(ctx, w.p, job, job.Args.OrderID, StateReceived, func(tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
		return w.p.matchAndDecide(ctx, tx, o)
	})
	var wait *WaitError
	if errors.As(err, &wait) {
		switch {
		case wait.Document > 0 && job.Args.AfterDocument != wait.Document:
			// In place of this job, one that names the document, so that
			// its parse finds it and wakes it.
			return pgx.BeginFunc(ctx, w.p.opts.Pool, func(tx pgx.Tx) error {
				if err := w.p.waitForDocument(ctx, tx, job.Args, wait.Document); err != nil {
					return err
				}
				_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
				return err
			})
		case wait.Document > 0:
			return river.JobSnooze(w.p.documentWait(job.JobRow))
		}
		return river.JobSnooze(wait.For)
	}
	return err
}

// matchAndDecide is the match job's step (and decideNow's): match the
// order and decide an original in the same transaction (route); a change,
// replacement or cancellation goes on to a route job of its own.
func (p *Pipeline) matchAndDecide(ctx context.Context, tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
	if p.opts.Matcher == nil {
		o.PO.Status = StateReview
		o.ReviewReason = ReasonNoMatcher
	} else if err := p.opts.Matcher.Match(ctx, tx, o.ID, &o.PO); err != nil {
		return "", nil, err
	}
	if o.PO.Function != order.FunctionOriginal {
		return StateMatched, RouteArgs{OrderID: o.ID}, nil
	}
	return p.route(ctx, tx, o)
}

// WaitError is returned by a Matcher that cannot decide the order yet (an
// earlier copy of its PO number is still on its way); the match is tried
// again after For.
type WaitError struct {
	For    time.Duration
	Reason string
	// Document is the earlier document of the same sender, not read yet,
	// the match waits for (0: it waits for an earlier order of the PO
	// number); its parse wakes the match.
	Document int64
}

func (e *WaitError) Error() string { return "intake: matching waits: " + e.Reason }

type routeWorker struct {
	river.WorkerDefaults[RouteArgs]
	p *Pipeline
}

// Work routes a matched change, replacement or cancellation (an original
// is routed by its match job; orders left matched by an older version are
// routed here too).
func (w *routeWorker) Work(ctx context.Context, job *river.Job[RouteArgs]) error {
	return advance(ctx, w.p, job, job.Args.OrderID, StateMatched, func(tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
		return w.p.route(ctx, tx, o)
	})
}

// route applies a change, replacement or cancellation to its original order
// (applyToOriginal), and approves an order only when matching said so and
// raised nothing; everything else waits for a person.
func (p *Pipeline) route(ctx context.Context, tx pgx.Tx, o *Order) (string, river.JobArgs, error) {
	if o.PO.Function != order.FunctionOriginal && o.ReviewReason == "" {
		applied, err := p.applyToOriginal(ctx, tx, o)
		if err != nil {
			return "", nil, err
		}
		if applied {
			return StateApplied, nil, nil
		}
		o.PO.Status = StateReview
	}
	if o.PO.Status == StateApproved && len(o.PO.Exceptions) == 0 && o.ReviewReason == "" {
		o.approve()
		return StateApproved, DeliverArgs{OrderID: o.ID}, nil
	}
	o.PO.Status = StateReview
	if o.ReviewReason == "" {
		o.ReviewReason = reviewReason(o.PO.Exceptions)
	}
	return StateReview, nil, nil
}

func reviewReason(ex []order.Exception) string {
	if len(ex) == 0 {
		return "matching did not approve the order"
	}
	if len(ex) == 1 {
		return ex[0].Message
	}
	return fmt.Sprintf("%s (and %d more)", ex[0].Message, len(ex)-1)
}

// advance runs one stage on an order in one transaction: lock the order,
// skip if it is no longer in the expected state (an earlier attempt
// committed), apply the step, save, enqueue the next job, complete this one.
func advance[A river.JobArgs](ctx context.Context, p *Pipeline, job *river.Job[A], orderID int64, from string,
	step func(pgx.Tx, *Order) (to string, next river.JobArgs, err error)) error {
	return pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		o, err := getOrderForUpdate(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if o.State == from {
			to, next, err := step(tx, &o)
			if err != nil {
				return err
			}
			if err := p.moveOn(ctx, tx, &o, to, next); err != nil {
				return err
			}
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// moveOn ends a stage: the order saved in its new state, and the next
// stage's job, if any, enqueued in the same transaction.
func (p *Pipeline) moveOn(ctx context.Context, tx pgx.Tx, o *Order, to string, next river.JobArgs) error {
	o.State = to
	if err := saveOrder(ctx, tx, o); err != nil {
		return err
	}
	if next != nil {
		if _, err := p.client.InsertTx(ctx, tx, next, nil); err != nil {
			return err
		}
	}
	return nil
}
