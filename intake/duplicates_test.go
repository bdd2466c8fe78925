package intake_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// TestTheFirstCopyIsTheOriginal: of two files with the same PO number that
// arrive together, the one that arrived first is the original and goes to
// the ERP, even when a worker reads and matches the later one first; the
// later one waits in review as the duplicate.
func TestTheFirstCopyIsTheOriginal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	snap, err := catalog.Build(plentyOfStock(exposureData()))
	if err != nil {
		t.Fatal(err)
	}
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	p, err := intake.New(intake.Options{
		Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 4, Log: slog.New(slog.DiscardHandler),
		Matcher: &intake.CatalogMatcher{Snapshot: func() *catalog.Snapshot { return snap },
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }},
		ERP:      erp.NewWebhook(rcv.Config(), &http.Client{Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler)),
		Delivery: fastDelivery,
		// The later copy waits for the first file: woken by its parse,
		// never by this backstop (the test would time out).
		EarlierDocumentWait: 10 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	receive := func(name, ctrl string, qty int) int64 {
		r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: name, FileName: name,
			Data: []byte(ediInterchange(glnSouth, ctrl, ediMessage{"PO-TWICE", qty}))})
		if err != nil {
			t.Fatal(err)
		}
		return r.DocumentID
	}
	first, later := receive("first.edi", "F1", 1), receive("later.edi", "F2", 2)
	// A busy worker reaches the first file only after the later one is
	// read and its order on its way to matching.
	if _, err := pool.Exec(ctx, `UPDATE river_job SET scheduled_at = now() + interval '1.5 seconds'
		WHERE kind = 'parse_document' AND (args->>'document_id')::bigint = $1`, first); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := p.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())

	settled := func(d intake.Document, os []intake.Order) bool {
		return len(os) == 1 && (os[0].State == intake.StateDelivered || os[0].State == intake.StateReview)
	}
	_, lo := waitDoc(t, pool, later, settled)
	_, fo := waitDoc(t, pool, first, settled)
	if fo[0].State != intake.StateDelivered {
		t.Errorf("the first copy is %s %v, want delivered", fo[0].State, codes(fo[0].PO.Exceptions))
	}
	if lo[0].State != intake.StateReview || strings.Join(codes(lo[0].PO.Exceptions), ",") != "DUPLICATE_ORDER" {
		t.Errorf("the later copy is %s %v, want review with DUPLICATE_ORDER", lo[0].State, codes(lo[0].PO.Exceptions))
	}
	if rcv.Count() != 1 {
		t.Errorf("the ERP received %d orders, want 1", rcv.Count())
	}
	// The first copy was decided with its parse (decideNow); the later one
	// found the first file unread: one match job waited for the first
	// file's parse, which woke it.
	for _, c := range []struct {
		what  string
		order int64
		jobs  int
	}{{"first", fo[0].ID, 0}, {"later", lo[0].ID, 1}} {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'match_order'
			AND (args->>'order_id')::bigint = $1`, c.order).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != c.jobs {
			t.Errorf("the %s copy had %d match jobs, want %d", c.what, n, c.jobs)
		}
	}
}
