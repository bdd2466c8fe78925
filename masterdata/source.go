package masterdata

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/parsers/sheet/table"
)

// source yields the rows of a file or push: the header first, then the data
// rows with the number the user knows them by.
type source interface {
	header() ([]string, error)
	// next returns the cells of the next row; io.EOF after the last.
	next() ([]string, error)
	// rowNo is the number of the row next returned last.
	rowNo() int64
	// bad says what is wrong with cell j of the row next returned last,
	// when the source could not make a cell of it (a JSON object); "" when
	// nothing is.
	bad(j int) string
	// unit names a row for the user: "row" or "record".
	unit() string
	close() error
}

// sniff tells CSV from XLSX by content: an XLSX file is a ZIP archive.
func sniff(br *bufio.Reader) Format {
	if b, _ := br.Peek(4); bytes.Equal(b, []byte("PK\x03\x04")) {
		return FormatXLSX
	}
	return FormatCSV
}

// csvSource reads comma- or semicolon-separated UTF-8 text, with or without
// a byte order mark, per RFC 4180 (quoted fields may hold separators,
// quotes and line breaks).
type csvSource struct {
	r   *csv.Reader
	row int64
}

func newCSVSource(br *bufio.Reader) *csvSource {
	if b, _ := br.Peek(3); bytes.Equal(b, table.UTF8ByteOrderMark) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	sample, _ := br.Peek(64 << 10)
	// Comma or semicolon (as European spreadsheets write CSV); not tab or
	// pipe, which separates several values in one cell here.
	r.Comma = rune(table.DetectDelimiter(sample, ",;"))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	return &csvSource{r: r}
}

func (s *csvSource) header() ([]string, error) {
	h, err := s.next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty; the first row must name the columns")
	}
	return slices.Clone(h), err
}

func (s *csvSource) next() ([]string, error) {
	rec, err := s.r.Read()
	if err == nil || errors.Is(err, csv.ErrFieldCount) {
		s.row++
		return rec, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("row %d is not valid CSV (%v)", s.row+1, pe.Err)
	}
	return nil, err
}

func (s *csvSource) bad(int) string { return "" }
func (s *csvSource) rowNo() int64   { return s.row }
func (s *csvSource) unit() string   { return "row" }
func (s *csvSource) close() error   { return nil }

// xlsxSource streams the first worksheet of an XLSX workbook row by row.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int64
}

// newXLSXSource opens a workbook. excelize reads the archive into memory
// and spills worksheets larger than its XML limit to temporary files;
// unzipLimit bounds the total uncompressed size (zip bombs).
func newXLSXSource(r io.Reader, unzipLimit int64) (*xlsxSource, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	f, err := table.OpenXLSX(data, table.XLSXLimits{Unzipped: unzipLimit})
	if err != nil {
		return nil, fmt.Errorf("the file is not a readable XLSX workbook (%v)", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("the workbook has no worksheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot read worksheet %q (%v)", sheets[0], err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) header() ([]string, error) {
	h, err := s.next()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the worksheet is empty; the first row must name the columns")
	}
	return h, err
}

func (s *xlsxSource) next() ([]string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, fmt.Errorf("row %d cannot be read (%v)", s.row+1, err)
		}
		return nil, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("row %d cannot be read (%v)", s.row, err)
	}
	return cells, nil
}

func (s *xlsxSource) bad(int) string { return "" }
func (s *xlsxSource) rowNo() int64   { return s.row }
func (s *xlsxSource) unit() string   { return "row" }

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// recordSource yields JSON records as rows: the header is every key any
// record has, and a record without a key has an empty cell there.
type recordSource struct {
	records []map[string]any
	keys    []string
	i       int
	cells   []string
	why     []string // why a cell is not one (cellText)
}

func newRecordSource(records []map[string]any) *recordSource {
	seen := map[string]bool{}
	var keys []string
	for _, r := range records {
		for k := range r {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return &recordSource{records: records, keys: keys, cells: make([]string, len(keys)), why: make([]string, len(keys))}
}

func (s *recordSource) header() ([]string, error) { return s.keys, nil }

func (s *recordSource) next() ([]string, error) {
	if s.i == len(s.records) {
		return nil, io.EOF
	}
	r := s.records[s.i]
	s.i++
	for j, k := range s.keys {
		s.cells[j], s.why[j] = cellText(r[k])
	}
	return s.cells, nil
}

// cellText writes a decoded JSON value as a cell: arrays join their values
// with '|'; numbers keep their exact text when decoded as json.Number. An
// object, or a list inside a list, is no cell: problem says so.
func cellText(v any) (text, problem string) {
	switch v := v.(type) {
	case nil:
		return "", ""
	case string:
		return v, ""
	case json.Number:
		return v.String(), ""
	case bool:
		return strconv.FormatBool(v), ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), ""
	case []string:
		return strings.Join(v, listSeparator), ""
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			if _, nested := e.([]any); nested {
				return "", problemNestedList
			}
			if _, object := e.(map[string]any); object {
				return "", problemNestedList
			}
			parts[i], _ = cellText(e)
		}
		return strings.Join(parts, listSeparator), ""
	}
	return "", problemObject
}

// Problems with a JSON value that is not a cell.
const (
	problemObject     = "is an object; send a value (text, a number, true or false, or a list of them)"
	problemNestedList = "holds a list or object inside its list; send a list of plain values"
)

func (s *recordSource) bad(j int) string { return s.why[j] }
func (s *recordSource) rowNo() int64     { return int64(s.i) }
func (s *recordSource) unit() string     { return "record" }
func (s *recordSource) close() error     { return nil }
