package masterdata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/masterdata"
)

// TestConcurrentImportsDoNotDeadlock runs, round after round on the real
// PostgreSQL, an items import with pack sizes (which writes items, then
// item_units) against a units import (item_units) and a learned
// cross-reference (crossrefs): every one of them bumps the master-data
// version from its tables' triggers. Before writers took the version row
// first, the items and units imports deadlocked in about one round of four
// ("deadlock detected").
func TestConcurrentImportsDoNotDeadlock(t *testing.T) {
	ctx, pool := setup(t)
	const items = 3000
	var base strings.Builder
	base.WriteString("sku,description\n")
	for i := range items {
		fmt.Fprintf(&base, "S%05d,item %d\n", i, i)
	}
	importCSV(t, ctx, pool, masterdata.Items, base.String())
	importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\n")

	for round := 1; round <= 8; round++ {
		// Each round changes every row, so every statement writes.
		var withPacks, units strings.Builder
		withPacks.WriteString("sku,description,pack_size,pack_unit\n")
		units.WriteString("sku,unit,factor\n")
		for i := range items {
			fmt.Fprintf(&withPacks, "S%05d,item %d round %d,%d,CT\n", i, i, round, 6+round)
			fmt.Fprintf(&units, "S%05d,PF,%d\n", i, 100+round)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			_, err := masterdata.Import(ctx, pool, masterdata.Items, strings.NewReader(withPacks.String()), masterdata.ImportOptions{})
			errs <- err
		})
		wg.Go(func() {
			<-start
			_, err := masterdata.Import(ctx, pool, masterdata.Units, strings.NewReader(units.String()), masterdata.ImportOptions{})
			errs <- err
		})
		wg.Go(func() {
			<-start
			_, err := masterdata.Learn(ctx, pool, masterdata.LearnedCrossRef{Customer: "C1", CustomerItem: fmt.Sprintf("X-%d", round), SKU: "S00001"})
			errs <- err
		})
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	var packs, pfs int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE unit = 'CT' AND factor = 14), count(*) FILTER (WHERE unit = 'PF' AND factor = 108) FROM item_units`).Scan(&packs, &pfs); err != nil {
		t.Fatal(err)
	}
	if packs != items || pfs != items {
		t.Fatalf("after the last round: %d CT and %d PF units, want %d each", packs, pfs, items)
	}
}

// stockPush writes a JSON push of stock records about size bytes long.
func stockPush(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 100)
	b.WriteString("[")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"sku": "S%07d", "warehouse": "MAIN", "quantity": "%d.5"}`, i%5, i%1000)
	}
	b.WriteString("]")
	return b.Bytes()
}

// peakHeap samples the heap while fn runs and returns the most seen beyond
// what was live before. The collector runs at GOGC=10 meanwhile, so that
// the heap stays close to what fn holds live rather than to what it has
// left for the collector.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if peak < before {
		return 0
	}
	return peak - before
}

// TestLargestPushIsReadInBoundedMemory pushes 64 MiB of stock records (the
// most PUT /api/v1/masterdata/{kind} takes). Decoded whole into maps, such
// a push held 442 MiB of heap; read record by record it holds about its own
// bytes. Nothing is written (the SKUs do not exist, so the push is refused
// with problems) but every record is converted and staged.
func TestLargestPushIsReadInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 64 MiB")
	}
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Items, "sku,description\nS0000000,a\nS0000001,b\nS0000002,c\nS0000003,d\n")
	body := stockPush(64 << 20)
	var res masterdata.ImportResult
	var err error
	grew := peakHeap(func() {
		res, err = masterdata.UpsertJSON(ctx, pool, masterdata.Stock, body, masterdata.ImportOptions{})
	})
	if problems(t, err)[0] != `record 5, column sku: there is no item "S0000004"` {
		t.Fatalf("push: %+v %v", res, err)
	}
	t.Logf("a %d MiB push grew the heap by %d MiB at most", len(body)>>20, grew>>20)
	if testing.Verbose() {
		// What decoding the whole array into maps first (as before) holds.
		old := peakHeap(func() {
			var records []map[string]any
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if err := dec.Decode(&records); err != nil {
				t.Fatal(err)
			}
			_, err = masterdata.Upsert(ctx, pool, masterdata.Stock, records, masterdata.ImportOptions{})
		})
		t.Logf("decoded into maps first, the same push grew the heap by %d MiB", old>>20)
	}
	if grew > 32<<20 {
		t.Fatalf("a %d MiB push grew the heap by %d MiB; reading it record by record needs far less", len(body)>>20, grew>>20)
	}
}

// BenchmarkUpsertJSONLargest measures a 64 MiB stock push (about 1.1M
// records) that is written: time and the most heap it grew by.
func BenchmarkUpsertJSONLargest(b *testing.B) {
	ctx := context.Background()
	pool := dbtest.New(b)
	var items strings.Builder
	items.WriteString("sku,description\n")
	for i := range 5 {
		fmt.Fprintf(&items, "S%07d,item\n", i)
	}
	if _, err := masterdata.Import(ctx, pool, masterdata.Items, strings.NewReader(items.String()), masterdata.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	// Distinct keys: one stock row per record.
	var body bytes.Buffer
	body.WriteString("[")
	for i := 0; body.Len() < 64<<20; i++ {
		if i > 0 {
			body.WriteString(",\n")
		}
		fmt.Fprintf(&body, `{"sku": "S%07d", "warehouse": "W%07d", "quantity": "%d.5"}`, i%5, i, i%1000)
	}
	body.WriteString("]")
	b.SetBytes(int64(body.Len()))
	for b.Loop() {
		var err error
		grew := peakHeap(func() {
			_, err = masterdata.UpsertJSON(ctx, pool, masterdata.Stock, body.Bytes(), masterdata.ImportOptions{})
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(grew>>20), "peak-heap-MiB")
	}
}
