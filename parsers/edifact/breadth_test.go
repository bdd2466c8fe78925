package edifact

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// The tests of issue 14 ("EDIFACT breadth"), one table per point, over
// files in testdata written the way partners send them.

func parseFile(t *testing.T, name string) (parsers.Result, error) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return New().Parse(context.Background(), parsers.Document{Name: name, Data: data})
}

// fromGLN gives an interchange built by interchange a sender that is a GLN,
// as its qualifier 14 says.
func fromGLN(data []byte) []byte {
	return []byte(strings.Replace(string(data), "+SENDER:14+", "+4001234000008:14+", 1))
}

func mustParseFile(t *testing.T, name string) parsers.Result {
	t.Helper()
	res, err := parseFile(t, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// TestShapesByVersion (point 1): each segment is checked against the
// directory of its message's version: IMD C273 has six components (the
// sixth a language code) and IMD 7081 became the composite C272 by D.01B;
// DTM 718 is read without its hyphen.
func TestShapesByVersion(t *testing.T) {
	line := []string{"QTY+21:1:PCE"}
	tests := []struct {
		name    string
		version string
		segs    []string
		err     string // "" when the message must be read
		check   func(t *testing.T, o order.PurchaseOrder)
	}{
		{"D.01B IMD with a language code", "ORDERS:D:01B:UN:EAN010",
			[]string{"LIN+1++4012345678901:SRV", "IMD+F++:::Bio-Vollmilch:1 l:de"}, "",
			func(t *testing.T, o order.PurchaseOrder) {
				eq(t, "description", o.Lines[0].Description, "Bio-Vollmilch 1 l")
			}},
		{"D.96A C273 has the language code too", "ORDERS:D:96A:UN:EAN008",
			[]string{"LIN+1++4012345678901:EN", "IMD+F++:::Milch:1 l:de"}, "", nil},
		{"D.01B C272 item characteristic composite", "ORDERS:D:01B:UN:EAN010",
			[]string{"LIN+1++4012345678901:SRV", "IMD+F+35::9+:::Rot"}, "", nil},
		{"D.96A 7081 is a simple element", "ORDERS:D:96A:UN:EAN008",
			[]string{"LIN+1++4012345678901:EN", "IMD+F+35::9+:::Rot"}, "IMD #4 (file segment 5) element 2.3: unexpected component 3; element 2 has at most 1", nil},
		{"D.01B BGM document identification C106", "ORDERS:D:01B:UN:EAN010",
			[]string{"LIN+1++4012345678901:SRV"}, "", nil},
		{"a release between D.96A and D.01B gets the larger shapes", "ORDERS:D:99B:UN",
			[]string{"LIN+1++4012345678901:SRV", "IMD+F+35::9+:::Rot"}, "", nil},
		{"a seventh C273 component is an unreleased colon", "ORDERS:D:01B:UN:EAN010",
			[]string{"LIN+1++4012345678901:SRV", "IMD+F++:::Hühnersuppe ohne:Einlage 1:10 und Soße 1:6"}, "IMD #4 (file segment 5) element 3.7: unexpected component 7; element 3 has at most 6", nil},
		{"DTM 718 without hyphen", "ORDERS:D:96A:UN:EAN008",
			[]string{"DTM+2:2026042020260424:718", "LIN+1++4012345678901:EN"}, "",
			func(t *testing.T, o order.PurchaseOrder) {
				eq(t, "window", o.DeliveryEarliest.String()+".."+o.DeliveryLatest.String(), "2026-04-20..2026-04-24")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bgm := "BGM+220+PO-1+9"
			if strings.Contains(tt.version, "01B") {
				bgm = "BGM+220:::Bestellung+PO-1:1+9"
			}
			body := append(append([]string{tt.version, bgm}, tt.segs...), line...)
			res := parse(t, fromGLN(interchange("UNOC:3", body)))
			if tt.err != "" {
				if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, tt.err) {
					t.Fatalf("errors %v, want %q", res.Errors, tt.err)
				}
				return
			}
			if len(res.Errors) > 0 || len(res.Orders) != 1 || len(res.Warnings) > 0 {
				t.Fatalf("errors %v warnings %v", res.Errors, res.Warnings)
			}
			if tt.check != nil {
				tt.check(t, res.Orders[0])
			}
		})
	}
	res := mustParseFile(t, "d01b_imd_language.edi")
	if len(res.Orders) != 1 || len(res.Errors) > 0 || len(res.Warnings) > 0 {
		t.Fatalf("d01b_imd_language.edi: %+v", res)
	}
	o := res.Orders[0]
	eq(t, "file: description", o.Lines[0].Description, "Bio-Vollmilch 3,8% 1 l Glasflasche")
	eq(t, "file: delivery window", o.DeliveryDate.String()+" "+o.DeliveryEarliest.String()+".."+o.DeliveryLatest.String(), "2026-04-20 2026-04-20..2026-04-24")
}

// TestDateFormats (point 2): the formats of UNCL 2379 partners use are
// read; an unknown one is a warning on that date; the order date comes
// from DTM 137 or DTM 4; 63, 64 and 69 are kept as what they are.
func TestDateFormats(t *testing.T) {
	tests := []struct {
		value, format, from, to string // to "" for one day; from "" for an error
	}{
		{"260409", "101", "2026-04-09", ""},
		{"20260409", "102", "2026-04-09", ""},
		{"202604091430", "203", "2026-04-09", ""},
		{"20260409143000", "204", "2026-04-09", ""},
		{"090426", "2", "2026-04-09", ""},
		{"09042026", "4", "2026-04-09", ""},
		{"26154", "103", "2026-04-09", ""}, // week 15, Thursday
		{"26099", "105", "2026-04-09", ""},
		{"202604091430+0200", "205", "2026-04-09", ""},
		{"2604091430CET", "301", "2026-04-09", ""},
		{"202604", "610", "2026-04-01", "2026-04-30"},
		{"2026042", "614", "2026-04-16", "2026-04-30"},
		{"202617", "616", "2026-04-20", "2026-04-26"},
		{"202601", "616", "2025-12-29", "2026-01-04"}, // ISO week 1 starts in the year before
		{"202053", "616", "2020-12-28", "2021-01-03"}, // 2020 and 2026 have 53 weeks
		{"202653", "616", "2026-12-28", "2027-01-03"},
		{"20262", "608", "2026-04-01", "2026-06-30"},
		{"2026042020260424", "718", "2026-04-20", "2026-04-24"},
		{"20260420-20260424", "718", "2026-04-20", "2026-04-24"},
		{"260420260424", "717", "2026-04-20", "2026-04-24"},
		{"202604200800202604241800", "719", "2026-04-20", "2026-04-24"},
		{"202604200800-202604241800", "719", "2026-04-20", "2026-04-24"},
		{"202616202618", "716", "2026-04-13", "2026-05-03"},
		{"20260409", "", "2026-04-09", ""},
		{"202617", "", "", ""},              // no format, not a date length
		{"202553", "616", "", ""},           // 2025 has 52 weeks
		{"20260230", "102", "", ""},         // no such day
		{"2026042420260420", "718", "", ""}, // ends before it starts
		{"0409", "106", "", ""},             // a month and day without year
		{"20260409", "999", "", ""},         // not in UNCL 2379
	}
	for _, tt := range tests {
		p, err := parseDTM(tt.value, tt.format)
		switch {
		case tt.from == "" && err == nil:
			t.Errorf("%s/%s: read as %v, want an error", tt.value, tt.format, p)
		case tt.from != "" && err != nil:
			t.Errorf("%s/%s: %v", tt.value, tt.format, err)
		case tt.from != "" && (p.from.String() != tt.from || p.to.String() != tt.to):
			t.Errorf("%s/%s: %s..%s, want %s..%s", tt.value, tt.format, p.from, p.to, tt.from, tt.to)
		}
	}

	res := mustParseFile(t, "dates_formats.edi")
	if len(res.Orders) != 2 || len(res.Errors) > 0 {
		t.Fatalf("dates_formats.edi: %d orders, errors %v", len(res.Orders), res.Errors)
	}
	o := res.Orders[0]
	eq(t, "order date from DTM 4 (101)", o.OrderDate.String(), "2026-04-09")
	eq(t, "delivery from earliest (64, 203)", o.DeliveryDate.String(), "2026-04-20")
	eq(t, "window 64..63", o.DeliveryEarliest.String()+".."+o.DeliveryLatest.String(), "2026-04-20..2026-04-24")
	eq(t, "promised (69)", o.DeliveryPromised.String(), "2026-04-22")
	for i, want := range []string{"2026-04-20 2026-04-20..2026-04-26", "2026-04-21 2026-04-21..2026-04-21", "2026-04-23 ..", "2026-04-27 ..", " .."} {
		l := o.Lines[i]
		if got := l.DeliveryDate.String() + " " + l.Schedule().DeliveryEarliest.String() + ".." + l.Schedule().DeliveryLatest.String(); got != want {
			t.Errorf("line %d: %s, want %s", l.LineNo, got, want)
		}
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], `DTM #22 (file segment 23) element 1.2: requested delivery date: date format "ZZZ" is not a format of code list 2379`) {
		t.Errorf("order warnings %q", o.Warnings)
	}
	o = res.Orders[1]
	eq(t, "DTM 137 wins over DTM 4", o.OrderDate.String(), "2026-04-10")
	eq(t, "requested period 717", o.DeliveryDate.String()+" "+o.DeliveryEarliest.String()+".."+o.DeliveryLatest.String(), "2026-04-27 2026-04-27..2026-04-30")
}

// TestIdentifiersKept (point 3): every item identification is kept with
// its UNCL 7143 type; a second different number of one kind is a warning;
// numbers of another product (PIA 4347 = 3) become a note.
func TestIdentifiersKept(t *testing.T) {
	res := mustParseFile(t, "identifiers_books.edi")
	if len(res.Orders) != 1 || len(res.Errors) > 0 {
		t.Fatalf("%+v", res)
	}
	o := res.Orders[0]
	ids := func(l order.Line) string {
		var s []string
		for _, id := range l.Identifiers {
			s = append(s, id.Qualifier.String()+"="+id.Value)
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		line                       int
		ids, gtin, buyer, supplier string
		source                     string // of identifiers[0]
		notes                      string
	}{
		{1, "IB=9783161484100", "", "", "", "LIN #6 element 3.1", ""},
		{2, "IB=0-306-40615-2", "", "", "", "LIN #9 element 3.1", ""},
		{3, "VN=V-77812", "", "", "V-77812", "LIN #12 element 3.1", ""},
		{4, "SRS=5738221", "", "", "", "PIA #15 element 2.1", ""},
		{5, "MF=MF-3340 SA=ART-5", "", "", "ART-5", "LIN #18 element 3.1", ""},
		{6, "EN=4012345678901 SRV=04012345678901", "4012345678901", "", "", "LIN #21 element 3.1", ""},
		{7, "EN=4012345678918 EN=4012345678925", "4012345678918", "", "", "LIN #24 element 3.1", ""},
		{8, "EN=4012345678932", "4012345678932", "", "", "LIN #27 element 3.1", "PIA+3 (substituted by): EAN 4012345678949 (EN)"},
	}
	for _, tt := range tests {
		l := o.Lines[tt.line-1]
		got := []string{ids(l), l.GTIN, l.BuyerItem, l.SupplierItem, l.IdentifierSource(0).String(), strings.Join(l.Notes, "|")}
		want := []string{tt.ids, tt.gtin, tt.buyer, tt.supplier, tt.source, tt.notes}
		if strings.Join(got, ";") != strings.Join(want, ";") {
			t.Errorf("line %d:\n got %q\nwant %q", tt.line, got, want)
		}
	}
	// The MF number leaves SupplierItem to the SA number, and keeps its
	// own source; one place is recorded once.
	if l := o.Lines[4]; l.IdentifierSource(1).String() != "PIA #19 element 2.1" || l.Sources.Get("supplier_item").String() != "PIA #19 element 2.1" {
		t.Errorf("line 5 sources %v", l.Sources)
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "line 7 has a second EAN 4012345678925 (EN); the first, EAN 4012345678918 (EN), is used") {
		t.Errorf("warnings %q", o.Warnings)
	}
}

// TestSplitDeliveries (point 4): segment group 33 under LIN keeps every
// place, quantity and date; a single LOC is only the line's place.
func TestSplitDeliveries(t *testing.T) {
	res := mustParseFile(t, "split_delivery.edi")
	if len(res.Orders) != 1 || len(res.Errors) > 0 {
		t.Fatalf("%+v", res)
	}
	o := res.Orders[0]
	show := func(l order.Line) string {
		var s []string
		for _, d := range l.Schedule().Deliveries {
			s = append(s, d.Location+" "+d.Quantity.String()+" "+d.Date.String())
		}
		return l.Quantity.String() + " at " + l.Location + ": " + strings.Join(s, ", ")
	}
	for i, want := range []string{
		"300 at 4001234000015: 4001234000015 100 2026-04-21, 4001234000022 120 2026-04-22, 4001234000039 80 2026-04-23",
		"60 at 4001234000022: 4001234000022 40 , 4001234000039 20 ", // no QTY+21: the parts add up
		"50 at 4001234000022: 4001234000022 30 , 4001234000039 10 ",
		"12 at 4001234000039: ",
	} {
		if got := show(o.Lines[i]); got != want {
			t.Errorf("line %d: %s\nwant %s", i+1, got, want)
		}
	}
	if src := o.Lines[0].Sources.Get("deliveries[2]").String(); src != "LOC #15 element 2.1" {
		t.Errorf("source of the third delivery %q", src)
	}
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "line 3: its deliveries add up to 40, the line orders 50") {
		t.Errorf("warnings %q", o.Warnings)
	}
}

// TestLostMessages (point 5): a message that cannot be read is an error of
// that message, never only warnings; the ones around it are kept.
func TestLostMessages(t *testing.T) {
	ok := func(ref, po string) string {
		return "UNH+" + ref + "+ORDERS:D:96A:UN'BGM+220+" + po + "+9'LIN+1++4012345678901:EN'QTY+21:1'UNT+5+" + ref + "'"
	}
	tests := []struct {
		name  string
		file  string
		data  string
		pos   string
		err   string
		index int
		ref   string
	}{
		{name: "damaged UNH tag", file: "damaged_unh.edi", pos: "4500017731", index: 1, ref: "1",
			err: `edifact: message 1 (ORDERS "1"): UNH #1 (file segment 3): the message header is damaged or missing: a segment with the damaged tag "U#H" (file segment 3, byte 83, line 3) stands where UNH should, and the 7 segments from it up to UNT (file segment 10) could not be read as a message; the UNT count, 8, takes that segment for the UNH`},
		{name: "UNH tag of valid letters", data: "UNB+UNOA:3+S+R+260101:1200+I1'UNX+1+ORDERS:D:96A:UN'BGM+220+P1+9'LIN+1'QTY+21:1'UNT+5+1'" + ok("2", "P2") + "UNZ+2+I1'",
			pos: "P2", index: 1, ref: "1", err: `message 1 (ORDERS "1"): UNH #1 (file segment 2): the message header is damaged or missing: segment "UNX"`},
		{name: "UNH and UNT both lost", data: "UNB+UNOA:3+S+R+260101:1200+I1'BGM+220+P1+9'LIN+1'QTY+21:1'" + ok("2", "P2") + "UNZ+2+I1'",
			pos: "P2", index: 1, err: `message 1 (reference ""): UNH #1 (file segment 2): segments with a BGM (an order?) stand outside a message from file segment 2, byte 30, line 1 on`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res parsers.Result
			if tt.file != "" {
				res = mustParseFile(t, tt.file)
			} else {
				res = parse(t, []byte(tt.data))
			}
			if len(res.Orders) != 1 || res.Orders[0].PONumber != tt.pos {
				t.Errorf("orders %+v, want %s", res.Orders, tt.pos)
			}
			if len(res.Errors) != 1 {
				t.Fatalf("errors %v, want one; warnings %q", res.Errors, res.Warnings)
			}
			e := res.Errors[0]
			if !strings.Contains(e.Message, tt.err) || e.Index != tt.index || e.Ref != tt.ref || e.NotOrder {
				t.Errorf("error %+v\nwant %q, index %d, ref %q", e, tt.err, tt.index, tt.ref)
			}
			if o := res.Orders[0]; o.Envelope.MessageIndex != tt.index+1 {
				t.Errorf("the good order is message %d, want %d", o.Envelope.MessageIndex, tt.index+1)
			}
			for _, w := range res.Warnings {
				if strings.Contains(w, "control count") {
					t.Errorf("the lost message must count: %s", w)
				}
			}
		})
	}
	// A stray segment between messages is still only a warning.
	res := parse(t, []byte("UNB+UNOA:3+S+R+260101:1200+I1'"+ok("1", "P1")+"FTX+AAI+++stray'"+ok("2", "P2")+"UNZ+2+I1'"))
	if len(res.Orders) != 2 || len(res.Errors) != 0 || len(res.Warnings) != 1 {
		t.Errorf("stray FTX: %+v", res)
	}
}

// TestEnvelopeExplained (point 6): a damaged UNB, junk before UNB and
// segments ending in line breaks are refused saying what and where; a file
// of messages without UNB is read with a warning.
func TestEnvelopeExplained(t *testing.T) {
	tests := []struct {
		file, err string
		orders    int
		warn      string
	}{
		{file: "damaged_unb.edi", err: `edifact: the interchange header is damaged: the file starts with "UN8+UNOC:3+400123400..." (byte 0, line 1) where the segment tag UNB is expected`},
		{file: "junk_before_unb.edi", err: `edifact: the file has 77 bytes before the interchange header UNA at byte 77, line 3: "=== EDI export 2026-..."`},
		{file: "newline_terminated.edi", err: `edifact: UNB (file segment 1): no segment terminator '\'' found: the segments end in line breaks instead (the first at byte 63, line 1, before "UNH+1+ORDERS:D:96A:U...")`},
		{file: "no_unb.edi", orders: 2, warn: "UNH (file segment 1): the file has no interchange header (UNB): its messages are read without the sender"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if !New().Sniff(data[:min(len(data), 4096)], "") {
				t.Error("not sniffed: the registry would say only \"unsupported format\"")
			}
			res, err := parseFile(t, tt.file)
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v\nwant %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatal(err)
			}
			if len(res.Orders) != tt.orders || len(res.Errors) > 0 {
				t.Errorf("orders %d errors %v", len(res.Orders), res.Errors)
			}
			if tt.warn != "" && (len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], tt.warn)) {
				t.Errorf("warnings %q, want %q", res.Warnings, tt.warn)
			}
		})
	}
	// A UNB with separators of its own and no UNA.
	_, err := New().Parse(context.Background(), parsers.Document{Data: []byte("UNB*UNOC:3*S*R*260101:1200*I1'UNH*1*ORDERS:D:96A:UN'UNT*2*1'UNZ*1*I1'")})
	if err == nil || !strings.Contains(err.Error(), `UNB is followed by '*', not the data element separator '+' (at byte 0, line 1), and no UNA service string advice names '*'`) {
		t.Errorf("UNB with '*': %v", err)
	}
	// The streaming reader says the same, line numbers and all.
	data, _ := os.ReadFile("testdata/newline_terminated.edi")
	_, _, err = New().ReadFrom(context.Background(), strings.NewReader(string(data)))
	if err == nil || !strings.Contains(err.Error(), "the first at byte 63, line 1") {
		t.Errorf("stream: %v", err)
	}
}

// TestStructure (point 7): repetition limits and segment order of the
// directory's segment table, repeated message references, a second QTY 21
// and repeated line numbers are warnings on the order; a second BGM in one
// message (orders glued together) is an error of that message.
func TestStructure(t *testing.T) {
	res := mustParseFile(t, "structure.edi")
	if len(res.Orders) != 2 || len(res.Errors) != 1 {
		t.Fatalf("orders %d errors %v", len(res.Orders), res.Errors)
	}
	want := [][]string{
		{"DTM #38 (file segment 39): segment DTM occurs 36 times at position 0030; ORDERS D.96A allows at most 35",
			"QTY #42 (file segment 43) element 1.2: line 1 has a second ordered quantity (QTY+21) 12 PCE; the first, 10 PCE, is used",
			"LIN #43 (file segment 44) element 1: line number 1 is used a second time in this order"},
		{"CUX #7 (file segment 54): segment CUX is not allowed after QTY in segment group 25 in ORDERS D.96A (out of order); read anyway"},
	}
	for i, o := range res.Orders {
		if len(o.Warnings) != len(want[i]) {
			t.Fatalf("order %s warnings %q, want %q", o.PONumber, o.Warnings, want[i])
		}
		for j, w := range want[i] {
			if !strings.Contains(o.Warnings[j], w) {
				t.Errorf("order %s warning %d = %q\nwant %q", o.PONumber, j, o.Warnings[j], w)
			}
		}
	}
	if q := res.Orders[0].Lines[0].Quantity.String(); q != "10" {
		t.Errorf("the first QTY+21 is kept: %s", q)
	}
	if !strings.Contains(res.Errors[0].Message, `message 3 (ORDERS "3"): BGM #6 (file segment 62): a second BGM (document "4500017753") in message of order "4500017752": one message holds one order`) {
		t.Errorf("error %q", res.Errors[0].Message)
	}
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w, `UNH (file segment 48) element 1: message reference "1" of message 2 was already used by message 1 of interchange "ST0410"`)
	}
	if !found {
		t.Errorf("no warning for the repeated message reference: %q", res.Warnings)
	}
	// Many misplaced segments say so a few times, then count the rest.
	body := []string{"BGM+220+P+9", "LIN+1++4012345678901:EN", "QTY+21:1"}
	for range 20 {
		body = append(body, "CUX+2:EUR:9")
	}
	o := parse(t, interchange("UNOA:3", body)).Orders[0]
	if len(o.Warnings) != maxStructureWarnings+1 || !strings.Contains(o.Warnings[maxStructureWarnings], "15 more segments out of place") {
		t.Errorf("warnings %q", o.Warnings)
	}
}

// TestIdentifierChecks (point 8): GLNs and GTINs that fail their check
// digit are flagged where they are read; an id with agency 9 that is no
// GLN stays an id with its agency code.
func TestIdentifierChecks(t *testing.T) {
	res := mustParseFile(t, "check_digits.edi")
	if len(res.Orders) != 1 || len(res.Errors) > 0 {
		t.Fatalf("%+v", res)
	}
	o := res.Orders[0]
	if o.Buyer.GLN != "" || o.Buyer.ID != "PARTNER1" || o.Buyer.CodeList != "9" {
		t.Errorf("buyer %+v", o.Buyer)
	}
	if o.ShipTo.GLN != "4001234000016" || o.Invoicee.GLN != "4001234000008" {
		t.Errorf("ship-to %+v invoicee %+v", o.ShipTo, o.Invoicee)
	}
	wantOrder := []string{
		`NAD #4 (file segment 5) element 2.1: NAD+BY party id "PARTNER1" is marked as a GS1 GLN (code list agency 9) but is not 13 digits; kept as a party id`,
		`NAD #5 (file segment 6) element 2.1: NAD+DP GLN 4001234000016 has a wrong check digit (GS1 modulo 10)`,
	}
	if len(o.Warnings) != len(wantOrder) {
		t.Fatalf("order warnings %q", o.Warnings)
	}
	for i, w := range wantOrder {
		if !strings.Contains(o.Warnings[i], w) {
			t.Errorf("order warning %q\nwant %q", o.Warnings[i], w)
		}
	}
	// The GTIN is flagged in the result; matching says INVALID_GTIN itself.
	if len(res.Warnings) != 3 || !strings.Contains(res.Warnings[2], "LIN #7 (file segment 8) element 3.1: line 1: GTIN 4012345678900 has a wrong check digit") {
		t.Errorf("result warnings %q", res.Warnings)
	}
	// A UNB sender marked as a GLN (qualifier 14) is checked too.
	res = parse(t, []byte("UNB+UNOA:3+4001234000009:14+R+260101:1200+I1'UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'LIN+1'QTY+21:1'UNT+5+1'UNZ+1+I1'"))
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `UNB (file segment 1) element 2.1: interchange sender "4001234000009" is marked as a GLN (qualifier 14) but is not a GLN`) {
		t.Errorf("UNB sender: %q", res.Warnings)
	}
}
