package intake

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
)

// Metrics are the pipeline's Prometheus metrics: documents by channel and
// state, orders by state, and queue depth (read from PostgreSQL at scrape time, so every
// process sharing the database reports the same truth), and job latency
// (observed by this process).
type Metrics struct {
	jobDuration *prometheus.HistogramVec
	jobWait     *prometheus.HistogramVec
	docs        *prometheus.Desc
	orders      *prometheus.Desc
	queue       *prometheus.Desc
	pool        *pgxpool.Pool
	log         *slog.Logger
}

// NewMetrics registers the metrics on reg.
func NewMetrics(reg prometheus.Registerer, pool *pgxpool.Pool, log *slog.Logger) *Metrics {
	m := &Metrics{
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ordergate_job_duration_seconds",
			Help:    "Time a pipeline job ran, by kind and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"kind", "outcome"}),
		jobWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ordergate_job_queue_wait_seconds",
			Help:    "Time a pipeline job waited in the queue before it ran, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"kind"}),
		docs: prometheus.NewDesc("ordergate_documents",
			"Documents by channel and state.", []string{"channel", "state"}, nil),
		orders: prometheus.NewDesc("ordergate_orders",
			"Orders by state; state=\"review\" is the desk's queue.", []string{"state"}, nil),
		queue: prometheus.NewDesc("ordergate_jobs",
			"Pipeline jobs not yet finished, by kind and state (queue depth).", []string{"kind", "state"}, nil),
		pool: pool,
		log:  log,
	}
	reg.MustRegister(m.jobDuration, m.jobWait, m)
	return m
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.docs
	ch <- m.orders
	ch <- m.queue
}

// Collect implements prometheus.Collector by counting rows.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// collect reports one gauge per row (the labels, then the count), and
	// 0 for every combination of known label values the query did not
	// return, so that a series does not vanish when its count falls to 0.
	collect := func(desc *prometheus.Desc, known [][]string, sql string) {
		rows, err := m.pool.Query(ctx, sql)
		if err != nil {
			m.log.Warn("metrics query failed", "err", err)
			return
		}
		vals := make([]string, len(known))
		var n int64
		dest := []any{}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		seen := map[string]bool{}
		_, err = pgx.ForEachRow(rows, append(dest, &n), func() error {
			seen[strings.Join(vals, "\x00")] = true
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(n), vals...)
			return nil
		})
		if err != nil {
			m.log.Warn("metrics query failed", "err", err)
			return
		}
		for _, labels := range combinations(known) {
			if !seen[strings.Join(labels, "\x00")] {
				ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, 0, labels...)
			}
		}
	}
	collect(m.docs, [][]string{channels, DocumentStates}, `SELECT channel, state, count(*) FROM documents GROUP BY 1, 2`)
	collect(m.orders, [][]string{States}, `SELECT state, count(*) FROM orders GROUP BY 1`)
	collect(m.queue, [][]string{jobKinds, queuedJobStates}, `SELECT kind, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'pending') GROUP BY 1, 2`)
}

// The label values the gauges report even at 0.
var (
	channels        = []string{ChannelFile, ChannelEmail, ChannelUpload, ChannelAPI}
	jobKinds        = []string{ParseArgs{}.Kind(), MatchArgs{}.Kind(), RouteArgs{}.Kind(), DeliverArgs{}.Kind(), AckArgs{}.Kind(), NotifyArgs{}.Kind(), RecoverArgs{}.Kind()}
	queuedJobStates = []string{"available", "scheduled", "retryable", "running", "pending"}
)

// combinations returns every tuple taking one value from each list.
func combinations(lists [][]string) [][]string {
	out := [][]string{{}}
	for _, l := range lists {
		var next [][]string
		for _, prefix := range out {
			for _, v := range l {
				next = append(next, append(slices.Clone(prefix), v))
			}
		}
		out = next
	}
	return out
}

// watch records latency of the jobs the client finishes.
func (m *Metrics) watch(client *river.Client[pgx.Tx]) {
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	go func() {
		defer cancel()
		for ev := range events {
			if ev.Job == nil || ev.JobStats == nil {
				continue
			}
			outcome := "completed"
			if ev.Kind != river.EventKindJobCompleted {
				outcome = "failed"
			}
			m.jobDuration.WithLabelValues(ev.Job.Kind, outcome).Observe(ev.JobStats.RunDuration.Seconds())
			m.jobWait.WithLabelValues(ev.Job.Kind).Observe(ev.JobStats.QueueWaitDuration.Seconds())
		}
	}()
}
