package intake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// waitFiles waits until the partner's folder holds n files matching pattern.
func waitFiles(t *testing.T, dir, pattern string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(dir, glnBuyer, pattern))
		if len(files) == n {
			return files
		}
		if len(files) > n || time.Now().After(deadline) {
			t.Fatalf("%s: %d files %v, want %d", pattern, len(files), files, n)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func TestAcknowledgementsGoBackToThePartner(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	eb := ediPipeline(t, func(o *intake.Options) {
		o.Acks = &intake.AckOptions{Dir: out, Us: edifact.PartyID{ID: "5498765000017", Qualifier: "14"}, Contrl: intake.ContrlAlways}
	})
	p, pool, ctx := eb.p, eb.pool, context.Background()

	// A clean order: CONTRL on receipt, ORDRSP accepted once in the ERP.
	clean, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "a",
		Data: []byte(ediOrder("IC1", "PO-1", glnBuyer, "9", [3]string{gtinCoffee, "12", "14.50"}))})
	if err != nil {
		t.Fatal(err)
	}
	o := waitOrder(t, pool, clean.DocumentID, intake.StateDelivered)
	contrl := waitFiles(t, out, "CONTRL_*.edi", 1)
	b, _ := os.ReadFile(contrl[0])
	c, err := edifact.ParseContrl(b)
	if err != nil {
		t.Fatalf("our CONTRL does not parse: %v\n%s", err, b)
	}
	if c.InterchangeRef != "IC1" || c.Action != edifact.ActionAcknowledged || len(c.Messages) != 1 {
		t.Fatalf("CONTRL = %+v", c)
	}
	resp := readORDRSP(t, waitFiles(t, out, "ORDRSP_*.edi", 1)[0])
	if resp.Status != edifact.ResponseAccepted || resp.PONumber != "PO-1" || resp.Number != o.ERPOrderNo || resp.Lines[0].Action != edifact.LineAccepted {
		t.Fatalf("ORDRSP = %+v (erp no %q)", resp, o.ERPOrderNo)
	}
	// The order's history says what the partner was told.
	history, err := intake.OrderHistory(ctx, pool, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var told struct{ Kind, Status string }
	for _, e := range history {
		if e.Kind == intake.EventAcknowledged {
			if err := json.Unmarshal(e.Detail, &told); err != nil {
				t.Fatal(err)
			}
		}
	}
	if told.Kind != "ORDRSP" || told.Status != "accepted" {
		t.Fatalf("the history records the ORDRSP as %+v", told)
	}

	// An order the desk rejects: ORDRSP rejected with the reason.
	bad, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "b",
		Data: []byte(ediOrder("IC2", "PO-2", glnBuyer, "9", [3]string{gtinNone, "1", ""}))})
	if err != nil {
		t.Fatal(err)
	}
	o = waitOrder(t, pool, bad.DocumentID, intake.StateReview)
	if _, err := p.Reject(ctx, deskUser, o.ID, ""); err == nil {
		t.Fatal("a rejection without a reason was accepted")
	}
	if _, err := p.Reject(ctx, deskUser, o.ID, "we do not sell item 5400000000034"); err != nil {
		t.Fatal(err)
	}
	files := waitFiles(t, out, "ORDRSP_*.edi", 2)
	var rejected edifact.OrderResponse
	for _, f := range files {
		if r := readORDRSP(t, f); r.PONumber == "PO-2" {
			rejected = r
		}
	}
	if rejected.Status != edifact.ResponseRejected || rejected.Reason != "we do not sell item 5400000000034" || rejected.Lines[0].Action != edifact.LineNotAccepted {
		t.Fatalf("rejection ORDRSP = %+v", rejected)
	}
	// A price within tolerance but not the agreed one: accepted with the
	// line changed to our price.
	near, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "c",
		Data: []byte(ediOrder("IC3", "PO-3", glnBuyer, "9", [3]string{gtinCoffee, "2", "14.60"}))})
	if err != nil {
		t.Fatal(err)
	}
	waitOrder(t, pool, near.DocumentID, intake.StateDelivered)
	var changed edifact.OrderResponse
	for _, f := range waitFiles(t, out, "ORDRSP_*.edi", 3) {
		if r := readORDRSP(t, f); r.PONumber == "PO-3" {
			changed = r
		}
	}
	if changed.Status != edifact.ResponseWithChanges || changed.Lines[0].Action != edifact.LineChanged || changed.Lines[0].Price.String() != "14.5" {
		t.Fatalf("ORDRSP with changes = %+v", changed)
	}

	waitFiles(t, out, "CONTRL_*.edi", 3)
	// The file is renamed into place just before its row is marked written.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM acknowledgements WHERE written_at IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 6 {
			break
		}
		if n > 6 || time.Now().After(deadline) {
			t.Fatalf("acknowledgements recorded = %d; want 6", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := p.Reject(ctx, deskUser, o.ID, "again"); err == nil {
		t.Fatal("a rejected order was rejected twice")
	}
}

func readORDRSP(t *testing.T, path string) edifact.OrderResponse {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := edifact.ParseORDRSP(b)
	if err != nil || len(rs) != 1 {
		t.Fatalf("our ORDRSP does not parse: %v\n%s", err, b)
	}
	return rs[0]
}

// ediLines builds an EANCOM ORDERS interchange of testCatalog's customer;
// each line is {GTIN, QTY C186 after the qualifier ("12:EA"), PRI C509
// after the qualifier ("14.50", "3200:::100:H87", "" for no PRI)}.
func ediLines(ctrl, po string, lines ...[3]string) string {
	segs := []string{"UNH+1+ORDERS:D:96A:UN:EAN008", "BGM+220+" + po + "+9", "DTM+137:20261125:102",
		"DTM+2:20261203:102", "NAD+BY+" + glnBuyer + "::9", "CUX+2:EUR:9"}
	for i, l := range lines {
		segs = append(segs, fmt.Sprintf("LIN+%d++%s:EN", i+1, l[0]), "QTY+21:"+l[1])
		if l[2] != "" {
			segs = append(segs, "PRI+AAA:"+l[2])
		}
	}
	segs = append(segs, "UNS+S", fmt.Sprintf("CNT+2:%d", len(lines)))
	segs = append(segs, fmt.Sprintf("UNT+%d+1", len(segs)+1))
	return "UNA:+.? 'UNB+UNOC:3+" + glnBuyer + ":14+5498765000017:14+261125:0930+" + ctrl + "'" +
		strings.Join(segs, "'") + "'UNZ+1+" + ctrl + "'"
}

// TestOrderAcceptedAsSentIsConfirmedWithoutAmendment: units that are one
// unit in UN/ECE Rec 20 (EA, H87, PCE) and prices per 10 or 100 pieces at
// the agreed price are no change: the ORDRSP says 29 and repeats the lines
// as sent, price basis included.
func TestOrderAcceptedAsSentIsConfirmedWithoutAmendment(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	b := ediPipeline(t, func(o *intake.Options) {
		o.Acks = &intake.AckOptions{Dir: out, Us: edifact.PartyID{ID: "5498765000017", Qualifier: "14"}, Contrl: intake.ContrlNever}
	})
	o := b.receiveOne(t, "as sent", ediLines("IC7", "PO-7",
		[3]string{gtinCoffee, "12:EA", "14.50"},
		[3]string{gtinCups, "3:H87", "3200:::100:H87"},
		[3]string{gtinCoffee, "2:PCE", "145:::10:PCE"},
		[3]string{gtinCups, "1:EA", ""}))
	b.waitOrder(t, o.ID, intake.StateDelivered)
	resp := readORDRSP(t, waitFiles(t, out, "ORDRSP_*.edi", 1)[0])
	if resp.Status != edifact.ResponseAccepted {
		t.Fatalf("BGM 1225 = %s, want %s (accepted without amendment): %+v", resp.Status, edifact.ResponseAccepted, resp.Lines)
	}
	want := []string{"5 12 EA 14.5/-", "5 3 H87 3200/100", "5 2 PCE 145/10", "5 1 EA 32/-"} // our price where none was sent
	for i, l := range resp.Lines {
		price, basis := "-", "-"
		if l.Price != nil {
			price = l.Price.String()
		}
		if l.PriceBasis != nil {
			basis = l.PriceBasis.String()
		}
		if got := fmt.Sprintf("%s %s %s %s/%s", l.Action, l.Quantity, l.Unit, price, basis); i >= len(want) || got != want[i] {
			t.Errorf("line %d = %s", i+1, got)
		}
	}

	// Per unit, 14.60 is another price than the agreed 14.50 even when
	// sent per 10: the line says our price, per one piece.
	o = b.receiveOne(t, "other price", ediLines("IC8", "PO-8", [3]string{gtinCoffee, "10:EA", "146:::10:EA"}))
	b.waitOrder(t, o.ID, intake.StateDelivered)
	var changed edifact.OrderResponse
	for _, f := range waitFiles(t, out, "ORDRSP_*.edi", 2) {
		if r := readORDRSP(t, f); r.PONumber == "PO-8" {
			changed = r
		}
	}
	if l := changed.Lines[0]; changed.Status != edifact.ResponseWithChanges || l.Action != edifact.LineChanged ||
		l.Price.String() != "14.5" || l.PriceBasis != nil || l.Quantity.String() != "10" || l.Unit != "PCE" {
		t.Fatalf("ORDRSP with changes = %+v, line %+v", changed, changed.Lines[0])
	}
}

// TestORDRSPDoesNotReadTheDocumentAgain: the acknowledgement of an order
// is built from the envelope stored when its document was parsed, not by
// reading the document again (for an interchange of thousands of orders
// that was quadratic; BenchmarkAcknowledgeInterchange). The stored raw
// bytes are emptied here to show that nothing reads them.
func TestORDRSPDoesNotReadTheDocumentAgain(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	b := ediPipeline(t, func(o *intake.Options) {
		o.Acks = &intake.AckOptions{Dir: out, Contrl: intake.ContrlNever}
	})
	ctx := context.Background()
	o := b.receiveOne(t, "unknown item", ediOrder("IC9", "PO-9", glnBuyer, "9", [3]string{gtinNone, "1", ""}))
	if o.State != intake.StateReview {
		t.Fatalf("order %s", o.State)
	}
	if _, err := b.pool.Exec(ctx, `UPDATE documents SET raw = ''::bytea WHERE id = $1`, o.DocumentID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.p.Reject(ctx, deskUser, o.ID, "we do not sell item 5400000000034"); err != nil {
		t.Fatal(err)
	}
	path := waitFiles(t, out, "ORDRSP_*.edi", 1)[0]
	resp := readORDRSP(t, path)
	if resp.Status != edifact.ResponseRejected || resp.PONumber != "PO-9" {
		t.Fatalf("ORDRSP = %+v", resp)
	}
	raw, _ := os.ReadFile(path)
	// The partner's envelope, answered: UNA as it sent one, its syntax,
	// our id as it addressed us (no identity configured), to it.
	if !strings.HasPrefix(string(raw), "UNA:+.? 'UNB+UNOC:3+5498765000017:14+"+glnBuyer+":14+") {
		t.Fatalf("ORDRSP envelope: %s", raw)
	}

	// A document parsed before envelopes were stored is read again.
	o = b.receiveOne(t, "older", ediOrder("IC11", "PO-11", glnBuyer, "9", [3]string{gtinNone, "1", ""}))
	if _, err := b.pool.Exec(ctx, `DELETE FROM document_interchanges WHERE document_id = $1`, o.DocumentID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.p.Reject(ctx, deskUser, o.ID, "not sold"); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range waitFiles(t, out, "ORDRSP_*.edi", 2) {
		found = found || readORDRSP(t, f).PONumber == "PO-11"
	}
	if !found {
		t.Fatal("no ORDRSP for the order of a document without a stored envelope")
	}
}

// TestORDRSPDatesAreInTheConfiguredZone: the response date (DTM 137) and
// the UNB time stamp are the supplier's date and time, in the configured
// zone, not the machine's: shortly after 10:30 UTC it is already tomorrow
// on Kiritimati (UTC+14) and still yesterday on Pago Pago (UTC-11).
func TestORDRSPDatesAreInTheConfiguredZone(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	for _, c := range []struct{ zone, dtm, unb string }{
		{"Pacific/Kiritimati", "2026-11-26", "+261126:0030+"},
		{"Pacific/Pago_Pago", "2026-11-24", "+261124:2330+"},
	} {
		t.Run(c.zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(c.zone)
			if err != nil {
				t.Skip(err)
			}
			out := t.TempDir()
			b := ediPipeline(t, func(o *intake.Options) {
				o.Acks = &intake.AckOptions{Dir: out, Contrl: intake.ContrlNever, Location: loc, Now: func() time.Time { return now }}
			})
			o := b.receiveOne(t, "clean", ediOrder("IC10", "PO-10", glnBuyer, "9", [3]string{gtinCoffee, "1", "14.50"}))
			b.waitOrder(t, o.ID, intake.StateDelivered)
			path := waitFiles(t, out, "ORDRSP_*.edi", 1)[0]
			resp := readORDRSP(t, path)
			raw, _ := os.ReadFile(path)
			if resp.Date.String() != c.dtm || !strings.Contains(string(raw), c.unb) {
				t.Fatalf("DTM 137 = %s, want %s; UNB should have %s:\n%s", resp.Date, c.dtm, c.unb, raw)
			}
		})
	}
}
