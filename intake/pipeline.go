package intake

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// Queue is the River queue of the pipeline stages.
const Queue = river.QueueDefault

// River's fetch settings. River fetches new jobs for a queue at most once
// per FetchCooldown (its default of 100 ms capped a queue of 8 workers near
// 80 jobs a second: the workers waited, not the database); a job inserted
// wakes the fetch at once (LISTEN/NOTIFY), FetchPollInterval is the fallback.
const (
	fetchCooldown     = 2 * time.Millisecond
	fetchPollInterval = 200 * time.Millisecond
)

// recoverEvery is how often deliveries cut off by a crash are looked for.
const recoverEvery = 5 * time.Second

// Matcher decides an order's customer, lines and exceptions, and sets
// po.Status to "approved" or "review". It runs inside the match stage's
// transaction, so it may read (and lock) the order history consistently.
// CatalogMatcher is the real one.
type Matcher interface {
	Match(ctx context.Context, tx pgx.Tx, orderID int64, po *order.PurchaseOrder) error
}

// Options configure a Pipeline.
type Options struct {
	Pool     *pgxpool.Pool
	Registry *parsers.Registry
	Log      *slog.Logger
	// MaxDocumentBytes is the largest payload Receive accepts (0: no limit).
	MaxDocumentBytes int64
	// MaxLines is the most lines one order may have (0: no limit); a longer
	// one waits in review as a PARSE_ERROR instead of being matched.
	MaxLines int
	// Workers is the number of concurrent pipeline jobs; 0 makes an
	// insert-only pipeline (the CLI's ingest), which enqueues but never
	// works jobs.
	Workers int
	// DeliveryWorkers is the number of concurrent deliveries to the ERP,
	// on a queue of their own (QueueDelivery). Default 4.
	DeliveryWorkers int
	// JobTimeout bounds one job (default 2m); RescueAfter is when a job
	// left running by a crashed process runs again (default 3m). A rescued
	// delivery looks the order up in the ERP before it posts again.
	JobTimeout, RescueAfter time.Duration
	// Matcher and ERP are nil until those capabilities are set up; orders
	// then go to review with a plain reason instead of pretending.
	Matcher Matcher
	ERP     erp.Connector
	// Delivery tunes retries to the ERP; zero values take the defaults.
	Delivery DeliveryOptions
	// EarlierDocumentWait is how long a match that waits for an earlier
	// document of its sender (which may hold the same order) waits before
	// it looks again; that document's parse wakes it sooner, so this is
	// only a backstop. Default DefaultEarlierDocumentWait.
	EarlierDocumentWait time.Duration
	// Acks, when set, sends CONTRL and ORDRSP back to EDIFACT partners.
	Acks *AckOptions
	// Mailer, when set, answers customers who order by mail (confirmation
	// or rejection).
	Mailer Mailer
	// NoticesPerHour is the most answers one address gets in an hour
	// (default DefaultNoticesPerHour); further ones are held back.
	NoticesPerHour int
	// Metrics, when set, records job latency.
	Metrics *Metrics
}

// Pipeline is the document pipeline: Receive plus the River workers.
type Pipeline struct {
	opts   Options
	client *river.Client[pgx.Tx]
	log    *slog.Logger
}

// New builds the pipeline and its River client (not yet started).
func New(opts Options) (*Pipeline, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	opts.Delivery.fillDefaults()
	if opts.EarlierDocumentWait <= 0 {
		opts.EarlierDocumentWait = DefaultEarlierDocumentWait
	}
	p := &Pipeline{opts: opts, log: opts.Log}
	// River tells every few seconds how many jobs it worked, at INFO: only
	// its warnings reach the log, unless the log is set to debug.
	cfg := &river.Config{Logger: slog.New(quieter{opts.Log.Handler(), slog.LevelWarn}).With("component", "river")}
	if opts.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &parseWorker{p: p})
		river.AddWorker(workers, &matchWorker{p: p})
		river.AddWorker(workers, &routeWorker{p: p})
		river.AddWorker(workers, &deliverWorker{p: p})
		river.AddWorker(workers, &ackWorker{p: p})
		river.AddWorker(workers, &notifyWorker{p: p})
		river.AddWorker(workers, &recoverWorker{p: p})
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{Queue: {MaxWorkers: opts.Workers},
			QueueDelivery: {MaxWorkers: cmp.Or(opts.DeliveryWorkers, 4)}}
		cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(recoverEvery),
			func() (river.JobArgs, *river.InsertOpts) { return RecoverArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
		cfg.FetchCooldown = fetchCooldown
		cfg.FetchPollInterval = fetchPollInterval
		cfg.JobTimeout = cmp.Or(opts.JobTimeout, 2*time.Minute)
		cfg.RescueStuckJobsAfter = max(cmp.Or(opts.RescueAfter, 3*time.Minute), cfg.JobTimeout+time.Second)
	}
	client, err := river.NewClient(riverpgxv5.New(opts.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("intake: river client: %w", err)
	}
	p.client = client
	return p, nil
}

// Start starts working jobs. It returns at once; only Stop ends it: the
// end of ctx does not cancel running jobs (River would treat it as a hard
// stop, cancelling an ERP post in flight), so a process told to stop lets
// them finish first.
func (p *Pipeline) Start(ctx context.Context) error {
	if p.opts.Workers == 0 {
		return nil
	}
	if p.opts.Metrics != nil {
		p.opts.Metrics.watch(p.client)
	}
	if err := p.client.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	// River's own start message is INFO and filtered (quieter); this line
	// names the process among several on one database (the id River
	// records in river_job.attempted_by).
	p.log.Info("jobs started", "client_id", p.client.ID(), "workers", p.opts.Workers)
	return nil
}

// Stop lets in-flight jobs finish (until ctx ends, then cancels them).
func (p *Pipeline) Stop(ctx context.Context) error {
	if p.opts.Workers == 0 {
		return nil
	}
	err := p.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		p.log.Warn("jobs did not finish in time; cancelling them (they will be retried)")
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return p.client.StopAndCancel(cctx)
	}
	return err
}

// Receive stores a payload raw and enqueues its parse job in one
// transaction. A repeat by idempotency key is recorded as a duplicate and
// not parsed again.
func (p *Pipeline) Receive(ctx context.Context, in Inbound) (Received, error) {
	var r Received
	err := pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		var err error
		r, err = p.ReceiveTx(ctx, tx, in)
		return err
	})
	return r, err
}

// ReceiveTx is Receive inside the caller's transaction, for sources that
// record their own progress in the same commit.
func (p *Pipeline) ReceiveTx(ctx context.Context, tx pgx.Tx, in Inbound) (Received, error) {
	if p.opts.MaxDocumentBytes > 0 && int64(len(in.Data)) > p.opts.MaxDocumentBytes {
		return Received{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(in.Data), p.opts.MaxDocumentBytes)
	}
	switch in.Channel {
	case ChannelFile, ChannelEmail, ChannelUpload, ChannelAPI:
	default:
		return Received{}, fmt.Errorf("intake: unknown channel %q", in.Channel)
	}
	r, err := insertDocument(ctx, tx, in)
	if err != nil || r.Duplicate {
		return r, err
	}
	if in.Mail != nil {
		if err := insertMail(ctx, tx, r.DocumentID, in.Mail); err != nil {
			return Received{}, err
		}
	}
	if _, err := p.client.InsertTx(ctx, tx, ParseArgs{DocumentID: r.DocumentID}, nil); err != nil {
		return Received{}, fmt.Errorf("intake: enqueue parse: %w", err)
	}
	return r, nil
}

// Reprocess replays a document from its raw bytes: it goes back to
// received and a new parse job is enqueued. Orders created by an earlier
// parse are kept; the replay adds only the ones that were missing.
func (p *Pipeline) Reprocess(ctx context.Context, id int64) error {
	return pgx.BeginFunc(ctx, p.opts.Pool, func(tx pgx.Tx) error {
		var state string
		var dupOf int64
		err := tx.QueryRow(ctx, `SELECT state, coalesce(duplicate_of, 0) FROM documents WHERE id = $1 FOR UPDATE`, id).Scan(&state, &dupOf)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("intake: document %d does not exist", id)
		}
		if err != nil {
			return err
		}
		if state == DocDuplicate {
			return fmt.Errorf("intake: document %d is a duplicate of document %d; reprocess that one", id, dupOf)
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET state = 'received', reason = '', updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		_, err = p.client.InsertTx(ctx, tx, ParseArgs{DocumentID: id}, nil)
		return err
	})
}

// quieter passes on what is at least min, or everything when the handler
// it wraps is enabled for debug.
type quieter struct {
	slog.Handler
	min slog.Level
}

func (q quieter) Enabled(ctx context.Context, l slog.Level) bool {
	return q.Handler.Enabled(ctx, l) && (l >= q.min || q.Handler.Enabled(ctx, slog.LevelDebug))
}

func (q quieter) WithAttrs(as []slog.Attr) slog.Handler {
	return quieter{q.Handler.WithAttrs(as), q.min}
}
func (q quieter) WithGroup(g string) slog.Handler { return quieter{q.Handler.WithGroup(g), q.min} }
