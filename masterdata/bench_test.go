package masterdata_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/masterdata"
)

// Benchmarks of a large items import against a plain COPY of the same
// file. Rows: MASTERDATA_BENCH_ROWS, else 100,000 with -short, else
// 1,000,000. Run with -benchtime=1x on small machines:
//
//	go test ./masterdata -run '^$' -bench 'Items' -benchtime 1x

// itemsCSV writes the benchmark file into the benchmark's temporary
// directory and returns its path and data rows.
func itemsCSV(b *testing.B) (string, int) {
	rows := 1_000_000
	if testing.Short() {
		rows = 100_000
	}
	if s := os.Getenv("MASTERDATA_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	path := filepath.Join(b.TempDir(), "items.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "sku,gtin,description,unit,status,min_qty")
	statuses := []string{"active", "active", "active", "blocked", "discontinued"}
	for i := 0; i < rows; i++ {
		digits := fmt.Sprintf("40%010d", i)
		c, _ := catalog.GTINCheckDigit(digits)
		fmt.Fprintf(w, "SKU-%07d,%s%c,\"Hex bolt M%d x %d, zinc plated\",PCE,%s,%d\n",
			i, digits, c, 4+i%20, 10+i%90, statuses[i%len(statuses)], i%3)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return path, rows
}

func reportRows(b *testing.B, rows int, elapsed time.Duration) {
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
}

func BenchmarkImportItems(b *testing.B) {
	path, rows := itemsCSV(b)
	pool := dbtest.New(b)
	ctx := context.Background()
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := pool.Exec(ctx, "TRUNCATE items CASCADE"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{})
		total += time.Since(start)
		if err != nil || res.Rows != int64(rows) {
			b.Fatalf("import: %+v, %v", res, err)
		}
	}
	reportRows(b, rows, total)
}

// BenchmarkCopyItems is the baseline: COPY of the same file into a table
// of the file's shape with a primary key on sku.
func BenchmarkCopyItems(b *testing.B) {
	path, rows := itemsCSV(b)
	pool := dbtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE bench_items (sku text PRIMARY KEY, gtin text, description text,
		unit text, status text, min_qty numeric(18,6))`); err != nil {
		b.Fatal(err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := conn.Exec(ctx, "TRUNCATE bench_items"); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		tag, err := conn.Conn().PgConn().CopyFrom(ctx, f, "COPY bench_items FROM STDIN (FORMAT csv, HEADER true)")
		total += time.Since(start)
		f.Close()
		if err != nil || tag.RowsAffected() != int64(rows) {
			b.Fatalf("copy: %v, %v", tag, err)
		}
	}
	reportRows(b, rows, total)
}

// BenchmarkLoadItems loads a catalog of the benchmark's items.
func BenchmarkLoadItems(b *testing.B) {
	path, rows := itemsCSV(b)
	pool := dbtest.New(b)
	ctx := context.Background()
	if _, err := masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		d, _, err := masterdata.Load(ctx, pool)
		if err != nil || len(d.Items) != rows {
			b.Fatalf("load: %d items, %v", len(d.Items), err)
		}
	}
	reportRows(b, rows, time.Since(start))
}

// BenchmarkReimportItems imports the file into a table that already holds
// every row: the INSERT ... ON CONFLICT DO UPDATE path.
func BenchmarkReimportItems(b *testing.B) {
	path, rows := itemsCSV(b)
	pool := dbtest.New(b)
	ctx := context.Background()
	if _, err := masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, rows, time.Since(start))
}
