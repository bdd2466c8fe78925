package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/config"
	"github.com/ordergate/ordergate/db"
)

// The load test's mailbox: an in-memory IMAP server in the load test's own
// process, and the authserv-id its mails are verified under.
const (
	loadMailUser = "orders@loadtest.example"
	loadMailPass = "loadtest"
	loadAuthServ = "mx.loadtest.example"
)

// loadOptions are the flags of `ordergate loadtest`.
type loadOptions struct {
	orders, lines, perFile int
	rate                   float64
	customers, items       int
	processes, workers     int
	deliveryWorkers        int
	mailShare, apiShare    float64
	sheetShare             float64
	badShare               float64
	timeout                time.Duration
	keep                   bool
	profile                string
	profileSeconds         int
	statements             bool
	seed                   uint64
	noFloor                bool
	docsSent               []loadDoc
}

// loadtest builds a catalog and customer base in a fresh database, starts
// gateways (this binary's serve) on it, sends orders through every channel
// and reports what they took. See the README, "Load test".
func (e *env) loadtest(args []string) int {
	fs := e.flags("loadtest")
	var o loadOptions
	fs.IntVar(&o.orders, "orders", 2000, "orders to send")
	fs.IntVar(&o.lines, "lines", 20, "lines per order")
	fs.IntVar(&o.perFile, "per-file", 1, "orders per EDIFACT interchange (file drop and API)")
	fs.Float64Var(&o.rate, "rate", 0, "orders per second to send at (0: all at once)")
	fs.IntVar(&o.customers, "customers", 200, "customers in the generated master data")
	fs.IntVar(&o.items, "items", 20000, "items in the generated master data")
	fs.IntVar(&o.processes, "processes", 1, "gateway processes (ordergate serve) sharing the database")
	fs.IntVar(&o.workers, "workers", 0, "workers.pipeline of each gateway (0: the default)")
	fs.IntVar(&o.deliveryWorkers, "delivery-workers", 0, "workers.delivery of each gateway (0: the default)")
	fs.Float64Var(&o.mailShare, "mail", 0.05, "share of orders sent by mail through the IMAP mailbox")
	fs.Float64Var(&o.apiShare, "api", 0.05, "share of orders uploaded through POST /api/v1/documents")
	fs.Float64Var(&o.sheetShare, "sheets", 0.05, "share of orders uploaded for their customer as spreadsheets (CSV and XLSX, alternately) through POST /api/v1/documents")
	fs.Float64Var(&o.badShare, "bad-lines", 0.002, "share of lines naming an unknown item (their orders go to review)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up when the orders are not settled by then")
	fs.BoolVar(&o.keep, "keep", false, "keep the load test's database and folders afterwards")
	fs.StringVar(&o.profile, "profile", "", "folder to write the first gateway's CPU and heap profiles to")
	fs.IntVar(&o.profileSeconds, "profile-seconds", 10, "length of the CPU profile, from the first order sent")
	fs.BoolVar(&o.statements, "statements", false, "report the costliest statements (needs pg_stat_statements preloaded)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated master data and orders")
	fs.BoolVar(&o.noFloor, "no-floor", false, "skip the floor (the same documents parsed alone, INSERTed and COPYed bare)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.orders <= 0 || o.lines <= 0 || o.perFile <= 0 || o.processes <= 0 || o.customers <= 0 || o.items <= 0 ||
		o.mailShare < 0 || o.apiShare < 0 || o.sheetShare < 0 || o.mailShare+o.apiShare+o.sheetShare > 1 {
		fmt.Fprintln(e.stderr, "ordergate loadtest: --orders, --lines, --per-file, --processes, --customers and --items must be positive, and --mail, --api and --sheets together at most 1")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := e.runLoad(ctx, o)
	if err != nil {
		return e.fail("loadtest", err)
	}
	rep.print(e.stdout)
	if rep.lost > 0 || rep.doubled > 0 {
		return 1
	}
	return 0
}

// loadRun is one load test while it runs.
type loadRun struct {
	e       *env
	o       loadOptions
	work    string
	url     string
	pool    *pgxpool.Pool
	apiKey  string
	addrs   []string
	procs   []*exec.Cmd
	imap    string
	sentMu  sync.Mutex
	sent    map[string]time.Time // channel:name -> when it was handed over
	sampler *procSampler
	cfg     config.Config
}

func (e *env) runLoad(ctx context.Context, o loadOptions) (*loadReport, error) {
	r := &loadRun{e: e, o: o, sent: map[string]time.Time{}}
	work, err := os.MkdirTemp("", "ordergate-loadtest-")
	if err != nil {
		return nil, err
	}
	r.work = work
	dbName := fmt.Sprintf("ordergate_loadtest_%d_%d", os.Getpid(), time.Now().Unix())
	drop, err := r.createDatabase(ctx, dbName)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, p := range r.procs {
			_ = p.Process.Signal(syscall.SIGTERM)
		}
		for _, p := range r.procs {
			_ = p.Wait()
		}
		if r.pool != nil {
			r.pool.Close()
		}
		if !o.keep {
			drop()
			os.RemoveAll(work)
		} else {
			fmt.Fprintf(e.stderr, "kept: database %s, folders %s\n", r.url, work)
		}
	}()

	fmt.Fprintf(e.stderr, "generating and importing master data: %d customers, %d items\n", o.customers, o.items)
	cat := newLoadCatalog(o.customers, o.items, o.seed)
	if err := cat.importInto(ctx, r.pool); err != nil {
		return nil, err
	}
	if r.apiKey, err = auth.CreateAPIKey(ctx, r.pool, "loadtest"); err != nil {
		return nil, err
	}
	if o.mailShare > 0 {
		if r.imap, err = startLoadIMAP(ctx); err != nil {
			return nil, err
		}
	}
	if err := r.startGateways(ctx); err != nil {
		return nil, err
	}

	gen := &docGen{cat: cat, r: rand.New(rand.NewPCG(o.seed, 7)), lines: o.lines, badShare: o.badShare, today: time.Now()}
	docs, err := r.documents(gen)
	if err != nil {
		return nil, err
	}
	var pgDB string
	_ = r.pool.QueryRow(ctx, `SELECT current_database()`).Scan(&pgDB)
	r.sampler = newProcSampler(r.pool, pgDB, r.procs)
	if o.statements {
		if _, err := r.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err == nil {
			_, err = r.pool.Exec(ctx, `SELECT pg_stat_statements_reset()`)
			if err != nil {
				fmt.Fprintf(e.stderr, "pg_stat_statements is not loaded (shared_preload_libraries): %v\n", err)
				o.statements = false
			}
		} else {
			fmt.Fprintf(e.stderr, "pg_stat_statements is not available: %v\n", err)
			o.statements = false
		}
	}
	r.sampler.sample(ctx)
	start := time.Now()
	var profiled sync.WaitGroup
	if o.profile != "" {
		profiled.Go(func() { r.cpuProfile(ctx) })
	}
	sendErr := make(chan error, 1)
	go func() { sendErr <- r.send(ctx, docs, start) }()
	settledAt, err := r.waitSettled(ctx, start)
	if err != nil {
		return nil, err
	}
	if err := <-sendErr; err != nil {
		return nil, err
	}
	r.sampler.sample(ctx)
	settledCPU := r.sampler.cpu()
	// The answers (CONTRL, ORDRSP, mail confirmations) come after the
	// orders (River priority 3): the run is over for the partners only
	// when they are sent, and the CPU they take is part of what an order
	// costs.
	answeredAt, err := r.waitAnswered(ctx, start)
	if err != nil {
		return nil, err
	}
	r.sampler.sample(ctx)
	answeredCPU := r.sampler.cpu()
	profiled.Wait()
	if o.profile != "" {
		r.fetch("/debug/pprof/heap", filepath.Join(o.profile, "gateway-heap.pprof"))
	}
	for _, p := range r.procs {
		_ = p.Process.Signal(syscall.SIGTERM) // the floor is measured on a quiet machine
	}
	rep, err := r.report(ctx, docs, start, settledAt)
	if err != nil {
		return nil, err
	}
	rep.gatewayCPU, rep.pgCPU = settledCPU[0], settledCPU[1]
	rep.answered = answeredAt.Sub(start)
	rep.answeredGatewayCPU, rep.answeredPGCPU = answeredCPU[0], answeredCPU[1]
	rep.o.docsSent = docs
	if !o.noFloor {
		if rep.floor, err = r.floor(ctx, docs); err != nil {
			return nil, err
		}
	}
	if o.statements {
		rep.statements, _ = topStatements(ctx, r.pool)
	}
	return rep, nil
}

// createDatabase makes the load test's own database on the server
// DATABASE_URL names (else localhost) and migrates it; drop removes it.
func (r *loadRun) createDatabase(ctx context.Context, name string) (drop func(), err error) {
	base := r.e.getenv("DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres"
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create the load test's database: %w", err)
	}
	u.Path = "/" + name
	r.url = u.String()
	drop = func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`)
	}
	log := slog.New(slog.DiscardHandler)
	h, err := db.Open(ctx, r.url, filepath.Join(r.work, "data"), 8, log)
	if err != nil {
		drop()
		return nil, err
	}
	if err := db.Migrate(ctx, h.Pool, log); err != nil {
		h.Close()
		drop()
		return nil, err
	}
	r.pool = h.Pool
	return drop, nil
}

// startLoadIMAP serves go-imap's in-memory IMAP server on a loopback port
// with the load test's mailbox.
func startLoadIMAP(ctx context.Context) (string, error) {
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(loadMailUser, loadMailPass)
	if err := u.Create("INBOX", nil); err != nil {
		return "", err
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go srv.Serve(ln)
	context.AfterFunc(ctx, func() { srv.Close() })
	return ln.Addr().String(), nil
}

// startGateways writes the gateways' configuration and starts them, each
// on a port of its own, and waits until each has loaded the master data.
func (r *loadRun) startGateways(ctx context.Context) error {
	var y strings.Builder
	fmt.Fprintf(&y, "data_dir: %s\nlog:\n  level: warn\n", filepath.Join(r.work, "data"))
	if r.o.workers > 0 || r.o.deliveryWorkers > 0 {
		y.WriteString("workers:\n")
		if r.o.workers > 0 {
			fmt.Fprintf(&y, "  pipeline: %d\n", r.o.workers)
		}
		if r.o.deliveryWorkers > 0 {
			fmt.Fprintf(&y, "  delivery: %d\n", r.o.deliveryWorkers)
		}
	}
	// Files are renamed into the folder whole, so a short stable_for is
	// safe here (a partner writing in place needs the default).
	fmt.Fprintf(&y, "sources:\n  file_drop:\n    - dir: %s\n      rescan: 1s\n      stable_for: 20ms\n", filepath.Join(r.work, "drop"))
	if r.imap != "" {
		host, port, _ := net.SplitHostPort(r.imap)
		fmt.Fprintf(&y, "  mailbox:\n    - host: %s\n      port: %s\n      tls: none\n      username: %s\n      password: %s\n      poll: 1s\n      trusted_authserv_id: %s\n",
			host, port, loadMailUser, loadMailPass, loadAuthServ)
	}
	fmt.Fprintf(&y, "erp:\n  kind: file\n  file:\n    dir: %s\n    format: json\n", filepath.Join(r.work, "erp"))
	fmt.Fprintf(&y, "edi:\n  outbound_dir: %s\n", filepath.Join(r.work, "outbound"))
	for _, d := range []string{"drop", "erp", "outbound"} {
		if err := os.MkdirAll(filepath.Join(r.work, d), 0o750); err != nil {
			return err
		}
	}
	cfg := filepath.Join(r.work, "ordergate.yaml")
	if err := os.WriteFile(cfg, []byte(y.String()), 0o600); err != nil {
		return err
	}
	c, err := config.Load(cfg, func(string) string { return "" })
	if err != nil {
		return err
	}
	r.cfg = c
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if r.o.profile != "" {
		if err := os.MkdirAll(r.o.profile, 0o750); err != nil {
			return err
		}
	}
	for i := range r.o.processes {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		cmd := exec.Command(self, "serve", "--config", cfg, "--addr", addr)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+r.url, "ORDERGATE_PPROF=")
		if i == 0 && r.o.profile != "" {
			cmd.Env = append(cmd.Env, "ORDERGATE_PPROF=on")
		}
		log, err := os.Create(filepath.Join(r.work, fmt.Sprintf("gateway-%d.log", i+1)))
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			return err
		}
		r.procs = append(r.procs, cmd)
		r.addrs = append(r.addrs, addr)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for i, addr := range r.addrs {
		for !catalogLoaded(addr) {
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("gateway %d did not load the master data in time; its log: %s", i+1,
					filepath.Join(r.work, fmt.Sprintf("gateway-%d.log", i+1)))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// catalogLoaded reports whether the gateway at addr matches with master
// data (its /metrics show a catalog version).
func catalogLoaded(addr string) bool {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "ordergate_catalog_version "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n > 0
		}
	}
	return false
}

// documents writes every document of the run before it starts, so that
// generating them is not measured. Channels are interleaved.
func (r *loadRun) documents(g *docGen) ([]loadDoc, error) {
	var docs []loadDoc
	for n := 0; n < r.o.orders; {
		x := g.r.Float64()
		switch {
		case x < r.o.mailShare:
			docs = append(docs, g.mail())
		case x < r.o.mailShare+r.o.apiShare:
			docs = append(docs, g.edifact("api", min(r.o.perFile, r.o.orders-n)))
		case x < r.o.mailShare+r.o.apiShare+r.o.sheetShare:
			d, err := g.sheet()
			if err != nil {
				return nil, err
			}
			docs = append(docs, d)
		default:
			docs = append(docs, g.edifact("file", min(r.o.perFile, r.o.orders-n)))
		}
		n += docs[len(docs)-1].orders
	}
	return docs, nil
}

func (r *loadRun) markSent(channel, name string) {
	r.sentMu.Lock()
	r.sent[channel+":"+name] = time.Now()
	r.sentMu.Unlock()
}

// send hands every document over through its channel, at the rate asked
// for: one goroutine per channel, each document at its time.
func (r *loadRun) send(ctx context.Context, docs []loadDoc, start time.Time) error {
	byChannel := map[string][]int{}
	at := make([]time.Duration, len(docs))
	var orders int
	for i, d := range docs {
		if r.o.rate > 0 {
			at[i] = time.Duration(float64(orders) / r.o.rate * float64(time.Second))
		}
		orders += d.orders
		byChannel[d.channel] = append(byChannel[d.channel], i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for ch, idx := range byChannel {
		wg.Go(func() {
			var mail *imapclient.Client
			if ch == "email" {
				c, err := imapclient.DialInsecure(r.imap, nil)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				if err := c.Login(loadMailUser, loadMailPass).Wait(); err != nil {
					errs <- err
					return
				}
				mail = c
			}
			for n, i := range idx {
				if d := time.Until(start.Add(at[i])); d > 0 {
					select {
					case <-ctx.Done():
						errs <- ctx.Err()
						return
					case <-time.After(d):
					}
				}
				if err := r.sendOne(mail, docs[i], n); err != nil {
					errs <- fmt.Errorf("send %s %s: %w", docs[i].channel, docs[i].name, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (r *loadRun) sendOne(mail *imapclient.Client, d loadDoc, n int) error {
	switch d.channel {
	case "file":
		dir := filepath.Join(r.work, "drop")
		tmp := filepath.Join(dir, "."+d.name)
		if err := os.WriteFile(tmp, d.data, 0o640); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, d.name)); err != nil {
			return err
		}
		r.markSent(d.channel, d.name)
	case "api", "sheet":
		addr := r.addrs[n%len(r.addrs)]
		q := url.Values{"name": {d.name}}
		if d.customer != "" {
			q.Set("customer", d.customer)
		}
		req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/documents?"+q.Encode(), bytes.NewReader(d.data))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+r.apiKey)
		r.markSent(d.channel, d.name)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("%s: %s", resp.Status, b)
		}
	case "email":
		r.markSent(d.channel, d.name)
		cmd := mail.Append("INBOX", int64(len(d.data)), nil)
		if _, err := cmd.Write(d.data); err != nil {
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		if _, err := cmd.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// waitSettled shows a progress bar until every order sent is settled (in
// the ERP, or waiting for the desk) and nothing is left on its way.
func (r *loadRun) waitSettled(ctx context.Context, start time.Time) (time.Time, error) {
	bar := progressbar.NewOptions64(int64(r.o.orders), progressbar.OptionSetWriter(r.e.stderr),
		progressbar.OptionSetDescription("orders settled"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("orders"), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish(),
		progressbar.OptionSetVisibility(isTerminal(r.e.stderr)))
	defer fmt.Fprintln(r.e.stderr)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-tick.C:
		}
		if n++; n%10 == 0 {
			r.sampler.sample(ctx)
		}
		var settled, moving, docsWaiting int
		err := r.pool.QueryRow(ctx, `SELECT
				count(*) FILTER (WHERE state IN ('delivered', 'review', 'rejected', 'applied')),
				count(*) FILTER (WHERE state NOT IN ('delivered', 'review', 'rejected', 'applied')),
				(SELECT count(*) FROM documents WHERE state = 'received')
			FROM orders`).Scan(&settled, &moving, &docsWaiting)
		if err != nil {
			return time.Time{}, err
		}
		_ = bar.Set(settled)
		if !isTerminal(r.e.stderr) && n%50 == 0 {
			fmt.Fprintf(r.e.stderr, "%s: %d of %d orders settled\n", time.Since(start).Round(time.Second), settled, r.o.orders)
		}
		if settled >= r.o.orders && moving == 0 && docsWaiting == 0 {
			_ = bar.Finish()
			return time.Now(), nil
		}
		if time.Since(start) > r.o.timeout {
			return time.Time{}, fmt.Errorf("after %s only %d of %d orders are settled (%d on their way, %d documents not read); gateway logs in %s",
				r.o.timeout, settled, r.o.orders, moving, docsWaiting, r.work)
		}
	}
}

// waitAnswered waits until the acknowledgements and mail answers of the
// orders are sent: no job of theirs is left to run.
func (r *loadRun) waitAnswered(ctx context.Context, start time.Time) (time.Time, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		var left int
		err := r.pool.QueryRow(ctx, `SELECT count(*) FROM river_job
			WHERE kind IN ('acknowledge', 'notify_customer') AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left)
		if err != nil {
			return time.Time{}, err
		}
		if left == 0 {
			return time.Now(), nil
		}
		if n%10 == 0 {
			r.sampler.sample(ctx)
		}
		if time.Since(start) > r.o.timeout {
			return time.Time{}, fmt.Errorf("after %s, %d answers (acknowledgements, mail) are still to be sent; gateway logs in %s",
				r.o.timeout, left, r.work)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-tick.C:
		}
	}
}

// cpuProfile takes the first gateway's CPU profile from the first order
// sent (ORDERGATE_PPROF serves net/http/pprof on the gateway's port).
func (r *loadRun) cpuProfile(ctx context.Context) {
	r.fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", r.o.profileSeconds), filepath.Join(r.o.profile, "gateway-cpu.pprof"))
}

func (r *loadRun) fetch(path, file string) {
	resp, err := http.Get("http://" + r.addrs[0] + path)
	if err != nil {
		fmt.Fprintf(r.e.stderr, "profile: %v\n", err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(r.e.stderr, "profile %s: %s\n", path, resp.Status)
		return
	}
	f, err := os.Create(file)
	if err != nil {
		fmt.Fprintf(r.e.stderr, "profile: %v\n", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(r.e.stderr, "profile: %v\n", err)
	}
}

// isTerminal reports whether w is a terminal (the progress bar is drawn
// only there; elsewhere a line every five seconds says how far it is).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
