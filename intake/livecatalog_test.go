package intake_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

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
