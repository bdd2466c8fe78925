package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp/erptest"
)

// TestKilledDuringDeliveryPostsOnce kills the real binary with SIGKILL
// while the ERP has taken an order but not yet answered. After the restart
// the delivery is rescued, looks the order up in the ERP, finds it, and
// does not post it again: the ERP holds exactly one order.
func TestKilledDuringDeliveryPostsOnce(t *testing.T) {
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	rcv.FailNext(erptest.HangAfterCommit)
	url := dbtest.NewURL(t)
	env := []string{"DATABASE_URL=" + url}
	work := t.TempDir()
	write := func(name, body string) string { return writeFile(t, work, name, body) }
	run1(t, env, "import", "--quiet", "customers", write("c.csv", "number,name,gln,auto_approve\n10001,Brasserie Demo SA,5412345000013,yes\n"))
	run1(t, env, "import", "--quiet", "items", write("i.csv", "sku,gtin,description\nCOF-1000,5400000000010,Espresso beans 1 kg\n"))
	run1(t, env, "import", "--quiet", "prices", write("p.csv", "sku,price\nCOF-1000,14.50\n"))
	run1(t, env, "import", "--quiet", "stock", write("s.csv", "sku,warehouse,quantity\nCOF-1000,MAIN,100\n"))
	drop := filepath.Join(work, "drop")
	if err := os.MkdirAll(drop, 0o750); err != nil {
		t.Fatal(err)
	}
	cfg := write("ordergate.yaml", fmt.Sprintf(`workers:
  job_timeout: 20s
  rescue_after: 21s
  retry_backoff: 100ms
sources:
  file_drop:
    - dir: %s
      rescan: 200ms
      stable_for: 1ms
erp:
  kind: webhook
  webhook:
    url: %s
    secret: s3cret
    lookup_url: %s
`, drop, rcv.URL, rcv.LookupURL))

	first := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	first.waitAddr(t)
	edi := "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+K1'UNH+1+ORDERS:D:96A:UN:EAN008'" +
		"BGM+220+PO-KILL+9'NAD+BY+5412345000013::9'LIN+1++5400000000010:EN'QTY+21:2:PCE'UNS+S'CNT+2:1'UNT+8+1'UNZ+1+K1'"
	if err := os.WriteFile(filepath.Join(drop, "po.edi"), []byte(edi), 0o640); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the ERP has taken the order", func() bool { return rcv.Count() == 1 })
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil { // the ERP has not answered yet
		t.Fatal(err)
	}
	<-first.done
	_ = first.cmd.Wait()

	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	state := func() (s string, attempts int) {
		if err := pool.QueryRow(context.Background(), `SELECT state, delivery_attempts FROM orders`).Scan(&s, &attempts); err != nil {
			t.Fatal(err)
		}
		return s, attempts
	}
	if s, _ := state(); s != "delivering" {
		t.Fatalf("after the kill the order is %s, want delivering", s)
	}
	// Rescue waits rescue_after (21s) from the job's start; shorten the wait
	// by marking the job as started earlier, as a crash long ago would.
	if _, err := pool.Exec(context.Background(), `UPDATE river_job SET attempted_at = now() - interval '1 hour' WHERE kind = 'deliver_order' AND state = 'running'`); err != nil {
		t.Fatal(err)
	}
	second := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	second.waitAddr(t)
	eventuallyWithin(t, 90*time.Second, "the order is delivered after the restart", func() bool { s, _ := state(); return s == "delivered" })
	if n := rcv.Count(); n != 1 {
		t.Fatalf("the ERP holds %d orders, want exactly 1", n)
	}
	if _, attempts := state(); attempts != 2 {
		t.Fatalf("delivery attempts = %d, want 2 (the killed one and the look-up)", attempts)
	}
}
