package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
)

// TestImportRetriesADeadlock makes `ordergate import` the victim of a real
// deadlock (another session holds item_units, then waits for the
// master-data version row that the import holds while it waits for
// item_units): the import was rolled back, says so, tries again and loads
// the file.
func TestImportRetriesADeadlock(t *testing.T) {
	url := dbtest.NewURL(t)
	ctx := context.Background()
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"migrate"}, nil, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr.String())
	}
	items := writeFile(t, dir, "items.csv", "sku,description\nA-1,Bolts\n")
	if code := run([]string{"import", "--quiet", "items", items}, nil, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("import: %d %s", code, stderr.String())
	}

	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// The import's backend must be the one that finds the deadlock.
	if _, err := tx.Exec(ctx, `SET LOCAL deadlock_timeout = '30s'`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE item_units IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	packs := writeFile(t, dir, "packs.csv", "sku,description,pack_size\nA-1,Bolts,12\n")
	done := make(chan int, 1)
	var out, errOut bytes.Buffer
	go func() { done <- run([]string{"import", "--quiet", "items", packs}, nil, &out, &errOut, getenv) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			WHERE NOT l.granted AND c.relname = 'item_units')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import never waited for item_units")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := tx.Exec(ctx, `UPDATE masterdata_version SET changed_at = now()`); err != nil {
		t.Fatalf("the other session lost the deadlock: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("import after a deadlock: exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "deadlock detected") || !strings.Contains(errOut.String(), "nothing was changed, trying again in 1s") {
		t.Errorf("stderr does not tell of the retry:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "imported 1 row into items") {
		t.Errorf("stdout: %q", out.String())
	}
	var factor string
	if err := pool.QueryRow(ctx, `SELECT factor::text FROM item_units WHERE sku = 'A-1' AND unit = 'CT'`).Scan(&factor); err != nil || factor != "12.000000" {
		t.Errorf("pack size after the retried import: %q %v", factor, err)
	}
}
