package edifact

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.edi")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("UNA:+.? 'UNB+UNOC:4+S+R'UNH+1+ORDERS:D:96A:UN'NAD+BY+A*B'UNT+3+1'UNZ+1+1'"))
	f.Add([]byte("UNB\x1DUNOB\x1F1\x1DS\x1CUNH\x1D1\x1C"))
	f.Add([]byte("UNA"))
	f.Add([]byte("UNB+'"))
}

// FuzzTokenizer: the streaming and the zero-copy scanner never panic, stay
// within MaxSegment and agree with each other on any input.
func FuzzTokenizer(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, errA := scanAll(NewBytesScanner(data))
		sc := NewScanner(iotest.HalfReader(bytes.NewReader(data)))
		sc.buf = make([]byte, 7)
		sc.MaxSegment = 1 << 16
		b, errB := scanAll(sc)
		if len(sc.buf) > sc.MaxSegment+16 {
			t.Fatalf("buffer grew to %d", len(sc.buf))
		}
		if len(data) < 1<<16 && (len(a) != len(b) || (errA == nil) != (errB == nil)) {
			t.Fatalf("scanners differ: %d %v / %d %v", len(a), errA, len(b), errB)
		}
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("segment %d: %q / %q", i, a[i], b[i])
			}
		}
	})
}

// FuzzOrders: Parse never panics or hangs, every order it returns passes
// order validation and records one source per field, and every problem is
// reported with the package prefix.
func FuzzOrders(f *testing.F) {
	addSeeds(f)
	f.Add(generateOrders(2, 3))
	p := &Parser{MaxSegment: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		ics, res, err := p.ParseInterchanges(context.Background(), parsers.Document{Data: data})
		if err != nil && !bytes.HasPrefix([]byte(err.Error()), []byte("edifact: ")) {
			t.Fatalf("error without prefix: %v", err)
		}
		for _, o := range res.Orders {
			if probs := o.Validate(); len(probs) > 0 {
				t.Fatalf("invalid order returned: %v", probs)
			}
			if d := dupSource(o.Sources); d != "" {
				t.Fatalf("order: two sources for %s", d)
			}
			for _, l := range o.Lines {
				if d := dupSource(l.Sources); d != "" {
					t.Fatalf("line %d: two sources for %s", l.LineNo, d)
				}
			}
		}
		for _, e := range res.Errors {
			if !bytes.HasPrefix([]byte(e.Message), []byte("edifact: ")) {
				t.Fatalf("message error without prefix: %q", e.Message)
			}
		}
		// The acknowledgements for whatever was read can always be written
		// and read back.
		for _, ic := range ics {
			c := NewContrl(ic)
			var buf bytes.Buffer
			if err := WriteContrl(&buf, ReplyTo(ic, us, "F1", replyAt), "1", c); err != nil {
				continue // e.g. a partner id holding a service character of a syntax without release character
			}
			if _, err := ParseContrl(buf.Bytes()); err != nil {
				t.Fatalf("own CONTRL unreadable: %v\n%s", err, buf.Bytes())
			}
		}
	})
}

// FuzzDecimal: the in-place number parser agrees with order.ParseDecimal.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"12", "2,5", ".5", "5.", ".", ",", "000123.456789", "1.2345678", "999999999999", "-1", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err1 := parseDecimal([]byte(s))
		want, err2 := order.ParseDecimal(s)
		if (err1 == nil) != (err2 == nil) || got != want {
			t.Fatalf("%q: %v %v, want %v %v", s, got, err1, want, err2)
		}
	})
}

// FuzzDTM: the date reader never panics; what it reads is a real day, a
// period never ends before it starts, and a range reads the same with and
// without its hyphen (UNCL 2379).
func FuzzDTM(f *testing.F) {
	for _, s := range [][2]string{{"20260409", "102"}, {"260409", "101"}, {"202617", "616"}, {"2026042020260424", "718"},
		{"20260420-20260424", "718"}, {"202604200800-202604241800", "719"}, {"26154", "103"}, {"26099", "105"}, {"2026042", "614"},
		{"20262", "608"}, {"202604091430+0200", "205"}, {"KW17", "ZZZ"}, {"", ""}, {"202653", "616"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, v, format string) {
		p, err := parseDTM(v, format)
		if err != nil {
			if !p.from.IsZero() || !p.to.IsZero() {
				t.Fatalf("%q/%q: error %v with a period %v", v, format, err, p)
			}
			return
		}
		for _, d := range []order.Date{p.from, p.to} {
			if d.IsZero() {
				continue
			}
			if back, err := order.ParseDate(d.String()); err != nil || back != d {
				t.Fatalf("%q/%q: %v is not a calendar day", v, format, d)
			}
		}
		if p.from.IsZero() || !p.to.IsZero() && p.to.Before(p.from) {
			t.Fatalf("%q/%q: period %v", v, format, p)
		}
		if f, ok := dtmFormats[format]; ok && strings.Contains(f.layout, "-") && !strings.Contains(v, "-") {
			h := strings.IndexByte(f.layout, '-')
			q, err := parseDTM(v[:h]+"-"+v[h:], format)
			if err != nil || q != p {
				t.Fatalf("%q/%q: %v, with its hyphen %v %v", v, format, p, q, err)
			}
		}
	})
}

// FuzzAcks: the readers of CONTRL and ORDRSP (a partner's, or our own read
// back) never panic, and say what is wrong with the package prefix.
func FuzzAcks(f *testing.F) {
	addSeeds(f)
	f.Add([]byte("UNB+UNOC:3+S+R+260101:1200+C1'UNH+1+CONTRL:D:3:UN'UCI+IC1+S+R+4'UCM+M1+ORDERS:D:96A:UN+4'UCS+4'UCD+19+1:2'UNT+6+1'UNZ+1+C1'"))
	f.Add([]byte("UNB+UNOC:3+S+R+260101:1200+O1'UNH+1+ORDRSP:D:96A:UN:EAN005'BGM+231+R1+29'DTM+137:20260101:102'RFF+ON:PO1'LIN+1+3+4012345678901:EN'QTY+21:5:PCE'UNS+S'UNT+9+1'UNZ+1+O1'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseContrl(data); err != nil && !strings.HasPrefix(err.Error(), "edifact: ") {
			t.Fatalf("CONTRL error without prefix: %v", err)
		}
		if _, err := ParseORDRSP(data); err != nil && !strings.HasPrefix(err.Error(), "edifact: ") {
			t.Fatalf("ORDRSP error without prefix: %v", err)
		}
	})
}
