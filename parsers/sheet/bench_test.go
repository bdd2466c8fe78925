package sheet_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// peakMemory samples the heap in use every few milliseconds while f runs
// and returns the largest seen, with the process's peak resident set
// (VmHWM) after it.
func peakMemory(f func()) (heapMiB, rssMiB float64) {
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return float64(peak) / (1 << 20), vmHWM()
}

// vmHWM is the process's peak resident set in MiB (Linux), 0 elsewhere.
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkReadXLSX100k parses a 100,000-line order workbook (the default
// limits.max_sheet_rows) into one order: rows per second, and the peak
// heap while it runs (the workbook's bytes, excelize's unpacked worksheet
// or its temporary file, the rows held for the per-column decisions, the
// order).
//
//	go test ./parsers/sheet/ -run '^$' -bench ReadXLSX100k -benchtime 3x
func BenchmarkReadXLSX100k(b *testing.B) {
	var buf bytes.Buffer
	if err := writeXLSX(&buf, 100_000-2); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	p := sheet.NewXLSX(sheet.Options{})
	var heap, rss float64
	for b.Loop() {
		heap, rss = peakMemory(func() {
			res, err := p.Parse(context.Background(), parsers.Document{Name: "big.xlsx", Data: data})
			if err != nil || len(res.Orders) != 1 || len(res.Orders[0].Lines) != 100_000-2 {
				b.Fatalf("%v %+v", err, res.Errors)
			}
		})
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(heap, "peak-heap-MiB")
	b.ReportMetric(rss, "peak-rss-MiB")
	b.ReportMetric(float64(len(data))/(1<<20), "file-MiB")
}

// BenchmarkReadCSV100k is the same order as CSV.
//
//	go test ./parsers/sheet/ -run '^$' -bench ReadCSV100k -benchtime 3x
func BenchmarkReadCSV100k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("Ordernr;BIG-1\nArt.nr;Benämning;Antal;Pris\n")
	for i := range 100_000 - 2 {
		buf.WriteString("SK-" + strconv.Itoa(i%1000) + ";hex bolt M8 zinc;" + strconv.Itoa(1+i%50) + ";" + strconv.Itoa(i%90) + ",25\n")
	}
	data := buf.Bytes()
	p := sheet.NewCSV(sheet.Options{})
	var heap, rss float64
	for b.Loop() {
		heap, rss = peakMemory(func() {
			res, err := p.Parse(context.Background(), parsers.Document{Name: "big.csv", Data: data})
			if err != nil || len(res.Orders) != 1 {
				b.Fatalf("%v %+v", err, res.Errors)
			}
		})
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(heap, "peak-heap-MiB")
	b.ReportMetric(rss, "peak-rss-MiB")
}
