package catalog_test

import (
	"runtime"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
)

// benchSize is the catalog of the performance target: a million items,
// 200k cross-references and 100k customer prices.
var benchSize = catalogtest.Size{Items: 1_000_000, Customers: 10_000, CrossRefs: 200_000, CustomerPrices: 100_000, Seed: 1}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkBuild measures building the target catalog and the heap: the
// input Data as loaded (data-MiB) and what the snapshot retains once the
// input is dropped (snapshot-MiB: kept records plus indexes).
//
//	go test ./catalog/ -run '^$' -bench Build -benchtime 2x
func BenchmarkBuild(b *testing.B) {
	var snap *catalog.Snapshot
	var input, total uint64
	for b.Loop() {
		b.StopTimer()
		snap = nil
		base := heapInUse()
		d := catalogtest.Generate(benchSize)
		input = heapInUse() - base
		b.StartTimer()
		var err error
		snap, err = catalog.Build(d)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		d = catalog.Data{}
		total = heapInUse() - base
		b.StartTimer()
	}
	b.ReportMetric(float64(input)/(1<<20), "data-MiB")
	b.ReportMetric(float64(total)/(1<<20), "snapshot-MiB")
	b.ReportMetric(float64(total)/float64(benchSize.Items), "snapshot-B/item")
	runtime.KeepAlive(snap)
}
