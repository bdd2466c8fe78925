package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// ingestResult is one line of `ingest --wait` output: a settled order (the
// canonical order JSON plus its ids and state), or a document that yielded
// no order.
type ingestResult struct {
	DocumentID   int64  `json:"document_id"`
	OrderID      int64  `json:"order_id,omitempty"`
	Status       string `json:"status"`
	Reason       string `json:"reason,omitempty"`
	ReviewReason string `json:"review_reason,omitempty"`
	ERPOrderNo   string `json:"erp_order_no,omitempty"`
	*order.PurchaseOrder
}

// ingest submits files into the pipeline as uploads. With --wait it also
// works the pipeline in this process (alongside any running server) and
// prints the resulting orders once each is approved, in review or failed.
func (e *env) ingest(args []string) int {
	fs := e.flags("ingest")
	path := fs.String("config", "", "configuration file (YAML)")
	customer := fs.String("customer", "", "customer number the files belong to")
	wait := fs.Bool("wait", false, "wait for the orders and print them as JSON")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long --wait waits")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "ordergate ingest: name at least one file")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg, log, h, err := e.connect(ctx, *path)
	if err != nil {
		return e.fail("ingest", err)
	}
	defer h.Close()
	workers := 0
	if *wait {
		workers = cfg.Workers.Pipeline
	}
	gw, err := newGateway(cfg, h, log, workers, nil)
	if err != nil {
		return e.fail("ingest", err)
	}
	if *wait {
		// Matching in this process needs the master data now.
		if err := gw.live.Refresh(ctx); err != nil {
			return e.fail("ingest", err)
		}
	}
	pipe := gw.pipe
	if err := pipe.Start(ctx); err != nil {
		return e.fail("ingest", err)
	}
	defer pipe.Stop(context.Background())

	user := e.getenv("USER")
	if user == "" {
		user = "cli"
	}
	host, _ := os.Hostname()
	var docs []int64
	failed := false
	for _, file := range fs.Args() {
		data, err := readFileLimited(file, int64(cfg.Limits.MaxDocumentBytes))
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		abs, _ := filepath.Abs(file)
		r, err := pipe.Receive(ctx, intake.Inbound{
			Channel:        intake.ChannelUpload,
			SourceRef:      fmt.Sprintf("cli:%s@%s:%s", user, host, abs),
			Sender:         order.Sender{Kind: order.SenderUser, ID: user, Verified: true},
			FileName:       filepath.Base(file),
			CustomerNumber: *customer,
			Data:           data,
		})
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		if r.Duplicate {
			fmt.Fprintf(e.stderr, "%s: already received as document %d; recorded as duplicate %d\n", file, r.DuplicateOf, r.DocumentID)
			docs = append(docs, r.DuplicateOf)
			continue
		}
		fmt.Fprintf(e.stderr, "%s: document %d\n", file, r.DocumentID)
		docs = append(docs, r.DocumentID)
	}
	if !*wait {
		if failed {
			return 1
		}
		return 0
	}
	results, err := waitSettled(ctx, h, docs, *timeout)
	if err != nil {
		return e.fail("ingest", err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		return e.fail("ingest", err)
	}
	for _, r := range results {
		if r.Status == intake.DocFailed {
			failed = true
		}
	}
	if failed {
		return 1
	}
	return 0
}
