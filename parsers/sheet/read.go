package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/parsers/sheet/table"
)

// cell is one cell as read. text is what the sheet shows: for XLSX the
// value formatted with the cell's number format (so an item number stored
// as 123 with the format 00000 reads "00123"), for CSV the field. raw is
// the value the workbook stores when it differs from text: a number or a
// date serial behind its formatting ("45624" behind "28.11.2024").
type cell struct {
	text string
	raw  string
}

// row is a row that has at least one non-empty cell, with its 1-based
// number in the sheet.
type row struct {
	n     int
	cells []cell
}

func (r *row) at(col int) cell {
	if col < 0 || col >= len(r.cells) {
		return cell{}
	}
	return r.cells[col]
}

// grid is one sheet (or the CSV file) as read.
type grid struct {
	name  string // the sheet's name; "" for CSV
	index int    // 1-based sheet number for order.CellSource; 0 for CSV
	rows  []row
	dates dateReader
	// textCell reports whether the workbook stores a cell as text (a
	// shared or inline string); nil for CSV, where every cell is text.
	// It loads the whole worksheet: only ambiguous numbers ask.
	textCell func(rowNo, col int) bool
}

// Limits bound what one document may make the parser read.
type Limits struct {
	// MaxRows is the most rows a sheet (or CSV file) may have; one with
	// more is refused, naming the limit. Zero means 100,000.
	MaxRows int
	// MaxColumns is the rightmost column a value may be in. Zero means 256.
	MaxColumns int
	// MaxCellBytes is the longest cell. Zero means 32 KiB.
	MaxCellBytes int
	// MaxUnzipped bounds what an XLSX workbook unpacks to. Zero means
	// 200 MiB.
	MaxUnzipped int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxRows <= 0 {
		l.MaxRows = 100_000
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = 256
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = 32 << 10
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = 200 << 20
	}
	return l
}

// ErrLimit is wrapped by the error of a document over one of the Limits.
var ErrLimit = errors.New("sheet: over a limit")

type limitError struct{ msg string }

func (e *limitError) Error() string        { return e.msg }
func (e *limitError) Is(target error) bool { return target == ErrLimit }

func limitf(format string, args ...any) error {
	return &limitError{msg: fmt.Sprintf(format, args...)}
}

// where names a sheet in messages: `sheet "Order"`, or "the file".
func where(name string) string {
	if name == "" {
		return "the file"
	}
	return fmt.Sprintf("sheet %q", name)
}

// checkRow applies the column and cell limits to a row read.
func (l Limits) checkRow(sheet string, rowNo int, cells []cell) error {
	last := len(cells)
	for last > 0 && cells[last-1].text == "" && cells[last-1].raw == "" {
		last--
	}
	if last > l.MaxColumns {
		return limitf("%s, row %d has a value in column %s, beyond the %d columns we read (limits.max_sheet_columns)",
			where(sheet), rowNo, columnLetter(last), l.MaxColumns)
	}
	for j := 0; j < last; j++ {
		if n := len(cells[j].text); n > l.MaxCellBytes {
			return limitf("%s, cell %s%d holds %d bytes, more than the limit of %d (limits.max_cell_bytes)",
				where(sheet), columnLetter(j+1), rowNo, n, l.MaxCellBytes)
		}
	}
	return nil
}

func blank(cells []cell) bool {
	for _, c := range cells {
		if strings.TrimSpace(c.text) != "" || c.raw != "" {
			return false
		}
	}
	return true
}

// columnLetter returns the letters of a 1-based column: 1 A, 27 AA.
func columnLetter(c int) string {
	var b []byte
	for ; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

// readCSV reads CSV text in any of the encodings table.DecodeText knows,
// with the delimiter table.DetectDelimiter finds. Quotes are taken as
// RFC 4180 has them, and leniently where a sheet has a stray one.
func readCSV(data []byte, lim Limits) (*grid, table.Encoding, error) {
	text, enc := table.DecodeText(data)
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = rune(table.DetectDelimiter(text, table.Delimiters))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	g := &grid{}
	n := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, enc, fmt.Errorf("line %d is not valid CSV (%v)", pe.Line, pe.Err)
			}
			return nil, enc, err
		}
		n++
		if n > lim.MaxRows {
			return nil, enc, limitf("the file has more than %d rows, the most we read from one sheet (limits.max_sheet_rows); "+
				"split it, or send only the order's rows", lim.MaxRows)
		}
		cells := make([]cell, len(rec))
		for i, f := range rec {
			if !utf8.ValidString(f) {
				f = strings.ToValidUTF8(f, "\uFFFD")
			}
			cells[i] = cell{text: f}
		}
		if err := lim.checkRow("", n, cells); err != nil {
			return nil, enc, err
		}
		if !blank(cells) {
			g.rows = append(g.rows, row{n: n, cells: cells})
		}
	}
	return g, enc, nil
}

// workbook is an open XLSX file.
type workbook struct {
	f        *excelize.File
	date1904 bool
}

func openWorkbook(data []byte, lim Limits) (*workbook, error) {
	f, err := table.OpenXLSX(data, table.XLSXLimits{Unzipped: lim.MaxUnzipped, Key: "limits.max_zip_expansion"})
	if err != nil {
		if errors.Is(err, table.ErrTooLarge) {
			return nil, &limitError{msg: err.Error()}
		}
		return nil, err
	}
	wb := &workbook{f: f}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		wb.date1904 = *p.Date1904
	}
	return wb, nil
}

func (wb *workbook) Close() error { return wb.f.Close() }

// sheets lists the visible worksheets with their 1-based numbers in the
// workbook; hidden ones (look-up tables, macros' scratch) hold no order.
func (wb *workbook) sheets() (names []string, numbers []int) {
	for i, name := range wb.f.GetSheetList() {
		if visible, err := wb.f.GetSheetVisible(name); err == nil && !visible {
			continue
		}
		names = append(names, name)
		numbers = append(numbers, i+1)
	}
	return names, numbers
}

// read streams one worksheet with excelize's row reader (Rows), twice in
// step: once formatted (what the sheet shows) and once raw (what it
// stores), so that neither a date serial nor an item number's leading
// zeros are lost. Only non-blank rows are kept; the row limit applies to
// every row, blank ones too, so a million-row sheet is refused after the
// limit, not read whole.
func (wb *workbook) read(name string, number int, lim Limits) (*grid, error) {
	shown, err := wb.f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("sheet %q cannot be read (%v)", name, err)
	}
	defer shown.Close()
	stored, err := wb.f.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("sheet %q cannot be read (%v)", name, err)
	}
	defer stored.Close()
	g := &grid{name: name, index: number, dates: dateReader{date1904: wb.date1904}}
	g.textCell = func(rowNo, col int) bool {
		ref, err := excelize.CoordinatesToCellName(col+1, rowNo)
		if err != nil {
			return true
		}
		t, err := wb.f.GetCellType(name, ref)
		return err != nil || t == excelize.CellTypeSharedString || t == excelize.CellTypeInlineString
	}
	n := 0
	for shown.Next() {
		if !stored.Next() {
			return nil, fmt.Errorf("sheet %q cannot be read (its rows end early)", name)
		}
		n++
		if n > lim.MaxRows {
			return nil, limitf("sheet %q has more than %d rows, the most we read from one sheet (limits.max_sheet_rows); "+
				"split it, or send only the order's rows", name, lim.MaxRows)
		}
		texts, err := shown.Columns()
		if err != nil {
			return nil, fmt.Errorf("sheet %q, row %d cannot be read (%v)", name, n, err)
		}
		raws, err := stored.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("sheet %q, row %d cannot be read (%v)", name, n, err)
		}
		if len(texts) == 0 && len(raws) == 0 {
			continue
		}
		cells := make([]cell, max(len(texts), len(raws)))
		for j := range cells {
			var c cell
			if j < len(texts) {
				c.text = texts[j]
			}
			if j < len(raws) && raws[j] != c.text {
				c.raw = raws[j]
			}
			cells[j] = c
		}
		if err := lim.checkRow(name, n, cells); err != nil {
			return nil, err
		}
		if !blank(cells) {
			g.rows = append(g.rows, row{n: n, cells: cells})
		}
	}
	if err := shown.Error(); err != nil {
		return nil, fmt.Errorf("sheet %q cannot be read (%v)", name, err)
	}
	return g, nil
}

// sourceSheet is the sheet number of the grid's cells in an order's
// sources: 1, the order's only entry in SourceSheets, for a workbook; 0
// for CSV.
func (g *grid) sourceSheet() int {
	if g.name == "" {
		return 0
	}
	return 1
}
