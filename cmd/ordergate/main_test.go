package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
)

// binary is the real ordergate, built once for the tests that run it as a
// user or an init system would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ordergate-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ordergate")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building ordergate: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running ordergate.
type proc struct {
	cmd  *exec.Cmd
	addr chan string
	logs *logBuffer
	done chan struct{}
}

// logBuffer collects a process's log lines while tests read them.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`ordergate listening"? addr=http://(\S+)`)

// start runs the binary with args in dir and the given environment.
func start(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, addr: make(chan string, 1), logs: &logBuffer{}, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.WriteString(line + "\n")
			if m := listenRE.FindStringSubmatch(line); m != nil {
				p.addr <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("ordergate %v logs:\n%s", args, p.logs.String())
		}
	})
	return p
}

func (p *proc) waitAddr(t *testing.T) string {
	t.Helper()
	select {
	case a := <-p.addr:
		return a
	case <-p.done:
		t.Fatalf("ordergate exited before listening:\n%s", p.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("ordergate did not start listening:\n%s", p.logs.String())
	}
	return ""
}

// writeFile writes body to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 30*time.Second, what, cond)
}

// eventuallyWithin is eventually with its own deadline.
func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestParseUnsupportedFormatExitsNonZero(t *testing.T) {
	file := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "parse", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() == 0 {
		t.Fatalf("parse of a PDF: err = %v, want a non-zero exit", err)
	}
	if !strings.Contains(stderr.String(), "unsupported format: PDF document") || !strings.Contains(stderr.String(), "invoice.pdf") {
		t.Fatalf("stderr does not explain the problem: %q", stderr.String())
	}
	if strings.TrimSpace(stdout.String()) != "[]" {
		t.Fatalf("stdout = %q, want an empty JSON array", stdout.String())
	}
}

func TestDemoOnEmptyDatabaseBecomesReady(t *testing.T) {
	url := dbtest.NewEmptyURL(t)
	p := start(t, t.TempDir(), []string{"DATABASE_URL=" + url}, "demo", "--addr", "127.0.0.1:0")
	addr := p.waitAddr(t)
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %d %s", resp.StatusCode, body)
	}
	// The demo's sample orders go all the way: the clean ones to the
	// stand-in ERP, the others to review.
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	eventuallyWithin(t, 60*time.Second, "the demo orders are settled", func() bool {
		var delivered, review, busy int
		err := pool.QueryRow(context.Background(), `SELECT
			count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'review'),
			count(*) FILTER (WHERE state NOT IN ('delivered', 'review'))
			FROM orders`).Scan(&delivered, &review, &busy)
		return err == nil && delivered >= 5 && review >= 20 && busy == 0
	})
	// Graceful stop: SIGTERM ends the process cleanly.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

// TestKilledAfterClaimProcessesFileExactlyOnce kills the real binary with
// SIGKILL at each point between claiming a file and archiving it, restarts
// it, and checks the file became exactly one document.
func TestKilledAfterClaimProcessesFileExactlyOnce(t *testing.T) {
	for _, pauseAt := range []string{"after-claim", "after-commit"} {
		t.Run(pauseAt, func(t *testing.T) {
			url := dbtest.NewURL(t)
			pool, err := pgxpool.New(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			count := func(sql string) int {
				var n int
				if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			work := t.TempDir()
			drop := filepath.Join(work, "drop")
			cfg := filepath.Join(work, "ordergate.yaml")
			yaml := fmt.Sprintf("sources:\n  file_drop:\n    - dir: %s\n      rescan: 200ms\n      stable_for: 1ms\n", drop)
			if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(drop, 0o750); err != nil {
				t.Fatal(err)
			}
			env := []string{"DATABASE_URL=" + url}
			first := start(t, work, append(env, "ORDERGATE_TEST_PAUSE="+pauseAt), "serve", "--config", cfg, "--addr", "127.0.0.1:0")
			first.waitAddr(t)
			if err := os.WriteFile(filepath.Join(drop, "ORDERS_0001.edi"), []byte("UNA:+.? 'UNB+UNOC:3+A+B+261125:1200+1'"), 0o640); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the test pause is reached", func() bool { return strings.Contains(first.logs.String(), "test pause") })
			if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-first.done
			_ = first.cmd.Wait()
			claimed, _ := filepath.Glob(filepath.Join(drop, "processing", "*_ORDERS_0001.edi"))
			if len(claimed) != 1 {
				t.Fatalf("after the kill the file should sit in processing/, found %v", claimed)
			}
			wantBefore := map[string]int{"after-claim": 0, "after-commit": 1}[pauseAt]
			if n := count(`SELECT count(*) FROM documents`); n != wantBefore {
				t.Fatalf("documents right after the kill = %d, want %d", n, wantBefore)
			}

			second := start(t, work, env, "serve", "--config", cfg, "--addr", "127.0.0.1:0")
			second.waitAddr(t)
			eventually(t, "the file is archived", func() bool {
				archived, _ := filepath.Glob(filepath.Join(drop, "archive", "*", "*_ORDERS_0001.edi"))
				return len(archived) == 1
			})
			if n := count(`SELECT count(*) FROM documents`); n != 1 {
				t.Fatalf("documents = %d, want exactly 1", n)
			}
			if n := count(`SELECT count(*) FROM river_job WHERE kind = 'parse_document'`); n != 1 {
				t.Fatalf("parse jobs = %d, want exactly 1", n)
			}
			if left, _ := filepath.Glob(filepath.Join(drop, "processing", "*")); len(left) != 0 {
				t.Fatalf("processing/ not empty: %v", left)
			}
		})
	}
}

func TestParsePrintsOrdersAsJSON(t *testing.T) {
	cmd := exec.Command(binary, "parse", "../../demo/samples/01-eancom-orders.edi", "../../demo/samples/02-orders-release-chars.edi")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("parse: %v\n%s", err, stderr.String())
	}
	var orders []struct {
		Format   string `json:"format"`
		PO       string `json:"po_number"`
		Function string `json:"function"`
		Delivery string `json:"delivery_date"`
		Buyer    struct {
			GLN  string `json:"gln"`
			Name string `json:"name"`
		} `json:"buyer"`
		Lines []struct {
			GTIN     string          `json:"gtin"`
			Quantity json.RawMessage `json:"quantity"`
			Price    json.RawMessage `json:"unit_price"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &orders); err != nil {
		t.Fatalf("stdout is not a JSON array of orders: %v\n%s", err, stdout.String())
	}
	if len(orders) != 2 {
		t.Fatalf("orders = %d, want 2", len(orders))
	}
	o := orders[0]
	if o.Format != "edifact" || o.PO != "PO-DEMO-1001" || o.Function != "original" || o.Delivery != "2026-12-02" ||
		o.Buyer.GLN != "5412345000013" || len(o.Lines) != 2 || string(o.Lines[0].Quantity) != "12" || string(o.Lines[0].Price) != "14.5" || string(o.Lines[1].Price) != "31" {
		t.Fatalf("first order = %+v", o)
	}
	if orders[1].Buyer.Name != "Café l'Ami du Coin+Fils" {
		t.Fatalf("release characters and UNOC latin text: buyer name %q", orders[1].Buyer.Name)
	}
}

func TestParseExplainsBrokenEDIFACT(t *testing.T) {
	dir := t.TempDir()
	good := "UNA:+.? 'UNB+UNOC:3+SENDER:14+US:14+261125:0930+X1'" +
		"UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO-8+9'LIN+1++5400000000010:EN'QTY+21:5:PCE'UNS+S'UNT+6+1'"
	bad := "UNH+2+ORDERS:D:96A:UN:EAN008'BGM+220+PO-9+9'LIN+1++5400000000010:EN'QTY+21:abc:PCE'UNS+S'UNT+6+2'"
	file := filepath.Join(dir, "mixed.edi")
	if err := os.WriteFile(file, []byte(good+bad), 0o600); err != nil { // no UNZ: the envelope is damaged too
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "parse", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("exit = %v, want 1", err)
	}
	for _, want := range []string{`QTY #4`, `element 1.2`, `"abc" is not a number`, `no UNZ`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), `"po_number": "PO-8"`) || strings.Contains(stdout.String(), "PO-9") {
		t.Fatalf("the intact message must still be printed, the broken one not:\n%s", stdout.String())
	}
}
