package sheet_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"compress/flate"

	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// writeXLSX writes a minimal workbook as a spreadsheet program would: an
// order number, a header row and n order lines (item, description,
// quantity, price), with inline strings, streamed into the archive.
func writeXLSX(w io.Writer, n int) error {
	zw := zip.NewWriter(w)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Order" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, parts[name]); err != nil {
			return err
		}
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	is := func(ref, s string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + s + `</t></is></c>` }
	io.WriteString(f, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	io.WriteString(f, `<row r="1">`+is("A1", "Order no")+is("B1", "BIG-1")+`</row>`)
	io.WriteString(f, `<row r="2">`+is("A2", "Item no")+is("B2", "Description")+is("C2", "Qty")+is("D2", "Price")+`</row>`)
	for i := 0; i < n; i++ {
		r := i + 3
		fmt.Fprintf(f, `<row r="%d">%s%s<c r="C%d"><v>%d</v></c><c r="D%d"><v>%d.25</v></c></row>`, r,
			is(fmt.Sprintf("A%d", r), fmt.Sprintf("SK-%07d", i%1000)), is(fmt.Sprintf("B%d", r), "hex bolt M8 zinc"), r, 1+i%50, r, i%90)
	}
	io.WriteString(f, `</sheetData></worksheet>`)
	return zw.Close()
}

func bigXLSX(t testing.TB, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeXLSX(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestMillionRowSheetIsRefusedByTheRowLimit: a sheet of a million rows is
// read row by row until the limit and refused with the limit named; it is
// never held whole.
func TestMillionRowSheetIsRefusedByTheRowLimit(t *testing.T) {
	data := bigXLSX(t, 1_000_000)
	p := sheet.NewXLSX(sheet.Options{Limits: sheet.Limits{MaxRows: 100_000}})
	_, err := p.Parse(context.Background(), parsers.Document{Name: "big.xlsx", Data: data})
	if !errors.Is(err, sheet.ErrLimit) || !strings.Contains(err.Error(), "more than 100000 rows") ||
		!strings.Contains(err.Error(), "limits.max_sheet_rows") {
		t.Fatalf("err = %v, want the row limit named", err)
	}
}

// TestZipBombIsRefused: a workbook that unpacks to far more than the limit
// is refused from the archive's directory, before anything is unpacked,
// with the limit named; one that lies about its size in the directory is
// refused as broken once a part runs past the size it declares.
func TestZipBombIsRefused(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "<x/>")
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of zeros, 64 KiB compressed
		w.Write(zeros)
	}
	zw.Close()
	if b.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes", b.Len())
	}
	p := sheet.NewXLSX(sheet.Options{Limits: sheet.Limits{MaxUnzipped: 16 << 20}})
	_, err := p.Parse(context.Background(), parsers.Document{Name: "bomb.xlsx", Data: b.Bytes()})
	if !errors.Is(err, sheet.ErrLimit) || !strings.Contains(err.Error(), "unpacks to 64 MiB") ||
		!strings.Contains(err.Error(), "limit of 16 MiB (limits.max_zip_expansion)") || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("err = %v", err)
	}

	// The same part declaring 1 KiB uncompressed in its headers.
	var lie bytes.Buffer
	zw = zip.NewWriter(&lie)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "<x/>")
	}
	compressed := deflate(t, 64<<20)
	rw, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(len(compressed)), UncompressedSize64: 1024, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	rw.Write(compressed)
	zw.Close()
	_, err = p.Parse(context.Background(), parsers.Document{Name: "liar.xlsx", Data: lie.Bytes()})
	if err == nil {
		t.Fatal("a part larger than its header says was read")
	}
}

func deflate(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, err := flateWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for written := 0; written < n; written += len(zeros) {
		fw.Write(zeros)
	}
	fw.Close()
	return b.Bytes()
}

func flateWriter(w io.Writer) (io.WriteCloser, error) {
	return flate.NewWriter(w, flate.BestCompression)
}
