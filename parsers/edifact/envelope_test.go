package edifact

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/parsers"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"UNA:+.? 'UNB+UNOC:3", true},
		{"UNB+UNOA:3+X+Y", true},
		{"\xEF\xBB\xBF\r\n  UNB+UNOA:3", true},
		{"UNA=*,# ~UNB*", true},
		{"UNB\x1DUNOB\x1F1", true},
		{"UNA::.? '", false}, // duplicate service characters
		{"UNBEKANNT", false},
		{"ISA*00*          *00*", false},
		{"STX=ANA:1+5000000000000", false},
		{"UNH+1+ORDERS:D:96A:UN'", true}, // messages without UNB: read, with a warning
		{"UNH+1'", false},
		{"#### banner\nUNB+UNOA:3+S+R'", true}, // refused with where UNB starts
		{"FNB+UNOB:1+S+R'", true},              // damaged header tag: refused, explained
		{"DOC+01=x+02=y'", false},
		{"From: buyer@example.com\r\nSubject: order\r\n\r\nUNB+UNOC:3+S+R'", false}, // a mail: the mail parser's
		{"Dear supplier, please send", false},
		{"", false},
		{"UNB", false},
	}
	p := New()
	for _, tt := range tests {
		if got := p.Sniff([]byte(tt.head), ""); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
	if p.Name() != "edifact" {
		t.Errorf("Name() = %q", p.Name())
	}
}

func TestEnvelope(t *testing.T) {
	ord := func(ref, po string) string {
		return "UNH+" + ref + "+ORDERS:D:96A:UN'BGM+220+" + po + "+9'LIN+1'QTY+21:1'UNT+5+" + ref + "'"
	}
	tests := []struct {
		name     string
		file     string // testdata file, or
		data     string // inline interchange
		pos      []string
		errs     []string // substrings, one per MessageError in order
		notOrder []bool
		warns    []string
	}{
		{name: "several messages and interchanges, a group, an invoice", file: "multi.edi",
			pos: []string{"PO-1", "PO-3", "PO-10", "PO-11"}, errs: []string{"edifact: not an order: INVOIC (invoice) message; expected ORDERS or ORDCHG"}, notOrder: []bool{true}},
		{name: "broken UNT count between good messages", file: "bad_counts.edi",
			pos: []string{"PO-1", "PO-3"}, errs: []string{"message 2 (ORDERS \"2\"): UNT #11 (file segment 21) element 1: segment count is \"99\", expected 11"}, notOrder: []bool{false},
			warns: []string{"UNZ (file segment 31) element 1: interchange control count is \"5\", expected 3 (the number of messages received)"}},
		{name: "missing UNZ keeps the messages", file: "missing_unz.edi",
			pos: []string{"PO-1", "PO-2"}, warns: []string{"interchange \"IC6\" has no UNZ trailer at the end of the file"}},
		{name: "truncated file keeps the complete message", file: "truncated.edi",
			pos: []string{"PO-1"}, errs: []string{"message 2 (ORDERS \"2\"): LIN #7 (file segment 17): file ends inside the segment (truncated?)"}, notOrder: []bool{false},
			warns: []string{"has no UNZ trailer"}},
		{name: "UNT reference mismatch", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'LIN+1'QTY+21:1'UNT+5+2'UNZ+1+I1'",
			errs: []string{"UNT #5 (file segment 6) element 2: message reference is \"2\", expected \"1\" as in UNH"}, notOrder: []bool{false}},
		{name: "missing UNT before the next UNH", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'" + ord("2", "P2") + "UNZ+2+I1'",
			pos: []string{"P2"}, errs: []string{"UNH #3 (file segment 4): message \"1\" has no UNT trailer; expected UNT before UNH"}, notOrder: []bool{false}},
		{name: "missing UNT before UNZ", data: "UNB+UNOA:3+S+R+260101:1200+I1'" + ord("1", "P1") + "UNH+2+ORDERS:D:96A:UN'BGM+220+P+9'UNZ+2+I1'",
			pos: []string{"P1"}, errs: []string{"message \"2\" has no UNT trailer; expected UNT before UNZ"}, notOrder: []bool{false}},
		{name: "UNZ reference mismatch", data: "UNB+UNOA:3+S+R+260101:1200+I1'" + ord("1", "P1") + "UNZ+1+I9'",
			pos: []string{"P1"}, warns: []string{"UNZ (file segment 7) element 2: interchange control reference is \"I9\", expected \"I1\" as in UNB"}},
		{name: "UNZ counts groups when there are groups", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNG+ORDERS+S+R+260101:1200+G1+UN+D:96A'" + ord("1", "P1") + ord("2", "P2") + "UNE+2+G1'UNZ+1+I1'",
			pos: []string{"P1", "P2"}},
		{name: "UNE count and reference", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNG+ORDERS+S+R+260101:1200+G1+UN+D:96A'" + ord("1", "P1") + "UNE+3+G1'UNG+ORDERS+S+R+260101:1200+G2+UN+D:96A'" + ord("2", "P2") + "UNE+1+G9'UNZ+2+I1'",
			pos: []string{"P1", "P2"}, warns: []string{"UNE (file segment 8) element 1: group control count is \"3\", expected 1", "UNE (file segment 15) element 2: group reference is \"G9\", expected \"G2\" as in UNG"}},
		{name: "missing UNE", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNG+ORDERS+S+R+260101:1200+G1+UN+D:96A'" + ord("1", "P1") + "UNZ+1+I1'",
			pos: []string{"P1"}, warns: []string{"group \"G1\" has no UNE trailer"}},
		{name: "missing UNZ before the next UNB", data: "UNB+UNOA:3+S+R+260101:1200+I1'" + ord("1", "P1") + "UNB+UNOA:3+S+R+260101:1200+I2'" + ord("1", "P2") + "UNZ+1+I2'",
			pos: []string{"P1", "P2"}, warns: []string{"UNB (file segment 7): interchange \"I1\" has no UNZ trailer before the next interchange"}},
		{name: "segment between messages", data: "UNB+UNOA:3+S+R+260101:1200+I1'" + ord("1", "P1") + "FTX+AAI+++stray'UNZ+1+I1'",
			pos: []string{"P1"}, warns: []string{"FTX (file segment 7): segment outside a message ignored"}},
		{name: "other message types refused", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNH+1+DESADV:D:96A:UN'BGM+351+D1+9'UNT+3+1'UNH+2+XYZABC:D:96A:UN'UNT+2+2'UNZ+2+I1'",
			errs: []string{"not an order: DESADV (despatch advice) message", "not an order: XYZABC message"}, notOrder: []bool{true, true}},
		{name: "bad syntax version", data: "UNB+UNOA:7+S+R+260101:1200+I1'" + ord("1", "P1") + "UNZ+1+I1'",
			pos: []string{"P1"}, warns: []string{"UNB (file segment 1) element 1.2: syntax version \"7\" is not supported; expected 1, 2, 3 or 4"}},
		{name: "level B separators without UNA", data: "UNB\x1DUNOB\x1F3\x1DS\x1DR\x1D260101\x1F1200\x1DI1\x1CUNH\x1D1\x1DORDERS\x1FD\x1F96A\x1FUN\x1CBGM\x1D220\x1DPB\x1D9\x1CLIN\x1D1\x1CQTY\x1D21\x1F4\x1CUNT\x1D5\x1D1\x1CUNZ\x1D1\x1DI1\x1C",
			pos: []string{"PB"}},
		{name: "damaged segment inside a message loses only that message", data: "UNB+UNOA:3+S+R+260101:1200+I1'" + ord("1", "P1") + "UNH+2+ORDERS:D:96A:UN'BGM+220+P2+9'l1N+1'QTY+21:1'UNT+5+2'" + ord("3", "P3") + "UNZ+3+I1'",
			pos: []string{"P1", "P3"}, errs: []string{"message 2 (ORDERS \"2\"): l1N #3 (file segment 9): segment tag \"l1N\" is not a valid tag"}, notOrder: []bool{false}},
		{name: "missing UNH reference", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNH++ORDERS:D:96A:UN'UNT+2+'UNZ+1+I1'",
			errs: []string{"UNH #1 (file segment 2) element 1: message reference number is missing"}, notOrder: []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.file != "" {
				var err error
				if data, err = os.ReadFile("testdata/" + tt.file); err != nil {
					t.Fatal(err)
				}
			}
			res := parse(t, data)
			var pos []string
			for _, o := range res.Orders {
				pos = append(pos, o.PONumber)
			}
			if strings.Join(pos, ",") != strings.Join(tt.pos, ",") {
				t.Errorf("orders %v, want %v", pos, tt.pos)
			}
			if len(res.Errors) != len(tt.errs) {
				t.Fatalf("errors %v, want %d", res.Errors, len(tt.errs))
			}
			for i, e := range res.Errors {
				if !strings.Contains(e.Message, tt.errs[i]) || e.NotOrder != tt.notOrder[i] {
					t.Errorf("error %d = %q (not order %v)\nwant %q (not order %v)", i, e.Message, e.NotOrder, tt.errs[i], tt.notOrder[i])
				}
				if !strings.HasPrefix(e.Message, "edifact: ") {
					t.Errorf("error %q lacks the edifact: prefix", e.Message)
				}
			}
			if len(res.Warnings) != len(tt.warns) {
				t.Fatalf("warnings %q, want %q", res.Warnings, tt.warns)
			}
			for i, w := range res.Warnings {
				if !strings.Contains(w, tt.warns[i]) {
					t.Errorf("warning %q\nwant %q", w, tt.warns[i])
				}
			}
		})
	}
}

func TestEnvelopeFields(t *testing.T) {
	data, _ := os.ReadFile("testdata/multi.edi")
	ics, res, err := New().ParseInterchanges(context.Background(), parsers.Document{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if len(ics) != 2 || ics[0].ControlRef != "IC1" || ics[1].Sender.ID != "SENDERB" || len(ics[0].Messages) != 3 || len(ics[1].Messages) != 2 {
		t.Fatalf("interchanges %+v", ics)
	}
	o := res.Orders[2]
	e := o.Envelope
	got := strings.Join([]string{e.Syntax, e.InterchangeRef, e.InterchangeFrom, e.InterchangeTo, e.GroupRef, e.MessageRef, e.MessageType, e.MessageVersion, e.AssociationCode, e.PreparationStamp}, "|")
	eq(t, "envelope", got, "UNOA:3|IC2|SENDERB|US|G1|10|ORDERS|D:96A:UN:EAN008|EAN008|260315:1031")
	if e.MessageIndex != 4 || o.Sender.ID != "SENDERB" || o.Sender.Qualifier != "ZZ" || o.Sender.Kind != "edi" {
		t.Errorf("index %d sender %+v", e.MessageIndex, o.Sender)
	}
	if !ics[0].Messages[1].NotOrder || ics[0].Messages[1].Type != "INVOIC" {
		t.Errorf("status %+v", ics[0].Messages[1])
	}
}

func TestDocumentErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "edifact: no message found in the file"},
		{"X12", "ISA*00*          *00*          *ZZ*SENDER~", "edifact: the file does not start with an interchange; expected UNA or UNB, found \"ISA*00*          *00...\": an ANSI X12 interchange, not UN/EDIFACT"},
		{"TRADACOMS", "STX=ANA:1+5000000000000:SENDER'", "a TRADACOMS file, not UN/EDIFACT"},
		{"headless, not a message", "UNH+1'BGM+220+P+9'UNT+3+1'", "edifact: the file does not start with an interchange; expected UNA or UNB, found \"UNH+1'BGM+220+P+9'UN...\""},
		{"envelope only", "UNB+UNOA:3+S+R+260101:1200+I1'UNZ+0+I1'", "edifact: no message found in the file; expected UNH"},
		{"not EDIFACT inside an envelope", "UNB+IBMA:1+LAB+ME+240809+0930+1'\nH`Name`X\nUNZ+1+1'", "edifact: no message found in the file: H (file segment 2): segment tag \"H`Name`X"},
		{"truncated UNB", "UNB+UNOA:3+S+R", "edifact: UNB (file segment 1): file ends inside the segment (truncated?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New().Parse(context.Background(), parsers.Document{Data: []byte(tt.data)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
			if len(res.Orders) != 0 {
				t.Errorf("orders from a broken file: %v", res.Orders)
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := generateOrders(200, 30)
	if _, err := New().Parse(ctx, parsers.Document{Data: data}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("error %v, want context canceled", err)
	}
}

func TestRegistry(t *testing.T) {
	data, _ := os.ReadFile("testdata/orders_d96a_crlf.edi")
	reg := parsers.NewRegistry(New())
	res, err := reg.Parse(context.Background(), parsers.Document{Name: "x.txt", Data: data})
	if err != nil || res.Format != "edifact" || len(res.Orders) != 1 {
		t.Fatalf("registry: %v %+v", err, res)
	}
	if _, err := reg.Detect(parsers.Document{Data: []byte("ISA*00*")}); err == nil {
		t.Error("X12 detected as EDIFACT")
	}
}
