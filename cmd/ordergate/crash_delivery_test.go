package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp/erptest"
)

// deliveryGateway prepares a gateway with one customer and item, a drop
// folder and the webhook ERP rcv; extra is more YAML for the workers
// section. It returns the environment, the config file and the drop folder.
func deliveryGateway(t *testing.T, rcv *erptest.WebhookReceiver, workers string) (work string, env []string, cfg, drop string) {
	t.Helper()
	env = []string{"DATABASE_URL=" + dbtest.NewURL(t)}
	work = t.TempDir()
	write := func(name, body string) string { return writeFile(t, work, name, body) }
	run1(t, env, "import", "--quiet", "customers", write("c.csv", "number,name,gln,auto_approve\n10001,Brasserie Demo SA,5412345000013,yes\n"))
	run1(t, env, "import", "--quiet", "items", write("i.csv", "sku,gtin,description\nCOF-1000,5400000000010,Espresso beans 1 kg\n"))
	run1(t, env, "import", "--quiet", "prices", write("p.csv", "sku,price\nCOF-1000,14.50\n"))
	run1(t, env, "import", "--quiet", "stock", write("s.csv", "sku,warehouse,quantity\nCOF-1000,MAIN,100\n"))
	drop = filepath.Join(work, "drop")
	if err := os.MkdirAll(drop, 0o750); err != nil {
		t.Fatal(err)
	}
	cfg = write("ordergate.yaml", fmt.Sprintf(`workers:
%s
sources:
  file_drop:
    - dir: %s
      rescan: 200ms
      stable_for: 1ms
erp:
  kind: webhook
  timeout: 5s
  webhook:
    url: %s
    secret: s3cret
    lookup_url: %s
`, workers, drop, rcv.URL, rcv.LookupURL))
	return work, env, cfg, drop
}

// dropOrder writes an EDIFACT order of the customer into the drop folder.
func dropOrder(t *testing.T, drop, po string) {
	t.Helper()
	edi := "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+K1'UNH+1+ORDERS:D:96A:UN:EAN008'" +
		"BGM+220+" + po + "+9'NAD+BY+5412345000013::9'LIN+1++5400000000010:EN'QTY+21:2:PCE'UNS+S'CNT+2:1'UNT+8+1'UNZ+1+K1'"
	if err := os.WriteFile(filepath.Join(drop, po+".edi"), []byte(edi), 0o640); err != nil {
		t.Fatal(err)
	}
}

// orderState reads the state and delivery attempts of the one order.
func orderState(t *testing.T, env []string) (state string, attempts int) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), strings.TrimPrefix(env[0], "DATABASE_URL="))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pool.QueryRow(context.Background(), `SELECT state, delivery_attempts FROM orders`).Scan(&state, &attempts); err != nil {
		t.Fatal(err)
	}
	return state, attempts
}

// TestKilledDuringDeliveryPostsOnce kills the real binary with SIGKILL
// while the ERP has taken an order but not yet answered. After the restart
// the cut-off delivery is taken up again within seconds (its customer's
// delivery lock went with the killed process; River's own rescue would take
// rescue_after, ten minutes here), looks the order up in the ERP, finds
// it, and does not post it again: the ERP holds exactly one order.
func TestKilledDuringDeliveryPostsOnce(t *testing.T) {
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	rcv.FailNext(erptest.HangAfterCommit)
	work, env, cfg, drop := deliveryGateway(t, rcv, "  job_timeout: 20s\n  rescue_after: 10m\n  retry_backoff: 100ms")

	first := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	first.waitAddr(t)
	dropOrder(t, drop, "PO-KILL")
	eventually(t, "the ERP has taken the order", func() bool { return rcv.Count() == 1 })
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil { // the ERP has not answered yet
		t.Fatal(err)
	}
	<-first.done
	_ = first.cmd.Wait()
	if s, _ := orderState(t, env); s != "delivering" {
		t.Fatalf("after the kill the order is %s, want delivering", s)
	}

	second := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	second.waitAddr(t)
	eventuallyWithin(t, 60*time.Second, "the order is delivered after the restart", func() bool { s, _ := orderState(t, env); return s == "delivered" })
	if n := rcv.Count(); n != 1 {
		t.Fatalf("the ERP holds %d orders, want exactly 1", n)
	}
	if _, attempts := orderState(t, env); attempts != 2 {
		t.Fatalf("delivery attempts = %d, want 2 (the killed one and the look-up)", attempts)
	}
	if !strings.Contains(second.logs.String(), "taken up again") {
		t.Fatalf("the restart did not say it took the cut-off delivery up again:\n%s", second.logs.String())
	}
}

// TestShutdownLetsTheDeliveryFinish sends SIGTERM while the ERP is slowly
// answering a post: the process waits for the answer (within
// http.shutdown_timeout), records the order as delivered and exits cleanly.
func TestShutdownLetsTheDeliveryFinish(t *testing.T) {
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	rcv.FailNext(erptest.SlowAnswer)
	work, env, cfg, drop := deliveryGateway(t, rcv, "  retry_backoff: 100ms")
	p := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
	p.waitAddr(t)
	dropOrder(t, drop, "PO-SLOW")
	eventually(t, "the ERP has taken the order", func() bool { return rcv.Count() == 1 })
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil { // the ERP has not answered yet
		t.Fatal(err)
	}
	<-p.done
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("the process did not exit cleanly: %v\n%s", err, p.logs.String())
	}
	if s, attempts := orderState(t, env); s != "delivered" || attempts != 1 {
		t.Fatalf("after the shutdown the order is %s after %d attempts, want delivered after 1\n%s", s, attempts, p.logs.String())
	}
	if n := rcv.Count(); n != 1 {
		t.Fatalf("the ERP holds %d orders, want exactly 1", n)
	}
}
