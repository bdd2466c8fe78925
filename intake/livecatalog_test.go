package intake_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/masterdata"
)

// TestLiveCatalogFollowsMasterDataChanges: an import announces itself with
// NOTIFY; the running catalog builds a new snapshot and swaps it in, while
// the old one keeps serving until then.
func TestLiveCatalogFollowsMasterDataChanges(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	live := intake.NewLiveCatalog(pool,
		func(ctx context.Context) (*catalog.Snapshot, int64, error) {
			return masterdata.Snapshot(ctx, pool, "EUR")
		},
		func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, pool) },
		slog.New(slog.DiscardHandler))
	live.MinInterval = 50 * time.Millisecond
	if live.Snapshot() != nil {
		t.Fatal("a snapshot before the first load")
	}
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()
	select {
	case <-live.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the first snapshot never loaded")
	}
	first, v0 := live.Snapshot(), live.Version()
	if _, ok := first.CustomerByNumber("10001"); ok {
		t.Fatal("customer present before the import")
	}
	if _, err := masterdata.Import(ctx, pool, masterdata.Customers,
		strings.NewReader("number,name\n10001,Brasserie Demo SA\n"), masterdata.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for live.Version() == v0 {
		if time.Now().After(deadline) {
			t.Fatal("the catalog did not follow the import")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, ok := live.Snapshot().CustomerByNumber("10001"); !ok {
		t.Fatal("the new snapshot lacks the imported customer")
	}
	if _, ok := first.CustomerByNumber("10001"); ok {
		t.Fatal("the old snapshot changed under its readers")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestLiveCatalogReportsAFailedBuild: master data that cannot be built keeps
// the previous snapshot in use, and the metrics say so until a build works.
func TestLiveCatalogReportsAFailedBuild(t *testing.T) {
	t.Parallel()
	var fail bool
	version := int64(0)
	live := intake.NewLiveCatalog(nil, func(context.Context) (*catalog.Snapshot, int64, error) {
		if fail {
			return nil, 0, errors.New("masterdata: master data version 8 cannot be used for matching")
		}
		version++
		s, err := catalog.Build(catalog.Data{Currency: "EUR"})
		return s, version, err
	}, nil, slog.New(slog.DiscardHandler))
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(live)
	check := func(stage string, v, failures, stale int) {
		t.Helper()
		want := fmt.Sprintf(`
			# HELP ordergate_catalog_refresh_failures_total Snapshot builds that failed (matching keeps the previous snapshot; the log says why).
			# TYPE ordergate_catalog_refresh_failures_total counter
			ordergate_catalog_refresh_failures_total %d
			# HELP ordergate_catalog_stale 1 while the newest master data could not be built into a snapshot, else 0. Alert on it: orders are matched against older master data.
			# TYPE ordergate_catalog_stale gauge
			ordergate_catalog_stale %d
			# HELP ordergate_catalog_version Master-data version of the snapshot matching uses (0 before the first load).
			# TYPE ordergate_catalog_version gauge
			ordergate_catalog_version %d
		`, failures, stale, v)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
			"ordergate_catalog_version", "ordergate_catalog_refresh_failures_total", "ordergate_catalog_stale"); err != nil {
			t.Errorf("%s: %v", stage, err)
		}
	}
	check("before the first load", 0, 0, 0)
	if err := live.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("loaded", 1, 0, 0)
	fail = true
	if err := live.Refresh(t.Context()); err == nil {
		t.Fatal("a failed build refreshed")
	}
	if live.Version() != 1 || live.Snapshot() == nil {
		t.Fatal("a failed build dropped the snapshot in use")
	}
	check("build failed", 1, 1, 1)
	fail = false
	if err := live.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	check("built again", 2, 1, 0)
}

// TestLiveCatalogTakesABurstOfChangesInOneRebuild: an ERP pushing master
// data record by record causes one rebuild per MinInterval, not one each.
func TestLiveCatalogTakesABurstOfChangesInOneRebuild(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pool := dbtest.New(t)
	var loads atomic.Int32
	live := intake.NewLiveCatalog(pool,
		func(ctx context.Context) (*catalog.Snapshot, int64, error) {
			loads.Add(1)
			return masterdata.Snapshot(ctx, pool, "EUR")
		},
		func(ctx context.Context) (int64, error) { return masterdata.Version(ctx, pool) },
		slog.New(slog.DiscardHandler))
	live.MinInterval = 2 * time.Second
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()
	<-live.Ready()
	start := time.Now()
	for i := range 5 {
		if _, err := masterdata.Import(ctx, pool, masterdata.Customers,
			strings.NewReader(fmt.Sprintf("number,name\n1000%d,Customer %d\n", i, i)), masterdata.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if time.Since(start) > time.Second {
		t.Skip("the imports took over a second; the burst is not one")
	}
	deadline := time.Now().Add(30 * time.Second)
	for live.Snapshot().NumCustomers() < 5 {
		if time.Now().After(deadline) {
			t.Fatal("the catalog did not follow the imports")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // a second rebuild would come within MinInterval
	if n := loads.Load(); n != 2 {
		t.Fatalf("%d loads for the first and five changes in a burst, want 2", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
