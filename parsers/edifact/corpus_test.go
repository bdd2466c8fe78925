package edifact

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
	// Junk banner before UNB ("needs preprocessing"): refused as a whole.
	"bots-plugins/demo/preprocessing/botssys/infile/edifact_xml/edifact/0T0000000004.edi": {docErr: "the file does not start with an interchange; expected UNA or UNB, found \"####"},
	// bots test files with BGM 1225=46 (provisional) and an order without lines.
	"bots-plugins/demo/one-on-one_edifact_order_xml/botssys/infile/edifactorder2xml/edi/orders02.edi": {sniff: true, orders: 21,
		broken: []string{"the order has no lines", "BGM #2 (file segment 155) element 3: message function code \"46\" is not supported", "BGM #2 (file segment 220) element 3: message function code \"46\""}},
	"bots-plugins/demo/one-on-one_edifact_order_xml/botssys/infile/outfile/edifactorder2xml/edi/1.edi": {sniff: true, orders: 23,
		broken: []string{"the order has no lines", "message function code \"46\" is not supported", "message function code \"46\" is not supported"}},
	"bots-plugins/edifact/orders_to_csv/botssys/infile/csvdemo/edi2csv/test.edi": {sniff: true, orders: 3, broken: []string{"message function code \"46\" is not supported"}},
	// "DELIBERATELY BAD pair of example_order_ok.edi: unescaped ':' inside IMD text".
	"php-edifact/tests/files/example_order_error.edi": {sniff: true, broken: []string{"IMD #359 (file segment 361) element 3.6: unexpected component 6; element 3 has at most 5 (unescaped ':' in the data? it must be released)"}},
	// "PERF FILE: synthetic (UNT count and UNZ wrong/missing)".
	"pydifact/tests/data/huge_file2.edi": {sniff: true, broken: []string{"UNT #109619 (file segment 109621) element 1: segment count is \"16\", expected 109619"}, warns: []string{"interchange \"1\" has no UNZ trailer"}},
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
	// "NOT EDIFACT (Sage proprietary)", and "interchange header missing".
	"pydifact/tests/data/sage_coala.ped":                                         {docErr: "the file does not start with an interchange; expected UNA or UNB, found \"DOC+"},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_InvalidHeader.txt": {docErr: "the file does not start with an interchange; expected UNA or UNB"},
	// Envelope damage in files of other message types: still refused, and the damage reported.
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_InvalidTrailers.txt":           {sniff: true, notOrders: 1, warns: []string{"1r (file segment 44): file ends inside the segment"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MissingGroupTrailer.txt":       {sniff: true, notOrders: 1, warns: []string{"group \"5\" has no UNE trailer"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MissingInterchangeTrailer.txt": {sniff: true, notOrders: 2, warns: []string{"interchange \"131\" has no UNZ trailer before the next interchange"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInvalidInterchanges.txt": {sniff: true, notOrders: 3,
		warns: []string{"LNB (file segment 43): segment outside a message ignored", "UNZ (file segment 85) element 1: interchange control count is \"1\", expected 2"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInvalidMessages.txt": {sniff: true, notOrders: 5, warns: []string{"interchange control count is \"1\", expected 5"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_ValidAndInvalidMessage.txt":  {sniff: true, notOrders: 2, warns: []string{"interchange control count is \"1\", expected 2"}},
	"edifabric-lgpl/UnitTests.Edifact/Edi/Edifact_INVOIC_D00A_MultipleInterchange.txt":     {sniff: true, notOrders: 2},
	"edifabric-lgpl/UnitTests/Edi/Edifact_INVOIC_D00A_Val_NoControlNumber.txt":             {sniff: true, broken: []string{"UNH #1 (file segment 2) element 1: message reference number is missing"}},
	"pydifact/tests/data/patient1.edi":                                                     {sniff: true, notOrders: 1, warns: []string{"interchange control reference is \"1\", expected \"1623\""}},
	"pydifact/tests/data/patient2.edi":                                                     {sniff: true, notOrders: 1, warns: []string{"interchange control reference is \"1\", expected \"0902\""}},
	"pydifact/tests/data/patient3.edi":                                                     {sniff: true, notOrders: 1, warns: []string{"interchange \"1242\" has no UNZ trailer"}},
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
			for _, l := range o.Lines {
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
		probs = append(probs, matchAll("warning", res.Warnings, want.warns)...)
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
