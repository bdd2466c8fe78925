package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp/erptest"
)

// The proof tests (crash, ERP outage, scale-out) run the real binary
// against a real PostgreSQL and the webhook ERP fake, which counts every
// post (it never deduplicates). Their short versions run in `go test`;
// ORDERGATE_LONG_TESTS=1 runs them at full size (README, "Proof tests").

func longTests() bool { return os.Getenv("ORDERGATE_LONG_TESTS") != "" }

// fleet is a database with master data, a drop folder and the
// configuration that gateways on it share.
type fleet struct {
	t         *testing.T
	work      string
	env       []string
	cfg, drop string
	pool      *pgxpool.Pool
	customers int
	procs     []*proc
}

// newFleet imports customers customers (auto-approved, one GLN each), an
// item with ample stock and one nobody knows is missing, and writes a
// configuration with the drop folder and the webhook ERP at erpURL.
func newFleet(t *testing.T, customers int, erpURL, lookupURL, workersYAML string) *fleet {
	t.Helper()
	url := dbtest.NewURL(t)
	f := &fleet{t: t, work: t.TempDir(), env: []string{"DATABASE_URL=" + url}, customers: customers}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	f.pool = pool
	var c strings.Builder
	c.WriteString("number,name,gln,auto_approve\n")
	for i := range customers {
		fmt.Fprintf(&c, "C%03d,Customer %d,%s,yes\n", i, i, catalogtest.GLN(i))
	}
	write := func(name, body string) string { return writeFile(t, f.work, name, body) }
	run1(t, f.env, "import", "--quiet", "customers", write("c.csv", c.String()))
	run1(t, f.env, "import", "--quiet", "items", write("i.csv", "sku,gtin,description\nSK-1,"+catalogtest.GTIN(1)+",Espresso beans 1 kg\n"))
	run1(t, f.env, "import", "--quiet", "prices", write("p.csv", "sku,price\nSK-1,14.50\n"))
	run1(t, f.env, "import", "--quiet", "stock", write("s.csv", "sku,warehouse,quantity\nSK-1,MAIN,1000000000\n"))
	f.drop = filepath.Join(f.work, "drop")
	if err := os.MkdirAll(f.drop, 0o750); err != nil {
		t.Fatal(err)
	}
	f.cfg = write("ordergate.yaml", fmt.Sprintf(`workers:
%s
sources:
  file_drop:
    - dir: %s
      rescan: 200ms
      stable_for: 1ms
erp:
  kind: webhook
  timeout: 1s
  connect_timeout: 1s
  webhook:
    url: %s
    secret: s3cret
    lookup_url: %s
`, workersYAML, f.drop, erpURL, lookupURL))
	return f
}

// proofWorkers are the job settings of the proof tests: short enough that
// work cut off by a kill is taken up within seconds.
const proofWorkers = "  job_timeout: 2s\n  rescue_after: 3s\n  retry_backoff: 200ms"

// dropDocs writes n one-order EDIFACT files, order i for customer i mod
// customers; an order whose number is in review names an unknown item.
func (f *fleet) dropDocs(from, n int, review func(i int) bool) {
	f.t.Helper()
	for i := from; i < from+n; i++ {
		gtin := catalogtest.GTIN(1)
		if review != nil && review(i) {
			gtin = catalogtest.GTIN(999)
		}
		gln := catalogtest.GLN(i % f.customers)
		edi := fmt.Sprintf("UNA:+.? 'UNB+UNOC:3+%s:14+5400000000003:14+261125:0930+P%06d'UNH+1+ORDERS:D:96A:UN:EAN008'"+
			"BGM+220+PO-%06d+9'NAD+BY+%s::9'LIN+1++%s:EN'QTY+21:2:PCE'UNS+S'CNT+2:1'UNT+8+1'UNZ+1+P%06d'",
			gln, i, i, gln, gtin, i)
		name := fmt.Sprintf("PO-%06d.edi", i)
		tmp := filepath.Join(f.drop, "."+name)
		if err := os.WriteFile(tmp, []byte(edi), 0o640); err != nil {
			f.t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(f.drop, name)); err != nil {
			f.t.Fatal(err)
		}
	}
}

// start runs one more gateway on the fleet's database.
func (f *fleet) start(extraEnv ...string) *proc {
	f.t.Helper()
	p := start(f.t, f.work, append(append([]string{}, f.env...), extraEnv...), "serve", "--config", f.cfg, "--addr", "127.0.0.1:0")
	p.waitAddr(f.t)
	f.procs = append(f.procs, p)
	return p
}

// kill ends a gateway with SIGKILL, as a crash or the OOM killer would.
func kill(t *testing.T, p *proc) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	_ = p.cmd.Wait()
}

func (f *fleet) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// waitSettled waits until every one of n documents is read and every order
// is delivered or waits for the desk, nothing on its way.
func (f *fleet) waitSettled(n int, limit time.Duration) {
	f.t.Helper()
	eventuallyWithin(f.t, limit, fmt.Sprintf("%d documents settle", n), func() bool {
		var docs, settled, moving int
		err := f.pool.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM documents WHERE state = 'parsed'),
			count(*) FILTER (WHERE state IN ('delivered', 'review')),
			count(*) FILTER (WHERE state NOT IN ('delivered', 'review'))
			FROM orders`).Scan(&docs, &settled, &moving)
		return err == nil && docs == n && settled == n && moving == 0
	})
}

// checkExactlyOnce checks what the proof tests promise: each of the n
// files is one document and one order, each order that is not waiting
// for the desk is in the ERP exactly once, a customer's orders reached the
// ERP in the order they were approved, and nothing is left over (no file
// in processing/, no pipeline job waiting or running).
func (f *fleet) checkExactlyOnce(n int, rcv *erptest.WebhookReceiver) {
	t := f.t
	t.Helper()
	if got := f.count(`SELECT count(*) FROM documents`); got != n {
		t.Errorf("documents = %d, want %d (one per file)", got, n)
	}
	if got := f.count(`SELECT count(*) FROM (SELECT document_id FROM orders GROUP BY document_id HAVING count(*) <> 1) x`); got != 0 {
		t.Errorf("%d documents are not exactly one order", got)
	}
	if got := f.count(`SELECT count(DISTINCT document_id) FROM orders`); got != n {
		t.Errorf("documents with an order = %d, want %d", got, n)
	}
	delivered := f.count(`SELECT count(*) FROM orders WHERE state = 'delivered'`)
	posts := map[string]int{}
	var order []string
	for _, d := range rcv.Deliveries() {
		posts[d.Payload.Order.PONumber]++
		order = append(order, d.Payload.Order.PONumber)
	}
	for po, k := range posts {
		if k != 1 {
			t.Errorf("the ERP received %s %d times", po, k)
		}
	}
	if len(posts) != delivered {
		t.Errorf("the ERP holds %d orders, %d are delivered", len(posts), delivered)
	}
	// Per customer, the ERP's arrival order is the approval order.
	rows, err := f.pool.Query(context.Background(), `SELECT customer_number, po_number FROM orders
		WHERE state = 'delivered' ORDER BY customer_number, approved_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	approved := map[string][]string{}
	var cust, po string
	if _, err := pgx.ForEachRow(rows, []any{&cust, &po}, func() error { approved[cust] = append(approved[cust], po); return nil }); err != nil {
		t.Fatal(err)
	}
	customerOf := map[string]string{}
	for c, pos := range approved {
		for _, p := range pos {
			customerOf[p] = c
		}
	}
	seen := map[string][]string{}
	for _, p := range order {
		if posts[p] == 1 {
			seen[customerOf[p]] = append(seen[customerOf[p]], p)
		}
	}
	for c, pos := range approved {
		if fmt.Sprint(seen[c]) != fmt.Sprint(pos) {
			t.Errorf("customer %s: the ERP received %v, approved in the order %v", c, seen[c], pos)
		}
	}
	if got := f.count(`SELECT count(*) FROM orders WHERE state NOT IN ('delivered', 'review')`); got != 0 {
		t.Errorf("%d orders are stuck on their way", got)
	}
	// Jobs a killed process was running stay "running" until River's
	// rescuer takes them up (rescue_after) and finds their work done; only
	// jobs the live gateways could still work count as stuck.
	var live []string
	for _, p := range f.procs {
		if m := clientIDRE.FindStringSubmatch(p.logs.String()); m != nil && p.cmd.ProcessState == nil {
			live = append(live, m[1])
		}
	}
	const toDo = `FROM river_job WHERE kind <> 'recover_deliveries'
		AND (state IN ('available', 'retryable', 'pending') OR (state = 'running' AND attempted_by[array_upper(attempted_by, 1)] = ANY($1)))`
	deadline := time.Now().Add(30 * time.Second) // acknowledgements follow the deliveries
	for f.count(`SELECT count(*) `+toDo, live) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	rows, err = f.pool.Query(context.Background(), `SELECT kind, state::text, args::text, coalesce(attempted_by[array_upper(attempted_by, 1)], '')
 `+toDo, live)
	if err != nil {
		t.Fatal(err)
	}
	var kind, state, args, by string
	if _, err := pgx.ForEachRow(rows, []any{&kind, &state, &args, &by}, func() error {
		t.Errorf("job still to do: %s %s %s (by %s)", kind, state, args, by)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(f.drop, "processing", "*")); len(left) != 0 {
		t.Errorf("processing/ not empty: %v", left)
	}
}

var clientIDRE = regexp.MustCompile(`jobs started.* client_id=(\S+)`)

// erpSwitch stands between the gateways and the ERP fake at a fixed
// address and can make the ERP hang (connections accepted, no answer) or
// be down (connections refused), as an ERP does during an outage.
type erpSwitch struct {
	addr  string
	proxy http.Handler

	mu   sync.Mutex
	mode string // "up", "hung", "down"
	srv  *http.Server
	hang chan struct{} // closed when the hang ends
}

func newERPSwitch(t *testing.T, target string) *erpSwitch {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s := &erpSwitch{proxy: httputil.NewSingleHostReverseProxy(u), hang: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	s.mode = "up"
	t.Cleanup(func() { s.set(t, "up"); s.mu.Lock(); s.srv.Close(); s.mu.Unlock() })
	return s
}

func (s *erpSwitch) serve(ln net.Listener) {
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		mode, hang := s.mode, s.hang
		s.mu.Unlock()
		if mode == "hung" {
			// A hung ERP never answers: the connection is dropped
			// when the client gives up or the hang ends.
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			panic(http.ErrAbortHandler)
		}
		s.proxy.ServeHTTP(w, r)
	})}
	go s.srv.Serve(ln)
}

// url rewrites a URL of the fake to go through the switch.
func (s *erpSwitch) url(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = s.addr
	return strings.Replace(u.String(), "%7Bidempotency_key%7D", "{idempotency_key}", 1)
}

func (s *erpSwitch) set(t *testing.T, mode string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mode == mode {
		return
	}
	if s.mode == "hung" {
		close(s.hang)
		s.hang = make(chan struct{})
	}
	switch {
	case mode == "down":
		s.srv.Close() // the port refuses connections
	case s.mode == "down":
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			t.Fatalf("the ERP cannot come back on %s: %v", s.addr, err)
		}
		s.serve(ln)
	}
	s.mode = mode
}
