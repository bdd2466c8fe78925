package intake_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// TestLostEDIFACTMessageWaitsForTheDesk: a message whose UNH is damaged is
// an error of that message (issue 14, point 5), and the pipeline puts it
// in front of the desk as a PARSE_ERROR order at its place in the file,
// next to the intact order after it; nothing waits unseen.
func TestLostEDIFACTMessageWaitsForTheDesk(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	p, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Workers: 2, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = p.Stop(sctx)
	})
	data, err := os.ReadFile("../parsers/edifact/testdata/damaged_unh.edi")
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "test", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	doc, orders := waitDoc(t, pool, r.DocumentID, func(d intake.Document, os []intake.Order) bool {
		return len(os) == 2 && allSettled(d, os)
	})
	if doc.State != intake.DocParsed || len(doc.Problems.Errors) != 1 || doc.Problems.Errors[0].Index != 1 {
		t.Fatalf("document %s, problems %+v", doc.State, doc.Problems)
	}
	lost, good := orders[0], orders[1]
	if lost.MessageIndex != 1 || lost.State != intake.StateReview || len(lost.PO.Exceptions) != 1 || lost.PO.Exceptions[0].Code != "PARSE_ERROR" ||
		!strings.Contains(lost.PO.Exceptions[0].Message, `the message header is damaged or missing: a segment with the damaged tag "U#H"`) {
		t.Errorf("lost message: %+v", lost)
	}
	if good.MessageIndex != 2 || good.PO.PONumber != "4500017731" || good.State != intake.StateReview {
		t.Errorf("intact order: index %d, PO %q, state %s", good.MessageIndex, good.PO.PONumber, good.State)
	}
}
