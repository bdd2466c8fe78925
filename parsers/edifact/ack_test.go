package edifact

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

var (
	us      = PartyID{ID: "8712345000004", Qualifier: "14"}
	replyAt = time.Date(2026, 3, 15, 10, 45, 0, 0, time.UTC)
)

func readInterchanges(t *testing.T, data []byte) ([]Interchange, parsers.Result) {
	t.Helper()
	ics, res, err := New().ParseInterchanges(context.Background(), parsers.Document{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return ics, res
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkOwnOutput parses what we wrote with the inbound parser: the envelope
// counts must be right (no warnings) and the message refused as not an order.
func checkOwnOutput(t *testing.T, data []byte, typ string) {
	t.Helper()
	res, err := New().Parse(context.Background(), parsers.Document{Data: data})
	if err != nil || len(res.Warnings) > 0 || len(res.Errors) == 0 {
		t.Fatalf("our %s does not read back cleanly: %v %v %v\n%s", typ, err, res.Warnings, res.Errors, data)
	}
	for _, e := range res.Errors {
		if !e.NotOrder || e.Type != typ {
			t.Errorf("our %s: %+v", typ, e)
		}
	}
}

func TestContrl(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Contrl
		out  string // expected bytes, when given
	}{
		{name: "accepted", in: interchange("UNOC:3", []string{"BGM+220+P1+9", "LIN+1", "QTY+21:1"}),
			want: Contrl{InterchangeRef: "IC1", Sender: PartyID{"SENDER", "14"}, Recipient: PartyID{"US", "14"}, Action: ActionAcknowledged,
				Messages: []ContrlMessage{{Ref: "M1", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionAcknowledged}}},
			out: "UNB+UNOC:3+8712345000004:14+SENDER:14+260315:1045+CTRL1'UNH+1+CONTRL:D:3:UN'UCI+IC1+SENDER:14+US:14+7'UCM+M1+ORDERS:D:96A:UN:EAN008+7'UNT+4+1'UNZ+1+CTRL1'"},
		{name: "message count broken, envelope count broken", in: fixture(t, "bad_counts.edi"),
			want: Contrl{InterchangeRef: "IC9", Sender: PartyID{"SENDERA", "ZZ"}, Recipient: PartyID{"US", "ZZ"}, Action: ActionAcknowledged, Code: CodeCountMismatch, Segment: "UNZ",
				Messages: []ContrlMessage{
					{Ref: "1", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionAcknowledged},
					{Ref: "2", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionRejected, Code: CodeCountMismatch, Segment: "UNT", Element: 1},
					{Ref: "3", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionAcknowledged},
				}}},
		{name: "element error and an invoice", in: interchange("UNOA:3", []string{"BGM+220+P1+9", "LIN+1", "QTY+21:x"}, []string{"INVOIC:D:96A:UN", "BGM+380+I+9"}),
			want: Contrl{InterchangeRef: "IC1", Sender: PartyID{"SENDER", "14"}, Recipient: PartyID{"US", "14"}, Action: ActionRejected,
				Messages: []ContrlMessage{
					{Ref: "M1", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionRejected, Code: CodeInvalidDecimal, Position: 4, Element: 1, Component: 2},
					{Ref: "M2", Type: "INVOIC", Version: "D:96A:UN", Action: ActionRejected, Code: CodeValueNotSupported, Segment: "UNH", Element: 2},
				}},
			out: "UNB+UNOA:3+8712345000004:14+SENDER:14+260315:1045+CTRL1'UNH+1+CONTRL:D:3:UN'UCI+IC1+SENDER:14+US:14+4'UCM+M1+ORDERS:D:96A:UN:EAN008+4'UCS+4'UCD+19+1:2'UCM+M2+INVOIC:D:96A:UN+4+14+UNH+2'UNT+7+1'UNZ+1+CTRL1'"},
		{name: "whole-message error", in: interchange("UNOA:3", []string{"BGM+220+P1+9"}),
			want: Contrl{InterchangeRef: "IC1", Sender: PartyID{"SENDER", "14"}, Recipient: PartyID{"US", "14"}, Action: ActionRejected,
				Messages: []ContrlMessage{{Ref: "M1", Type: "ORDERS", Version: "D:96A:UN:EAN008", Action: ActionRejected, Code: CodeMissing}}}},
		{name: "partner's unusual separators", in: fixture(t, "una_unusual.edi"),
			want: Contrl{InterchangeRef: "IC7", Sender: PartyID{"SENDER1", "ZZ"}, Recipient: PartyID{"RECEIVER1", "ZZ"}, Action: ActionAcknowledged,
				Messages: []ContrlMessage{{Ref: "1", Type: "ORDERS", Version: "D:01B:UN:EAN010", Action: ActionAcknowledged}}},
			out: "UNA=*,# ~UNB*UNOA=3*8712345000004=14*SENDER1=ZZ*260315=1045*CTRL1~UNH*1*CONTRL=D=3=UN~UCI*IC7*SENDER1=ZZ*RECEIVER1=ZZ*7~UCM*1*ORDERS=D=01B=UN=EAN010*7~UNT*4*1~UNZ*1*CTRL1~"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ics, _ := readInterchanges(t, tt.in)
			c := NewContrl(ics[0])
			if !reflect.DeepEqual(c, tt.want) {
				t.Fatalf("NewContrl:\n got %+v\nwant %+v", c, tt.want)
			}
			var buf bytes.Buffer
			if err := WriteContrl(&buf, ReplyTo(ics[0], us, "CTRL1", replyAt), "1", c); err != nil {
				t.Fatal(err)
			}
			if tt.out != "" && buf.String() != tt.out {
				t.Errorf("written:\n got %s\nwant %s", buf.String(), tt.out)
			}
			back, err := ParseContrl(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Errorf("round trip:\n got %+v\nwant %+v", back, c)
			}
			checkOwnOutput(t, buf.Bytes(), "CONTRL")
		})
	}
}

func TestORDRSPRoundTrip(t *testing.T) {
	price := order.MustDecimal("12.4")
	for _, fx := range []string{"orders_d96a_crlf.edi", "una_unusual.edi", "unoc_latin1.edi"} {
		t.Run(fx, func(t *testing.T) {
			ics, res := readInterchanges(t, fixture(t, fx))
			o := res.Orders[0]
			accepted := NewOrderResponse(o, "RSP-1", order.NewDate(2026, 3, 15))
			accepted.MessageRef, accepted.Version = "1", DefaultORDRSPVersion
			per100, basis := order.MustDecimal("1240.5"), order.MustDecimal("100")
			accepted.Lines[0].Price, accepted.Lines[0].PriceBasis = &per100, &basis // PRI 5284

			changed := NewOrderResponse(o, "RSP-2", order.NewDate(2026, 3, 15))
			changed.MessageRef, changed.Version = "2", "D:01B:UN:EAN010"
			changed.Status = ResponseWithChanges
			changed.Reason = "Partial delivery: 'line 1' +changed? Müller:Straße"
			l := &changed.Lines[0]
			l.Action, l.Quantity, l.Price, l.Note = LineChanged, order.MustDecimal("7.5"), &price, "only 7,5 left"
			l.DeliveryDate = order.NewDate(2026, 4, 2)
			if len(changed.Lines) > 1 {
				changed.Lines[1].Action = LineNotAccepted
			}

			rejected := OrderResponse{MessageRef: "3", Version: DefaultORDRSPVersion, Number: "RSP-3", Status: ResponseRejected,
				Date: order.NewDate(2026, 3, 15), Reason: "unknown customer", PONumber: o.PONumber}

			out := ReplyTo(ics[0], us, "RSP0001", replyAt)
			var buf bytes.Buffer
			if err := WriteORDRSP(&buf, out, accepted, changed, rejected); err != nil {
				t.Fatal(err)
			}
			if d := ics[0].Delimiters; d != DefaultDelimiters && !bytes.HasPrefix(buf.Bytes(), []byte(d.UNA())) {
				t.Errorf("reply does not reuse the partner's UNA %q: %.20s", d.UNA(), buf.Bytes())
			}
			back, err := ParseORDRSP(buf.Bytes())
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.Bytes())
			}
			want := []OrderResponse{accepted, changed, rejected}
			if CharsetOf(ics[0].SyntaxID) == CharsetASCII {
				// Level A cannot carry letters outside ASCII: they are written as "?".
				want[1].Reason = strings.NewReplacer("ü", "?", "ß", "?").Replace(want[1].Reason)
			}
			if !reflect.DeepEqual(back, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v\n%s", back, want, buf.Bytes())
			}
			checkOwnOutput(t, buf.Bytes(), "ORDRSP")
		})
	}
}

func TestWriterEscapingAndCharset(t *testing.T) {
	tricky := "a:b+c'd?e*f Müller Łódź"
	for _, tt := range []struct {
		syntax string
		d      Delimiters
		want   string // value read back
	}{
		{"UNOC", DefaultDelimiters, "a:b+c'd?e*f Müller ?ód?"}, // Ł, ź are not Latin-1
		{"UNOD", DefaultDelimiters, tricky},
		{"UNOW", Delimiters{Component: ':', Element: '+', Decimal: '.', Release: '?', Repetition: '*', Segment: '\''}, tricky},
		{"UNOA", Delimiters{Component: '=', Element: '*', Decimal: ',', Release: '#', Segment: '~'}, "a:b+c'd?e*f M?ller ??d?"},
	} {
		t.Run(tt.syntax, func(t *testing.T) {
			ver := "3"
			if tt.d.Repetition != 0 {
				ver = "4"
			}
			var buf bytes.Buffer
			w := NewWriter(&buf, Outbound{Delimiters: tt.d, SyntaxID: tt.syntax, SyntaxVersion: ver, From: us, To: PartyID{ID: "P"}, ControlRef: "X", Prepared: replyAt, Newlines: true})
			w.BeginMessage("1", "ORDERS", "D:96A:UN")
			w.Segment("BGM", []string{"220"}, []string{"P"}, []string{"9"})
			w.Segment("NAD", []string{"BY"}, nil, nil, []string{tricky})
			w.Segment("LIN", []string{"1"})
			w.Segment("QTY", []string{"21", "1"})
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			res := parse(t, buf.Bytes())
			if len(res.Orders) != 1 || len(res.Warnings) > 0 {
				t.Fatalf("%v %v\n%s", res.Errors, res.Warnings, buf.Bytes())
			}
			eq(t, "name", res.Orders[0].Buyer.Name, tt.want)
		})
	}
}

func TestWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Outbound{Delimiters: LevelBDelimiters, SyntaxID: "UNOB", ControlRef: "X"})
	w.BeginMessage("1", "ORDRSP", "D:96A:UN")
	w.Segment("FTX", []string{"AAI"}, nil, nil, []string{"has \x1d inside"})
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "no release character") {
		t.Errorf("error %v", err)
	}
	w = NewWriter(&buf, Outbound{})
	if err := w.Close(); err == nil || !strings.HasPrefix(err.Error(), "edifact: ") {
		t.Errorf("missing control reference: %v", err)
	}
	w = NewWriter(&buf, Outbound{ControlRef: "X"})
	w.Segment("BGM")
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "outside a message") {
		t.Errorf("segment outside message: %v", err)
	}
}
