package edifact

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

// corpusDir is the shared corpus of real EDI files (not copied into the
// repository): $ORDERGATE_CORPUS, or ../shared/corpus next to the repository.
func corpusDir() string {
	if d := os.Getenv("ORDERGATE_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "corpus")
}

// expectation is how a corpus file must behave.
type expectation struct {
	sniff     bool     // Sniff must accept the file
	docErr    string   // Parse must fail with this text; "" means it must not fail
	orders    int      // orders that must come out
	notOrders int      // messages refused as "not an order"
	broken    []string // other message errors, in order, by a piece of their text
	warns     []string // envelope warnings, in order, by a piece of their text
}

// quirks are the files whose MANIFEST notes say they are damaged or odd,
// with what the parser must do about it. Keys are paths under edi/.
var quirks = map[string]expectation{
	// Junk banner before UNB ("needs preprocessing"): refused as a whole,
	// saying where the interchange starts.
	"bots-plugins/demo/preprocessing/botssys/infile/edifact_xml/edifact/0T0000000004.edi": {sniff: true, docErr: "the file has 132 bytes before the interchange header UNB at byte 132, line 3: \"####"},
	// bots test files with BGM 1225=46 (provisional) and an order without lines.
	"bots-plugins/demo/one-on-one_edifact_order_xml/botssys/infile/edifactorder2xml/edi/orders02.edi": {sniff: true, orders: 21,
		broken: []string{"the order has no lines", "BGM #2 (file segment 155) element 3: message function code \"46\" is not supported", "BGM #2 (file segment 220) element 3: message function code \"46\""}},
	"bots-plugins/demo/one-on-one_edifact_order_xml/botssys/infile/outfile/edifactorder2xml/edi/1.edi": {sniff: true, orders: 23,
		broken: []string{"the order has no lines", "message function code \"46\" is not supported", "message function code \"46\" is not supported"}},
	"bots-plugins/edifact/orders_to_csv/botssys/infile/csvdemo/edi2csv/test.edi": {sniff: true, orders: 3, broken: []string{"message function code \"46\" is not supported"}},
	// "DELIBERATELY BAD pair of example_order_ok.edi: unescaped ':' inside IMD text".
	// D.01B C273 has six components (the sixth a language code): the seventh
	// is the text's second unescaped colon.
	"php-edifact/tests/files/example_order_error.edi": {sniff: true, broken: []string{"IMD #359 (file segment 361) element 3.7: unexpected component 7; element 3 has at most 6 (unescaped ':' in the data? it must be released)"}},
	// "PERF FILE: synthetic (UNT count and UNZ wrong/missing)": 8,432 copies
	// of BGM, NAD, LIN inside one UNH; not one order of 16,864 lines.
	"pydifact/tests/data/huge_file2.edi": {sniff: true, broken: []string{"BGM #15 (file segment 17): a second BGM (document \"801715918011\") in message of order \"801715918011\": one message holds one order"}, warns: []string{"interchange \"1\" has no UNZ trailer"}},
	// "no UNZ": envelope-only damage, the order is kept.
	"pydifact/tests/data/order.edi":  {sniff: true, orders: 1, warns: []string{"interchange \"807\" has no UNZ trailer"}},
	"pydifact/tests/data/order2.edi": {sniff: true, orders: 1, warns: []string{"interchange \"000000001\" has no UNZ trailer"}},
	// Wikipedia's example: UNZ repeats the application reference, not the control reference.
	"pydifact/tests/data/wikipedia_de.edi": {sniff: true, orders: 1, warns: []string{"UNZ (file segment 12) element 2: interchange control reference is \"1234567\", expected \"1\""}},
	// "UNG/UNE functional group around ORDERS; UNT count does not match (21 vs 18)".
	"staedi/src/test/resources/EDIFACT/orders-with-group.edi": {sniff: true, broken: []string{"UNT #18 (file segment 20) element 1: segment count is \"21\", expected 18"}},
	// "NOT EDIFACT (HL7-like in EDIFACT envelope)".
	"pydifact/tests/data/hl7.lab": {sniff: true, docErr: "no message found in the file: H (file segment 2): segment tag",
		warns: []string{"segment tag \"H`Normalverbraucher`...\" is not a valid tag", "has no UNZ trailer"}},
	// "NOT EDIFACT (Sage proprietary)": a proprietary DOC line, then an
	// interchange; refused, saying so. "Interchange header missing/invalid":
	// the UNB tag is damaged (FNB); refused, saying so.
	"pydifact/tests/data/sage_coala.ped":                                         {sniff: true, docErr: "the file has 362 bytes before the interchange header UNA at byte 362, line 1: \"DOC+"},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_InvalidHeader.txt": {sniff: true, docErr: "the interchange header is damaged: the file starts with \"FNB+UNOB:1+102096559...\" (byte 0, line 1) where the segment tag UNB is expected"},
	// Envelope damage in files of other message types: still refused, and the damage reported.
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_InvalidTrailers.txt":           {sniff: true, notOrders: 1, warns: []string{"1r (file segment 44): file ends inside the segment"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MissingGroupTrailer.txt":       {sniff: true, notOrders: 1, warns: []string{"group \"5\" has no UNE trailer"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MissingInterchangeTrailer.txt": {sniff: true, notOrders: 2, warns: []string{"interchange \"131\" has no UNZ trailer before the next interchange"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInvalidInterchanges.txt": {sniff: true, notOrders: 3,
		warns: []string{"LNB (file segment 43): segment outside a message ignored", dupRef(2), "UNZ (file segment 85) element 1: interchange control count is \"1\", expected 2"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInvalidMessages.txt": {sniff: true, notOrders: 5, warns: []string{dupRef(2), dupRef(3), dupRef(4), dupRef(5), "interchange control count is \"1\", expected 5"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_ValidAndInvalidMessage.txt":  {sniff: true, notOrders: 2, warns: []string{dupRef(2), "interchange control count is \"1\", expected 2"}},
	// A bots demo interchange of two invoices with one message reference.
	"bots-plugins/demo/xml_enveloping/botssys/infile/demo_xml_envelope/edifact/invoic01.edi": {sniff: true, notOrders: 2,
		warns: []string{"UNH (file segment 83) element 1: message reference \"111425\" of message 2 was already used by message 1 of interchange \"4\""}},
	// The edifabric files repeat one message reference in an interchange.
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleMessages.txt":      {sniff: true, notOrders: 2, warns: []string{dupRef(2)}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleGroups.txt":        {sniff: true, notOrders: 2, warns: []string{dupRef(2)}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_GroupMultipleMessages.txt": {sniff: true, notOrders: 2, warns: []string{dupRef(2)}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInterchange.txt":   {sniff: true, notOrders: 2},
	"edifabric-lgpl/UnitTests/Edi/Edifact_INVOIC_D00A_Val_NoControlNumber.txt":           {sniff: true, broken: []string{"UNH #1 (file segment 2) element 1: message reference number is missing"}},
	"pydifact/tests/data/patient1.edi":                                                   {sniff: true, notOrders: 1, warns: []string{"interchange control reference is \"1\", expected \"1623\""}},
	"pydifact/tests/data/patient2.edi":                                                   {sniff: true, notOrders: 1, warns: []string{"interchange control reference is \"1\", expected \"0902\""}},
	"pydifact/tests/data/patient3.edi":                                                   {sniff: true, notOrders: 1, warns: []string{"interchange \"1242\" has no UNZ trailer"}},
}

// dupRef is the warning of message n of the edifabric files, which repeat
// the reference of message 1.
func dupRef(n int) string {
	return fmt.Sprintf("message reference \"509010117\" of message %d was already used by message 1 of interchange \"131\"", n)
}

// expected derives what a file must do from its MANIFEST row: X12 and other
// formats are not sniffed and fail; EDIFACT ORDERS become orders, other
// message types are refused as not orders. quirks override.
func expected(path, types, notes string) expectation {
	if q, ok := quirks[path]; ok {
		return q
	}
	if !strings.Contains(notes, "format=EDIFACT;") && !strings.HasPrefix(notes, "format=EDIFACT;") {
		return expectation{docErr: "the file does not start with an interchange"}
	}
	e := expectation{sniff: true}
	for _, part := range strings.Split(types, ";") {
		n := 1
		if i := strings.LastIndex(part, " x"); i > 0 {
			n, _ = strconv.Atoi(part[i+2:])
		}
		typ, _, _ := strings.Cut(part, ":")
		if typ == "ORDERS" || typ == "ORDCHG" {
			e.orders += n
		} else {
			e.notOrders += n
		}
	}
	return e
}

// TestCorpus runs every file of the shared corpus and reports each one
// that behaves unexpectedly, and why.
func TestCorpus(t *testing.T) {
	dir := corpusDir()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("no corpus at %s (set ORDERGATE_CORPUS): %v", dir, err)
	}
	defer f.Close()
	p := New()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var files, edifact int
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 6 || cols[0] == "file" {
			continue
		}
		path, types, notes := cols[0], cols[4], cols[5]
		rel := strings.TrimPrefix(path, "edi/")
		want := expected(rel, types, notes)
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		files++
		if want.sniff {
			edifact++
		}
		var probs []string
		head := data[:min(len(data), 4096)]
		if got := p.Sniff(head, ""); got != want.sniff {
			probs = append(probs, "Sniff = "+strconv.FormatBool(got))
		}
		res, err := p.Parse(context.Background(), parsers.Document{Name: filepath.Base(path), Data: data})
		switch {
		case want.docErr != "" && err == nil:
			probs = append(probs, "parsed, want error "+strconv.Quote(want.docErr))
		case want.docErr != "" && !strings.Contains(err.Error(), want.docErr):
			probs = append(probs, "error "+strconv.Quote(err.Error())+", want "+strconv.Quote(want.docErr))
		case want.docErr == "" && err != nil:
			probs = append(probs, "error "+err.Error())
		}
		if err != nil && !strings.HasPrefix(err.Error(), "edifact: ") {
			probs = append(probs, "error without the edifact: prefix")
		}
		if len(res.Orders) != want.orders {
			probs = append(probs, "orders "+strconv.Itoa(len(res.Orders))+", want "+strconv.Itoa(want.orders))
		}
		for _, o := range res.Orders {
			if v := o.Validate(); len(v) > 0 || o.Format != "edifact" || o.Sender.Kind != "edi" || o.Sources.Get("po_number").Segment.String() != "BGM" || o.Envelope == nil {
				probs = append(probs, "order "+o.PONumber+" is incomplete: "+strings.Join(v, "; "))
			}
			if d := dupSource(o.Sources); d != "" {
				probs = append(probs, "order "+o.PONumber+": two sources for "+d)
			}
			for _, l := range o.Lines {
				if d := dupSource(l.Sources); d != "" {
					probs = append(probs, "order "+o.PONumber+" line "+strconv.Itoa(l.LineNo)+": two sources for "+d)
				}
				if l.Sources.Get("quantity").Segment.String() != "QTY" {
					probs = append(probs, "order "+o.PONumber+" line "+strconv.Itoa(l.LineNo)+" has no source for its quantity")
				}
			}
		}
		var notOrders int
		var broken []string
		for _, e := range res.Errors {
			if e.NotOrder {
				notOrders++
				if !strings.Contains(e.Message, "not an order: "+e.Type) {
					probs = append(probs, "refusal without reason: "+e.Message)
				}
			} else {
				broken = append(broken, e.Message)
			}
		}
		if notOrders != want.notOrders {
			probs = append(probs, "refused as not orders "+strconv.Itoa(notOrders)+", want "+strconv.Itoa(want.notOrders))
		}
		probs = append(probs, matchAll("message error", broken, want.broken)...)
		var warns []string
		for _, w := range res.Warnings {
			if flagged, bad := identifierFlag(w); flagged {
				if bad != "" {
					probs = append(probs, bad)
				}
				continue
			}
			warns = append(warns, w)
		}
		probs = append(probs, matchAll("warning", warns, want.warns)...)
		if len(probs) > 0 {
			t.Errorf("%s (%s):\n\t%s", rel, types, strings.Join(probs, "\n\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d corpus files, %d of them sniffed as EDIFACT", files, edifact)
	if files == 0 {
		t.Error("empty MANIFEST")
	}
}

// The warnings that flag an identifier where it is read (issue 14): the
// corpus is full of demo numbers such as PARTNER1 marked as GLNs and
// 8712345678901, whose check digit is wrong. They are not compared one by
// one; instead each must flag a number that really is wrong.
var (
	flagGLN     = regexp.MustCompile(`GLN (\d+) has a wrong check digit`)
	flagGTIN    = regexp.MustCompile(`GTIN (\S+) has a wrong check digit`)
	flagPartyID = regexp.MustCompile(`party id "(.*)" is marked as a GS1 GLN`)
	flagSender  = regexp.MustCompile(`interchange sender "(.*)" is marked as a GLN`)
)

// identifierFlag reports whether w flags an identifier and, if the flagged
// number is in fact valid, what is wrong with the flag.
func identifierFlag(w string) (bool, string) {
	if m := flagGLN.FindStringSubmatch(w); m != nil {
		if len(m[1]) == 13 && order.ValidCheckDigit(m[1]) {
			return true, "valid GLN flagged: " + w
		}
		return true, ""
	}
	if m := flagGTIN.FindStringSubmatch(w); m != nil {
		if n := len(m[1]); (n == 8 || n == 12 || n == 13 || n == 14) && order.ValidCheckDigit(m[1]) {
			return true, "valid GTIN flagged: " + w
		}
		return true, ""
	}
	if m := flagSender.FindStringSubmatch(w); m != nil {
		if len(m[1]) == 13 && order.ValidCheckDigit(m[1]) {
			return true, "a valid GLN flagged: " + w
		}
		return true, ""
	}
	if m := flagPartyID.FindStringSubmatch(w); m != nil {
		if len(m[1]) == 13 && order.ValidCheckDigit(m[1]) {
			return true, "a GLN flagged as not one: " + w
		}
		return true, ""
	}
	return false, ""
}

// dupSource returns a field recorded twice in s (the parser adds the
// sources of fields it knows to be new without looking), or "".
func dupSource(s order.Sources) string {
	seen := map[string]bool{}
	for _, f := range s {
		if seen[f.Field()] {
			return f.Field()
		}
		seen[f.Field()] = true
	}
	return ""
}

func matchAll(what string, got, want []string) []string {
	var probs []string
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(want):
			probs = append(probs, "unexpected "+what+": "+got[i])
		case i >= len(got):
			probs = append(probs, "missing "+what+": "+strconv.Quote(want[i]))
		case !strings.Contains(got[i], want[i]):
			probs = append(probs, what+" "+strconv.Quote(got[i])+", want "+strconv.Quote(want[i]))
		}
	}
	return probs
}
