package intake

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/catalog"
)

// MasterDataChannel is the PostgreSQL NOTIFY channel on which a change of
// master data is announced (the payload is the new version).
const MasterDataChannel = "ordergate_masterdata"

// CatalogLoader builds a snapshot of the master data and says which version
// it is.
type CatalogLoader func(ctx context.Context) (*catalog.Snapshot, int64, error)

// LiveCatalog keeps the newest master-data snapshot for matching. A new
// snapshot is built in the background when master data changes (LISTEN on
// MasterDataChannel, plus a periodic version check in case a notification
// was missed) and swapped in atomically: matching never waits for a build
// and never sees a half-built catalog.
type LiveCatalog struct {
	pool    *pgxpool.Pool
	load    CatalogLoader
	version func(ctx context.Context) (int64, error)
	log     *slog.Logger
	every   time.Duration

	// MinInterval is the least time between the starts of two rebuilds:
	// changes arriving meanwhile (an ERP pushing stock item by item) are
	// taken together by the next one. A rebuild of a million items takes
	// seconds of a core; without a floor, a steady stream of small pushes
	// would keep a core rebuilding. Default DefaultMinRebuildInterval; set
	// it before Run.
	MinInterval time.Duration

	cur     atomic.Pointer[loaded]
	ready   chan struct{}
	readyMu sync.Once

	failures atomic.Int64 // refreshes that failed
	stale    atomic.Bool  // the last refresh failed
}

type loaded struct {
	snap    *catalog.Snapshot
	version int64
	at      time.Time
}

// DefaultMinRebuildInterval is LiveCatalog.MinInterval's default: stock
// and prices in matching are at most this much older than in PostgreSQL,
// plus the rebuild itself.
const DefaultMinRebuildInterval = 10 * time.Second

// NewLiveCatalog returns a catalog that loads with load; version (optional)
// reads the current master-data version cheaply for the periodic check.
func NewLiveCatalog(pool *pgxpool.Pool, load CatalogLoader, version func(ctx context.Context) (int64, error), log *slog.Logger) *LiveCatalog {
	return &LiveCatalog{pool: pool, load: load, version: version, log: log.With("component", "catalog"),
		every: time.Minute, ready: make(chan struct{}), MinInterval: DefaultMinRebuildInterval}
}

// Snapshot returns the current snapshot, or nil before the first load.
func (l *LiveCatalog) Snapshot() *catalog.Snapshot {
	if c := l.cur.Load(); c != nil {
		return c.snap
	}
	return nil
}

// Version returns the master-data version of the current snapshot (0 before the first load).
func (l *LiveCatalog) Version() int64 {
	if c := l.cur.Load(); c != nil {
		return c.version
	}
	return 0
}

// Ready is closed once the first snapshot is loaded.
func (l *LiveCatalog) Ready() <-chan struct{} { return l.ready }

// Refresh builds a new snapshot now and swaps it in.
func (l *LiveCatalog) Refresh(ctx context.Context) error {
	start := time.Now()
	snap, v, err := l.load(ctx)
	if err != nil {
		if ctx.Err() == nil {
			l.failures.Add(1)
			l.stale.Store(true)
		}
		return err
	}
	l.stale.Store(false)
	// Matching must not wait for the description index on the first
	// unknown line of the new snapshot.
	snap.PrepareSearch()
	l.cur.Store(&loaded{snap: snap, version: v, at: time.Now()})
	l.readyMu.Do(func() { close(l.ready) })
	l.log.Info("master data loaded", "version", v, "customers", snap.NumCustomers(), "items", snap.NumItems(), "took", time.Since(start))
	return nil
}

// Run loads the first snapshot and then follows changes until ctx ends.
// It listens before it loads, so no change between the two is missed.
func (l *LiveCatalog) Run(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	listening := make(chan struct{})
	go l.listen(ctx, changed, listening)
	select {
	case <-listening:
	case <-ctx.Done():
		return nil
	case <-time.After(5 * time.Second): // the database is not there yet; the load says so
	}
	for {
		err := l.Refresh(ctx)
		if err == nil {
			break
		}
		l.log.Error("cannot load master data; orders wait until it loads", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
	ticker := time.NewTicker(l.every)
	defer ticker.Stop()
	lastStart := time.Now()
	for {
		tick := false
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-ticker.C:
			tick = true
		}
		// A notification may announce what the snapshot already has (one
		// sent before the first load, or after a reconnect), and the tick
		// only checks: the version says whether to rebuild. A failed build
		// is tried again.
		if !l.stale.Load() {
			if l.version != nil {
				if v, err := l.version(ctx); err == nil && v == l.Version() {
					continue
				}
			} else if tick {
				continue
			}
		}
		// Changes that arrive while waiting are taken by this rebuild.
		if wait := time.Until(lastStart.Add(l.MinInterval)); wait > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			select {
			case <-changed:
			default:
			}
		}
		lastStart = time.Now()
		if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("cannot rebuild master data; keeping the previous snapshot", "err", err)
		}
	}
}

// listen signals changed for each notification, coalescing bursts (an
// import of many rows notifies once per statement), and once after every
// (re)connection, since changes may have come while it was not listening.
// listening is closed once the first LISTEN is in place.
func (l *LiveCatalog) listen(ctx context.Context, changed chan<- struct{}, listening chan<- struct{}) {
	signal := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	first := true
	for ctx.Err() == nil {
		conn, err := l.pool.Acquire(ctx)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		_, err = conn.Exec(ctx, "LISTEN "+MasterDataChannel)
		if err == nil {
			if first {
				close(listening)
				first = false
			}
			signal()
		}
		for err == nil {
			_, err = conn.Conn().WaitForNotification(ctx)
			if err == nil {
				signal()
			}
		}
		conn.Hijack().Close(context.Background()) // a connection in LISTEN state is not returned to the pool
		if ctx.Err() == nil {
			l.log.Warn("master data notifications interrupted; reconnecting", "err", err)
			time.Sleep(time.Second)
		}
	}
}

var (
	catalogVersionDesc = prometheus.NewDesc("ordergate_catalog_version",
		"Master-data version of the snapshot matching uses (0 before the first load).", nil, nil)
	catalogLoadedDesc = prometheus.NewDesc("ordergate_catalog_loaded_timestamp_seconds",
		"When the snapshot matching uses was built, in Unix time.", nil, nil)
	catalogFailuresDesc = prometheus.NewDesc("ordergate_catalog_refresh_failures_total",
		"Snapshot builds that failed (matching keeps the previous snapshot; the log says why).", nil, nil)
	catalogStaleDesc = prometheus.NewDesc("ordergate_catalog_stale",
		"1 while the newest master data could not be built into a snapshot, else 0. Alert on it: orders are matched against older master data.", nil, nil)
)

// Describe implements prometheus.Collector.
func (l *LiveCatalog) Describe(ch chan<- *prometheus.Desc) {
	ch <- catalogVersionDesc
	ch <- catalogLoadedDesc
	ch <- catalogFailuresDesc
	ch <- catalogStaleDesc
}

// Collect implements prometheus.Collector: which snapshot matching uses and
// whether the newest master data could be built.
func (l *LiveCatalog) Collect(ch chan<- prometheus.Metric) {
	var version, loaded float64
	if c := l.cur.Load(); c != nil {
		version, loaded = float64(c.version), float64(c.at.UnixNano())/1e9
	}
	stale := 0.0
	if l.stale.Load() {
		stale = 1
	}
	ch <- prometheus.MustNewConstMetric(catalogVersionDesc, prometheus.GaugeValue, version)
	ch <- prometheus.MustNewConstMetric(catalogLoadedDesc, prometheus.GaugeValue, loaded)
	ch <- prometheus.MustNewConstMetric(catalogFailuresDesc, prometheus.CounterValue, float64(l.failures.Load()))
	ch <- prometheus.MustNewConstMetric(catalogStaleDesc, prometheus.GaugeValue, stale)
}
