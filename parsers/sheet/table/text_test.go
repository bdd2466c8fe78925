package table_test

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/ordergate/ordergate/parsers/sheet/table"
)

func encode(t *testing.T, s string, enc string) []byte {
	t.Helper()
	var b []byte
	var err error
	switch enc {
	case "utf8":
		return []byte(s)
	case "utf8bom":
		return append([]byte("\xEF\xBB\xBF"), s...)
	case "utf16le":
		b, err = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case "utf16be":
		b, err = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	case "cp1252":
		b, err = charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	case "latin1":
		b, err = charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeText: every encoding Excel and older systems write CSV in
// comes back as the same UTF-8 text.
func TestDecodeText(t *testing.T) {
	const text = "Art.nr;Benämning;Antal\r\n0042;Räksmörgås, Ölkorv;6\r\nØ-1;Smør, Grüße;2\r\n"
	for _, tc := range []struct {
		enc  string
		want table.Encoding
	}{
		{"utf8", table.UTF8}, {"utf8bom", table.UTF8BOM}, {"utf16le", table.UTF16LE}, {"utf16be", table.UTF16BE},
		{"cp1252", table.Windows1252}, {"latin1", table.Windows1252},
	} {
		got, enc := table.DecodeText(encode(t, text, tc.enc))
		if enc != tc.want || string(got) != text {
			t.Errorf("%s: read as %s: %q", tc.enc, enc, got)
		}
	}
	// Windows-1252's own letters beyond ISO-8859-1: the euro sign, curly quotes.
	got, _ := table.DecodeText([]byte("Pris \x80 12,50 \x93x\x94"))
	if string(got) != "Pris € 12,50 “x”" {
		t.Errorf("cp1252 extras: %q", got)
	}
}

// TestDetectDelimiter: the separator that makes a table of the lines wins,
// whatever else the text holds: decimal commas, a comma in a letterhead,
// quoted separators.
func TestDetectDelimiter(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       byte
	}{
		{"comma", "sku,description,qty\nA1,Bolt,10\nA2,Nut,20\n", ','},
		{"semicolon with decimal commas", "Art.nr;Benämning;Antal;Pris\n1;Kaffe;2;12,50\n2;Te;1;8,75\n", ';'},
		{"tab", "Item\tQty\tPrice\nA\t1\t1,5\nB\t2\t2,5\n", '\t'},
		{"pipe", "Artikel|Anzahl|Einheit\nA|1|St\nB|2|St\n", '|'},
		{"letterhead with a comma", "Grossist AB, Storgatan 1\nArt.nr;Antal;Enhet\n1;2;st\n3;4;st\n", ';'},
		{"quoted separators", "\"a;b\",\"c;d\",e\n\"x;y\",\"z;w\",v\n", ','},
		{"one header line, semicolons", "number;name;email\n", ';'},
		{"one header line, tie goes to the first", "a;b,c\n", ','},
		{"empty", "", ','},
	} {
		if got := table.DetectDelimiter([]byte(tc.text), table.Delimiters); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := table.DetectDelimiter([]byte("sku;ids\nA|B;1\n"), ",;"); got != ';' {
		t.Errorf("restricted candidates: %q", got)
	}
}

func TestIsXLSX(t *testing.T) {
	if table.IsXLSX([]byte("PK\x03\x04 not really")) || table.IsXLSX(bytes.Repeat([]byte("a"), 100)) {
		t.Error("not a workbook taken for one")
	}
}
