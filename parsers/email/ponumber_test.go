package email_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

type attachment struct {
	name, ctype string
	data        []byte
}

// mailWith writes a mail as a mail program sends it: a text part and
// the attachments, base64.
func mailWith(subject, text string, atts ...attachment) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Karin Lund <karin.lund@cafe-lund.se>\r\nTo: orders@supplier.example\r\nSubject: %s\r\n"+
		"Date: Mon, 7 Dec 2026 08:45:12 +0100\r\nMessage-ID: <%x@cafe-lund.se>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		subject, len(subject)+len(text), strings.ReplaceAll(text, "\n", "\r\n"))
	for _, a := range atts {
		enc := base64.StdEncoding.EncodeToString(a.data)
		fmt.Fprintf(&b, "--b1\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n", a.ctype, a.name, a.name)
		for i := 0; i < len(enc); i += 76 {
			b.WriteString(enc[i:min(i+76, len(enc))] + "\r\n")
		}
	}
	b.WriteString("--b1--\r\n")
	return []byte(b.String())
}

const (
	csvType  = "text/csv"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var csvNoPO = []byte("Artikelnr;Benämning;Antal\r\n4711;Servetter vita;5\r\n4712;Servetter svarta;2\r\n")

// xlsxNoPO is an order sheet with a title, a date and the lines, and no
// order number anywhere.
func xlsxNoPO(t *testing.T) []byte {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Bestellung")
	f.SetSheetRow("Bestellung", "A1", &[]any{"Bestellung Hotel Sonnenhof"})
	f.SetSheetRow("Bestellung", "A3", &[]any{"Artikelnummer", "Bezeichnung", "Menge", "Einheit"})
	f.SetSheetRow("Bestellung", "A4", &[]any{"A-100", "Kaffeebohnen 1 kg", 5, "Stück"})
	f.SetSheetRow("Bestellung", "A5", &[]any{"A-200", "Zucker Portionen", 2, "Karton"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parse(t *testing.T, raw []byte) parsers.Result {
	t.Helper()
	res, err := testParser().Parse(context.Background(), parsers.Document{Data: raw})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func pos(orders []order.PurchaseOrder) []string {
	var out []string
	for _, o := range orders {
		out = append(out, o.PONumber)
	}
	return out
}

// TestAttachmentTakesTheMailsPONumber: an attachment with no order number
// of its own is numbered as the mail's subject or text says, not after
// its file name, so the same order.csv sent every week is not refused as
// a duplicate from the second week on. An attachment's own number, or a
// mail whose text is an order itself, keeps what it has.
func TestAttachmentTakesTheMailsPONumber(t *testing.T) {
	fixture, err := os.ReadFile("testdata/sv_outlook_po_i_amnet_csv.eml")
	if err != nil {
		t.Fatal(err)
	}
	res := parse(t, fixture)
	if got := pos(res.Orders); !slices.Equal(got, []string{"555"}) {
		t.Fatalf("the fixture's PO numbers: %q", got)
	}
	if f := res.Orders[0].PONumberFrom; f != "" {
		t.Errorf("the mail's number is marked as from %q", f)
	}
	if n := res.Orders[0].Notes; len(n) != 1 || n[0] != "order number 555 from the mail's subject; order.csv states none" {
		t.Errorf("notes: %q", n)
	}
	if w := strings.Join(res.Warnings, "\n"); strings.Contains(w, `"order"`) || !strings.Contains(w, "order.csv: order number 555 from the mail's subject") {
		t.Errorf("warnings:\n%s", w)
	}

	// What the sheet parser numbers csvNoPO in order.csv when the mail
	// states no number: NOPO- and its content's hash, not the file's name.
	const noPO = "NOPO-C58FF19F"
	for _, tc := range []struct {
		name    string
		subject string
		text    string
		atts    []attachment
		want    []string
	}{
		{"a week later", "Beställning PO 556", "Hej!\n\nVeckans beställning bifogad.\n\nKarin",
			[]attachment{{"order.csv", csvType, csvNoPO}}, []string{"556"}},
		{"the number in the text", "Bestellung", "Guten Tag,\n\nanbei die Bestellung.\nBestellnummer: 4500012345\n\nGruß\nSabine",
			[]attachment{{"order.xlsx", xlsxType, xlsxNoPO(t)}}, []string{"4500012345"}},
		{"the attachment's own number", "Beställning PO 555", "Hej, se bifogad fil.",
			[]attachment{{"order.csv", csvType, []byte("Ordernr;Artikelnr;Antal\r\nB2-771;4711;5\r\n")}}, []string{"B2-771"}},
		{"two attachments", "Beställning PO 555", "Hej, två butiker denna vecka.",
			[]attachment{{"butik1.csv", csvType, csvNoPO}, {"butik2.csv", csvType, csvNoPO}}, []string{"555 butik1", "555 butik2"}},
		{"the text is an order of its own", "Beställning PO 555", "Hej,\n\n3 x 4711\n\nKarin",
			[]attachment{{"order.csv", csvType, csvNoPO}}, []string{"555", noPO}},
		{"no number in the mail", "Beställning", "Hej, se bifogad fil.",
			[]attachment{{"order.csv", csvType, csvNoPO}}, []string{noPO}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := parse(t, mailWith(tc.subject, tc.text, tc.atts...))
			if got := pos(res.Orders); !slices.Equal(got, tc.want) {
				t.Fatalf("PO numbers %q, want %q (errors %v, warnings %q)", got, tc.want, res.Errors, res.Warnings)
			}
		})
	}
}

// TestOwnPONumberOfASheetIsKept: a workbook whose first sheet states its
// number and whose second does not: the warning about the second (which
// holds the first's number as a piece of the sheet's name) does not make
// the first's number the mail's.
func TestOwnPONumberOfASheetIsKept(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Ordernr", "2"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"Artikelnr", "Antal"})
	f.SetSheetRow("Sheet1", "A4", &[]any{"4711", 5})
	f.NewSheet("Sheet2")
	f.SetSheetRow("Sheet2", "A1", &[]any{"Artikelnr", "Antal"})
	f.SetSheetRow("Sheet2", "A2", &[]any{"4712", 3})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res := parse(t, mailWith("Beställning PO 555", "Hej, se bifogad fil.", attachment{"order.xlsx", xlsxType, buf.Bytes()}))
	if got := pos(res.Orders); !slices.Equal(got, []string{"2", "555"}) {
		t.Fatalf("PO numbers %q, want the first sheet's own and the mail's (warnings %q)", got, res.Warnings)
	}
}
