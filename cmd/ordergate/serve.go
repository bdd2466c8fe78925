package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ordergate/ordergate/demo"
	"github.com/ordergate/ordergate/intake/filedrop"
	"github.com/ordergate/ordergate/intake/mailbox"
	"github.com/ordergate/ordergate/review"
)

// serve runs the gateway until SIGINT or SIGTERM: migrations, the pipeline
// workers, the intake sources and the HTTP server. With demo, it also sets
// up a drop folder and seeds sample documents into an empty database.
func (e *env) serve(args []string, withDemo bool) int {
	name := "serve"
	if withDemo {
		name = "demo"
	}
	fs := e.flags(name)
	path := fs.String("config", "", "configuration file (YAML)")
	addr := fs.String("addr", "", "listen address HOST:PORT (default 127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := e.loadConfig(*path)
	if err != nil {
		return e.fail(name, err)
	}
	if *addr != "" {
		cfg.HTTP.Addr = *addr
	}
	if withDemo {
		demoDefaults(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		return e.fail(name, err)
	}
	log := e.logger(cfg)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	h, err := e.openDB(ctx, cfg, log, true)
	if err != nil {
		return e.fail(name, err)
	}
	defer h.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gw, err := newGateway(cfg, h, log, cfg.Workers.Pipeline, reg)
	if err != nil {
		return e.fail(name, err)
	}
	pipe := gw.pipe
	var background sync.WaitGroup
	if withDemo {
		if err := e.seedDemo(ctx, cfg, h, log, &background); err != nil {
			return e.fail(name, err)
		}
	}
	background.Go(func() {
		if err := gw.live.Run(ctx); err != nil {
			log.Error("master data catalog stopped", "err", err)
		}
	})

	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return e.fail(name, fmt.Errorf("listen on %s (http.addr): %w", cfg.HTTP.Addr, err))
	}
	if err := pipe.Start(ctx); err != nil {
		ln.Close()
		return e.fail(name, err)
	}
	pipe.LogFailedDocuments(ctx)
	var sources sync.WaitGroup
	for _, d := range cfg.Sources.FileDrop {
		src := filedrop.New(filedrop.Config{
			Dir: d.Dir, Rescan: d.Rescan, StableFor: d.StableFor, Partner: d.Partner,
			MaxBytes: int64(cfg.Limits.MaxDocumentBytes), PauseAt: e.getenv("ORDERGATE_TEST_PAUSE"),
		}, pipe, h.Pool, log)
		sources.Go(func() {
			if err := src.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("file drop stopped", "dir", d.Dir, "err", err)
			}
		})
	}

	for _, m := range cfg.Sources.Mailbox {
		src := mailbox.New(m.Source(), pipe, h.Pool, log)
		sources.Go(func() {
			if err := src.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("mailbox stopped", "mailbox", m.Source().Key(), "err", err)
			}
		})
	}

	var handler http.Handler = (&review.Server{Pool: h.Pool, Log: log, Gatherer: reg, Pipeline: pipe,
		MaxDocumentBytes: int64(cfg.Limits.MaxDocumentBytes), ReportLag: cfg.Matching.ERPReportLag,
		Catalog: gw.live.Snapshot,
		UI: review.UIOptions{InsecureCookies: cfg.HTTP.InsecureCookies, SLA: cfg.Desk.SLA,
			IdleTimeout: cfg.Desk.IdleTimeout, Lifetime: cfg.Desk.Lifetime}}).Handler()
	if e.getenv("ORDERGATE_PPROF") != "" {
		handler = withPprof(handler)
		log.Warn("serving Go profiles under /debug/pprof/ (ORDERGATE_PPROF): for profiling only")
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("ordergate listening", "addr", "http://"+ln.Addr().String(), "database", h.URL, "demo", withDemo)
	if withDemo {
		fmt.Fprintf(e.stderr, "\nThe sales desk: open http://%s/ and log in as %s with the password %s\n\n",
			ln.Addr().String(), demo.DeskUser, demo.DeskPassword)
	}

	exit := 0
	select {
	case <-ctx.Done():
	case err := <-httpDone:
		log.Error("http server stopped", "err", err)
		exit = 1
	}
	stop()
	log.Info("shutting down: letting in-flight work finish", "timeout", cfg.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	sources.Wait()
	background.Wait()
	if err := pipe.Stop(sctx); err != nil {
		log.Warn("pipeline shutdown", "err", err)
	}
	log.Info("stopped")
	return exit
}

// withPprof serves net/http/pprof's profiles under /debug/pprof/ beside
// the gateway's own routes (ORDERGATE_PPROF; the load test's --profile).
func withPprof(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.Handle("/", h)
	return mux
}
