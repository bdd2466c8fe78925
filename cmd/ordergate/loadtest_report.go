package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/parsers"
)

// loadReport is what a load test measured.
type loadReport struct {
	o                 loadOptions
	docs, orders      int
	lines             int
	delivered, review int
	lost, doubled     int
	elapsed           time.Duration // first document sent to the last order settled
	intake            time.Duration // first document sent to the last order read
	erpFiles          int
	stages            []stageStats
	gatewayCPU, pgCPU time.Duration // to the last order settled
	// answered is from the first document sent to the last answer sent
	// (CONTRL, ORDRSP, mail), with the CPU to then.
	answered                          time.Duration
	answeredGatewayCPU, answeredPGCPU time.Duration
	gatewayMem, pgMem                 int64 // peak proportional set size, bytes
	byChannel                         map[string][2]int
	statements                        []statementCost
	processes                         int
	floor                             loadFloor
}

type stageStats struct {
	name          string
	n             int
	p50, p99, max time.Duration
}

type statementCost struct {
	calls       int64
	total, mean float64 // ms
	query       string
}

// report reads every order's way from the database: when its document was
// handed over (recorded by the sender), stored (documents.received_at),
// read (the order's received event), decided (approved or review) and in
// the ERP (delivered), and checks that each document became its orders
// once and each delivered order is one file in the ERP's folder.
func (r *loadRun) report(ctx context.Context, docs []loadDoc, start, settled time.Time) (*loadReport, error) {
	rep := &loadReport{o: r.o, docs: len(docs), elapsed: settled.Sub(start), byChannel: map[string][2]int{},
		processes: r.o.processes}
	want := map[string]int{}
	for _, d := range docs {
		want[d.channel+":"+d.name] = d.orders
	}
	rows, err := r.pool.Query(ctx, `SELECT d.channel, d.file_name, d.message_id, d.received_at, o.state,
			coalesce(jsonb_array_length(o.data->'lines'), 0),
			(SELECT min(at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'received'),
			(SELECT min(at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'state' AND e.detail->>'to' IN ('approved', 'review')),
			(SELECT min(at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'state' AND e.detail->>'to' = 'delivered')
		FROM orders o JOIN documents d ON d.id = o.document_id`)
	if err != nil {
		return nil, err
	}
	var (
		channel, file, msgID, state string
		stored                      time.Time
		lines                       int
		read, decided, delivered    *time.Time
	)
	got := map[string]int{}
	var handed, toRead, toDecided, toERP, endToEnd, endDecided []time.Duration
	var lastRead time.Time
	_, err = pgx.ForEachRow(rows, []any{&channel, &file, &msgID, &stored, &state, &lines, &read, &decided, &delivered}, func() error {
		ch := channel
		if ch == "upload" {
			ch = "api"
		}
		if ch == "api" && (strings.HasSuffix(file, ".csv") || strings.HasSuffix(file, ".xlsx")) {
			ch = "sheet" // uploaded for its customer, as the desk does
		}
		key := ch + ":" + file
		if ch == "email" {
			key = ch + ":" + msgID
		}
		got[key]++
		rep.orders++
		rep.lines += lines
		c := rep.byChannel[ch]
		c[0]++
		r.sentMu.Lock()
		sent, ok := r.sent[key]
		r.sentMu.Unlock()
		if ok {
			handed = append(handed, stored.Sub(sent))
		}
		if read != nil {
			toRead = append(toRead, read.Sub(stored))
			if read.After(lastRead) {
				lastRead = *read
			}
		}
		if decided != nil && read != nil {
			toDecided = append(toDecided, decided.Sub(*read))
			if ok {
				endDecided = append(endDecided, decided.Sub(sent))
			}
		}
		switch state {
		case "delivered":
			rep.delivered++
			c[1]++
			if delivered != nil && decided != nil {
				toERP = append(toERP, delivered.Sub(*decided))
				if ok {
					endToEnd = append(endToEnd, delivered.Sub(sent))
				}
			}
		case "review":
			rep.review++
		}
		rep.byChannel[ch] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, n := range want {
		switch g := got[k]; {
		case g < n:
			rep.lost += n - g
		case g > n:
			rep.doubled += g - n
		}
	}
	if !lastRead.IsZero() {
		rep.intake = lastRead.Sub(start)
	}
	files, _ := os.ReadDir(r.work + "/erp")
	for _, f := range files {
		if !strings.HasPrefix(f.Name(), ".") {
			rep.erpFiles++
		}
	}
	if rep.erpFiles != rep.delivered {
		rep.doubled += max(0, rep.erpFiles-rep.delivered)
		rep.lost += max(0, rep.delivered-rep.erpFiles)
	}
	rep.stages = []stageStats{
		stats("handed over -> stored", handed),
		stats("stored -> read (parse)", toRead),
		stats("read -> decided (match, route)", toDecided),
		stats("decided -> in the ERP (deliver)", toERP),
		stats("handed over -> decided", endDecided),
		stats("handed over -> in the ERP", endToEnd),
	}
	_, rep.gatewayMem, _, rep.pgMem = r.sampler.totals()
	return rep, nil
}

func stats(name string, ds []time.Duration) stageStats {
	s := stageStats{name: name, n: len(ds)}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	s.p50, s.p99, s.max = q(0.50), q(0.99), ds[len(ds)-1]
	return s
}

// topStatements are the statements PostgreSQL spent the most time on in
// this database since the run began.
func topStatements(ctx context.Context, pool *pgxpool.Pool) ([]statementCost, error) {
	rows, err := pool.Query(ctx, `SELECT calls, total_exec_time, mean_exec_time, regexp_replace(query, '\s+', ' ', 'g')
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY total_exec_time DESC LIMIT 25`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (statementCost, error) {
		var s statementCost
		return s, r.Scan(&s.calls, &s.total, &s.mean, &s.query)
	})
}

func (rep *loadReport) print(w io.Writer) {
	secs := rep.elapsed.Seconds()
	fmt.Fprintf(w, "\nordergate load test: %d orders of %d lines in %d documents (%d orders per interchange), %s\n",
		rep.o.orders, rep.o.lines, rep.docs, rep.o.perFile, rateText(rep.o.rate))
	fmt.Fprintf(w, "gateways: %d, workers.pipeline %s; machine: %d cores, %s\n\n", rep.processes, orDefault(rep.o.workers),
		runtime.NumCPU(), cpuModel())
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "orders settled\t%d (%d in the ERP, %d waiting for the desk)\n", rep.orders, rep.delivered, rep.review)
	fmt.Fprintf(tw, "end to end\t%.1f s: %.0f orders/s, %.0f lines/s\n", secs, float64(rep.orders)/secs, float64(rep.lines)/secs)
	if rep.intake > 0 {
		fmt.Fprintf(tw, "intake (all orders read)\t%.1f s: %.0f orders/s\n", rep.intake.Seconds(), float64(rep.orders)/rep.intake.Seconds())
	}
	touchless := 0.0
	if rep.orders > 0 {
		touchless = 100 * float64(rep.delivered) / float64(rep.orders)
	}
	fmt.Fprintf(tw, "touchless\t%.1f %%", touchless)
	for _, ch := range []string{"file", "api", "sheet", "email"} {
		if c, ok := rep.byChannel[ch]; ok {
			fmt.Fprintf(tw, "; %s %d/%d", ch, c[1], c[0])
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "lost / doubled\t%d / %d (ERP files %d)\n", rep.lost, rep.doubled, rep.erpFiles)
	fmt.Fprintf(tw, "gateway CPU, peak memory\t%.1f s (%.0f %% of a core), %s\n", rep.gatewayCPU.Seconds(), 100*rep.gatewayCPU.Seconds()/secs, mib(rep.gatewayMem))
	fmt.Fprintf(tw, "PostgreSQL CPU, peak memory\t%.1f s (%.0f %% of a core), %s\n", rep.pgCPU.Seconds(), 100*rep.pgCPU.Seconds()/secs, mib(rep.pgMem))
	if a := rep.answered; a > 0 && rep.orders > 0 {
		n := float64(rep.orders)
		fmt.Fprintf(tw, "answers sent too (CONTRL, ORDRSP, mail)\t%.1f s: %.0f orders/s; CPU per order: gateway %.1f ms, PostgreSQL %.1f ms\n",
			a.Seconds(), n/a.Seconds(), ms64(rep.answeredGatewayCPU)/n, ms64(rep.answeredPGCPU)/n)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\torders\tp50\tp99\tmax\t")
	for _, s := range rep.stages {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\n", s.name, s.n, ms(s.p50), ms(s.p99), ms(s.max))
	}
	tw.Flush()
	if fl := rep.floor; fl.orders > 0 {
		n := float64(len(rep.o.docsSent))
		fmt.Fprintf(w, "\nfloor, the same %d documents (%d orders) on the same machine, this run:\n", len(rep.o.docsSent), fl.orders)
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "parse only (one goroutine)\t%.2f s\t%.0f orders/s\n", fl.parse.Seconds(), float64(fl.orders)/fl.parse.Seconds())
		fmt.Fprintf(tw, "bare INSERT of each document (a transaction each)\t%.2f s\t%.0f documents/s\n", fl.insert.Seconds(), n/fl.insert.Seconds())
		fmt.Fprintf(tw, "COPY of one row per order (its JSON)\t%.2f s\t%.0f orders/s\n", fl.copy.Seconds(), float64(fl.orders)/fl.copy.Seconds())
		tw.Flush()
	}
	if len(rep.statements) > 0 {
		fmt.Fprintln(w, "\ncostliest statements (pg_stat_statements):")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "calls\ttotal ms\tmean ms\tstatement")
		for _, s := range rep.statements {
			q := s.query
			if len(q) > 110 {
				q = q[:110] + "..."
			}
			fmt.Fprintf(tw, "%d\t%.0f\t%.3f\t%s\n", s.calls, s.total, s.mean, q)
		}
		tw.Flush()
	}
}

func rateText(r float64) string {
	if r <= 0 {
		return "all sent at once"
	}
	return fmt.Sprintf("sent at %.0f orders/s", r)
}

func orDefault(n int) string {
	if n == 0 {
		return "default"
	}
	return strconv.Itoa(n)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}

func ms64(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpu is the CPU time of the gateways and of PostgreSQL so far.
func (s *procSampler) cpu() [2]time.Duration {
	gw, _, pg, _ := s.totals()
	return [2]time.Duration{gw, pg}
}

// procSampler reads CPU time and memory of the gateways and of the
// PostgreSQL processes serving the load test's database (its backends, and
// the WAL writer, checkpointer and background writer every database
// shares) from /proc. A process first seen after the run began counts
// from zero.
type procSampler struct {
	pool     *pgxpool.Pool
	database string
	gateways []*exec.Cmd

	mu     sync.Mutex
	first  map[int]int64 // clock ticks at the run's start, per pid
	last   map[int]int64
	isPG   map[int]bool
	began  bool
	peakGW int64
	peakPG int64
}

func newProcSampler(pool *pgxpool.Pool, database string, gateways []*exec.Cmd) *procSampler {
	return &procSampler{pool: pool, database: database, gateways: gateways,
		first: map[int]int64{}, last: map[int]int64{}, isPG: map[int]bool{}}
}

func (s *procSampler) sample(ctx context.Context) {
	var pids []int
	for _, g := range s.gateways {
		pids = append(pids, g.Process.Pid)
	}
	rows, err := s.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = $1
		OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`, s.database)
	var pg []int
	if err == nil {
		pg, _ = pgx.CollectRows(rows, pgx.RowTo[int])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var gwMem, pgMem int64
	for i, pid := range append(pids, pg...) {
		ticks, ok := cpuTicks(pid)
		if !ok {
			continue
		}
		if i >= len(pids) {
			s.isPG[pid] = true
		}
		if _, seen := s.first[pid]; !seen {
			if s.began {
				s.first[pid] = 0
			} else {
				s.first[pid] = ticks
			}
		}
		s.last[pid] = ticks
		if i < len(pids) {
			gwMem += pss(pid)
		} else {
			pgMem += pss(pid)
		}
	}
	s.began = true
	s.peakGW, s.peakPG = max(s.peakGW, gwMem), max(s.peakPG, pgMem)
}

func (s *procSampler) totals() (gwCPU time.Duration, gwMem int64, pgCPU time.Duration, pgMem int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const tick = time.Second / 100 // USER_HZ
	for pid, last := range s.last {
		d := time.Duration(last-s.first[pid]) * tick
		if s.isPG[pid] {
			pgCPU += d
		} else {
			gwCPU += d
		}
	}
	return gwCPU, s.peakGW, pgCPU, s.peakPG
}

// cpuTicks is a process's user plus system time in clock ticks (proc(5),
// /proc/pid/stat fields 14 and 15).
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	sy, _ := strconv.ParseInt(f[12], 10, 64)
	return u + sy, true
}

// pss is a process's proportional set size (/proc/pid/smaps_rollup), which
// shares the pages it shares with others, so that sums over processes
// mean something.
func pss(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// loadFloor is what the same documents cost without the pipeline, measured
// in the same run on the same machine: parsing them in one goroutine, a
// bare INSERT of each document (one transaction each, as a naive intake
// would), and a COPY of one row per order with its lines as JSON.
type loadFloor struct {
	parse, insert, copy time.Duration
	orders              int
}

func (r *loadRun) floor(ctx context.Context, docs []loadDoc) (loadFloor, error) {
	var f loadFloor
	reg := registry(r.cfg, nil)
	t := time.Now()
	var rows [][]any
	for _, d := range docs {
		res, err := reg.Parse(ctx, parsers.Document{Name: d.name, Data: d.data})
		if err != nil {
			return f, fmt.Errorf("floor: parse %s: %w", d.name, err)
		}
		for i := range res.Orders {
			b, err := json.Marshal(res.Orders[i])
			if err != nil {
				return f, err
			}
			rows = append(rows, []any{res.Orders[i].PONumber, string(b)})
		}
	}
	f.parse, f.orders = time.Since(t), len(rows)
	if _, err := r.pool.Exec(ctx, `CREATE TABLE floor_documents (id bigserial PRIMARY KEY, name text, raw bytea);
		CREATE TABLE floor_orders (id bigserial PRIMARY KEY, po_number text, data jsonb)`); err != nil {
		return f, err
	}
	t = time.Now()
	for _, d := range docs {
		if _, err := r.pool.Exec(ctx, `INSERT INTO floor_documents (name, raw) VALUES ($1, $2)`, d.name, d.data); err != nil {
			return f, err
		}
	}
	f.insert = time.Since(t)
	t = time.Now()
	if _, err := r.pool.CopyFrom(ctx, pgx.Identifier{"floor_orders"}, []string{"po_number", "data"}, pgx.CopyFromRows(rows)); err != nil {
		return f, err
	}
	f.copy = time.Since(t)
	return f, nil
}
