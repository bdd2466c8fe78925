package intake_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// TestResentInterchangeIsADuplicate: a partner sending the same
// interchange again, with a new time stamp in UNB, is recorded as a
// duplicate of the first and not read into orders again; a control
// reference reused for other orders is read, with a warning. The resend is
// answered with a CONTRL again: the first may not have reached the partner.
func TestResentInterchangeIsADuplicate(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	b := ediPipeline(t, func(o *intake.Options) {
		o.Acks = &intake.AckOptions{Dir: out, Us: edifact.PartyID{ID: "5498765000017", Qualifier: "14"}, Contrl: intake.ContrlAlways}
	})
	ctx := context.Background()
	first := ediOrder("IC7", "PO-20", glnBuyer, "9", [3]string{gtinCoffee, "1", "14.50"})
	o := b.receiveOne(t, "first", first)
	b.waitOrder(t, o.ID, intake.StateDelivered)

	again := strings.Replace(first, "+261125:0930+", "+261125:1015+", 1)
	if again == first {
		t.Fatal("the resend is the same bytes; the test would test the content hash")
	}
	r, err := b.p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "again", Data: []byte(again)})
	if err != nil || r.Duplicate {
		t.Fatalf("receive: %v (duplicate by content: %v)", err, r.Duplicate)
	}
	doc, orders := waitDoc(t, b.pool, r.DocumentID, func(d intake.Document, _ []intake.Order) bool { return d.State != intake.DocReceived })
	want := fmt.Sprintf("interchange IC7 from %s to 5498765000017 was already received in document %d; its orders were not read again", glnBuyer, o.DocumentID)
	if doc.State != intake.DocDuplicate || doc.DuplicateOf != o.DocumentID || doc.Reason != want || len(orders) != 0 {
		t.Fatalf("resent interchange: %s of %d, %q, %d orders; want a duplicate of %d: %q", doc.State, doc.DuplicateOf, doc.Reason, len(orders), o.DocumentID, want)
	}

	for _, f := range waitFiles(t, out, "CONTRL_*.edi", 2) {
		data, _ := os.ReadFile(f)
		if c, err := edifact.ParseContrl(data); err != nil || c.InterchangeRef != "IC7" || c.Action != edifact.ActionAcknowledged {
			t.Fatalf("CONTRL %s: %+v, %v", f, c, err)
		}
	}

	reused := b.receiveOne(t, "reused", ediOrder("IC7", "PO-21", glnBuyer, "9", [3]string{gtinCoffee, "2", "14.50"}))
	reused = b.waitOrder(t, reused.ID, intake.StateDelivered)
	rdoc, err := intake.GetDocument(ctx, b.pool, reused.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rdoc.Problems.Warnings, func(w string) bool {
		return strings.Contains(w, fmt.Sprintf("control reference IC7 from %s was already used in document %d for other orders", glnBuyer, o.DocumentID))
	}) {
		t.Fatalf("reused control reference: warnings %q", rdoc.Problems.Warnings)
	}
	if n := b.erp.Count(); n != 2 {
		t.Fatalf("the ERP received %d orders, want 2", n)
	}
}

// TestCopiesOfAnInterchangeAtOnce: copies arriving together, parsed by
// concurrent workers, still make one set of orders.
func TestCopiesOfAnInterchangeAtOnce(t *testing.T) {
	t.Parallel()
	b := ediPipeline(t, nil)
	ctx := context.Background()
	doc := ediOrder("IC9", "PO-40", glnBuyer, "9", [3]string{gtinCoffee, "1", "14.50"})
	var ids []int64
	for i := range 4 {
		resent := strings.Replace(doc, "+261125:0930+", fmt.Sprintf("+261125:09%02d+", 40+i), 1)
		r, err := b.p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: fmt.Sprint("copy ", i), Data: []byte(resent)})
		if err != nil || r.Duplicate {
			t.Fatalf("receive copy %d: %v (duplicate by content: %v)", i, err, r.Duplicate)
		}
		ids = append(ids, r.DocumentID)
	}
	parsed, duplicates := 0, 0
	for _, id := range ids {
		d, orders := waitDoc(t, b.pool, id, func(d intake.Document, _ []intake.Order) bool { return d.State != intake.DocReceived })
		switch d.State {
		case intake.DocParsed:
			parsed++
			if len(orders) != 1 {
				t.Fatalf("document %d: %d orders", id, len(orders))
			}
		case intake.DocDuplicate:
			duplicates++
		default:
			t.Fatalf("document %d: %s %s", id, d.State, d.Reason)
		}
	}
	if parsed != 1 || duplicates != 3 {
		t.Fatalf("%d parsed and %d duplicates, want 1 and 3", parsed, duplicates)
	}
}
