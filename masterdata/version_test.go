package masterdata_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/masterdata"
)

func TestVersionBumpsAndNotifies(t *testing.T) {
	t.Parallel()
	url := dbtest.NewURL(t)
	ctx := context.Background()
	pool := newPool(t, url)
	listener, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN "+masterdata.NotifyChannel); err != nil {
		t.Fatal(err)
	}
	_, before, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	res := importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\n")
	if res.Version <= before {
		t.Errorf("version after import %d, before %d", res.Version, before)
	}
	_, after, err := masterdata.Load(ctx, pool)
	if err != nil || after != res.Version {
		t.Errorf("Load version = %d, %v; import said %d", after, err, res.Version)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := listener.WaitForNotification(wctx)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	v, err := strconv.ParseInt(n.Payload, 10, 64)
	if n.Channel != masterdata.NotifyChannel || err != nil || v <= before || v > after {
		t.Errorf("notification %q on %q; versions %d..%d", n.Payload, n.Channel, before, after)
	}

	// A failed import changes nothing: no new version.
	_, err = masterdata.Import(ctx, pool, masterdata.Customers, strings.NewReader("number,name\nC2,\n"), masterdata.ImportOptions{})
	if err == nil {
		t.Fatal("import of a bad file succeeded")
	}
	_, again, _ := masterdata.Load(ctx, pool)
	if again != after {
		t.Errorf("version moved from %d to %d on a failed import", after, again)
	}
	// Any change, also by plain SQL, bumps the version.
	if _, err := pool.Exec(ctx, "UPDATE customers SET name = 'Uno'"); err != nil {
		t.Fatal(err)
	}
	_, last, _ := masterdata.Load(ctx, pool)
	if last <= again {
		t.Errorf("version %d after an UPDATE, was %d", last, again)
	}
}

func TestImportInsideCallersTransaction(t *testing.T) {
	ctx, pool := setup(t)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	importInTx := func(kind masterdata.Kind, file string) {
		if _, err := masterdata.Import(ctx, tx, kind, strings.NewReader(file), masterdata.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	importInTx(masterdata.Customers, "number,name\nC1,One\n")
	importInTx(masterdata.Items, "sku,description\nA1,Apple\n")
	importInTx(masterdata.Prices, "customer,sku,price\nC1,A1,1\n")
	d, _, err := masterdata.Load(ctx, tx)
	if err != nil || len(d.Prices) != 1 {
		t.Fatalf("load in tx: %+v, %v", d.Prices, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, ctx, pool, "customers"); n != 0 {
		t.Errorf("customers = %d after rollback", n)
	}
}
