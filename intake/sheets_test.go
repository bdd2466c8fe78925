package intake_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// TestSheetOverTheRowLimitIsKeptAndRefused: a dropped CSV with more rows
// than limits.max_sheet_rows becomes a failed document whose reason names
// the limit; its bytes stay for a replay once the limit is raised.
func TestSheetOverTheRowLimitIsKeptAndRefused(t *testing.T) {
	pool := dbtest.New(t)
	opts := sheet.Options{Limits: sheet.Limits{MaxRows: 50}, Layouts: intake.SheetLayouts{Pool: pool}}
	p, err := intake.New(intake.Options{Pool: pool, Workers: 1, Log: slog.New(slog.DiscardHandler),
		Registry: parsers.NewRegistry(edifact.New(), sheet.NewXLSX(opts), sheet.NewCSV(opts))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())
	var b strings.Builder
	b.WriteString("Ordernr;R-1\nArt.nr;Antal\n")
	for range 100 {
		b.WriteString("A;1\n")
	}
	r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "drop/big.csv", FileName: "big.csv", Data: []byte(b.String())})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := waitDoc(t, pool, r.DocumentID, func(d intake.Document, _ []intake.Order) bool { return d.State != intake.DocReceived })
	if d.State != intake.DocFailed || d.Format != "csv" || !strings.Contains(d.Reason, "more than 50 rows") ||
		!strings.Contains(d.Reason, "limits.max_sheet_rows") || len(d.Raw) != b.Len() {
		t.Fatalf("document %s %q %q, %d bytes kept", d.State, d.Format, d.Reason, len(d.Raw))
	}
}
