package masterdata_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/masterdata"
	"github.com/ordergate/ordergate/order"
)

func setup(t *testing.T) (context.Context, *pgxpool.Pool) {
	t.Helper()
	t.Parallel()
	return context.Background(), dbtest.New(t)
}

func dec(s string) order.Decimal { return order.MustDecimal(s) }

func ptr[T any](v T) *T { return &v }

// table parses a compact CSV fixture: lines, cells separated by commas.
func table(s string) [][]string {
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Split(strings.TrimSpace(line), ","))
	}
	return out
}

func csvOf(rows [][]string, sep string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString(sep)
			}
			if strings.ContainsAny(c, sep+"\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// xlsxOf writes rows as the first sheet of a workbook, storing cells the
// way a spreadsheet program would: numbers as numbers (unless they have a
// leading zero or a comma), dates as dates, the rest as text.
func xlsxOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
			if i == 0 {
				continue
			}
			if v, err := strconv.ParseFloat(c, 64); err == nil && !strings.HasPrefix(c, "0") && len(c) < 15 {
				vals[j] = v
			} else if d, err := time.Parse(time.DateOnly, c); err == nil {
				vals[j] = d
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importCSV(t *testing.T, ctx context.Context, pool *pgxpool.Pool, kind masterdata.Kind, s string) masterdata.ImportResult {
	t.Helper()
	res, err := masterdata.Import(ctx, pool, kind, strings.NewReader(s), masterdata.ImportOptions{})
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return res
}

func countRows(t *testing.T, ctx context.Context, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// problems returns the problem lines of an *ImportError, failing otherwise.
func problems(t *testing.T, err error) []string {
	t.Helper()
	ie, ok := err.(*masterdata.ImportError)
	if !ok {
		t.Fatalf("error = %v (%T), want *ImportError", err, err)
	}
	var out []string
	for _, p := range ie.Problems {
		out = append(out, p.String())
	}
	return out
}

func date(s string) order.Date {
	d, err := order.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
