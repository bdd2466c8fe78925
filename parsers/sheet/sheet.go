// Package sheet reads purchase orders from spreadsheets, XLSX and CSV, of
// whatever layout customers make them in: the header row below a
// letterhead, logo rows and an address block; columns named in English,
// Swedish, Norwegian, Danish, Finnish or German, or recognised by their
// values; the order's number, dates, customer number and delivery address
// above or beside the table; totals, subtotals and blank rows skipped (and
// listed in the document's warnings); rows without a quantity skipped in
// an order form and held for the desk elsewhere (buildLines); a sheet
// without an order number numbered after its file or its content
// (numberWithout); one order per sheet that holds one. Every value keeps its cell
// (order.CellSource). A layout the desk corrected for a customer (Layout)
// is used for that customer's sheets of the same header.
//
// Numbers are read as their column writes them (decimal comma or point,
// thousands grouped by point, comma or space), decided per column from all
// its values; one that stays ambiguous refuses the sheet rather than risk
// a wrong quantity. Item numbers keep their leading zeros: an XLSX cell is
// read as it is shown, and dates from the serial number it stores.
package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/sheet/table"
)

// Format names.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// Options configure the parsers.
type Options struct {
	Limits Limits
	// Layouts, when set, gives the layouts stored for a customer: the
	// document's (parsers.Document.Customer), else the one its sheet
	// names ("Kundnr").
	Layouts LayoutSource
	// Now is the clock dates without a year ("v.48", "28 nov") are read
	// against when the sheet has no order date; nil means time.Now.
	Now func() time.Time
}

// Parser reads one of the two formats; both share Options.
type Parser struct {
	format string
	opts   Options
}

// NewXLSX returns the parser of XLSX workbooks (Office Open XML,
// ECMA-376), read with excelize's streaming row reader.
func NewXLSX(opts Options) *Parser { return &Parser{format: FormatXLSX, opts: withDefaults(opts)} }

// NewCSV returns the parser of CSV and tab-separated text.
func NewCSV(opts Options) *Parser { return &Parser{format: FormatCSV, opts: withDefaults(opts)} }

func withDefaults(o Options) Options {
	o.Limits = o.Limits.withDefaults()
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Name implements parsers.Parser.
func (p *Parser) Name() string { return p.format }

// Sniff implements parsers.Parser: an XLSX workbook is a ZIP archive that
// is not a Word or PowerPoint file; CSV is text that is not EDIFACT or a
// mail, whose lines split into a table (see sniffCSV).
func (p *Parser) Sniff(head []byte, contentType string) bool {
	if p.format == FormatXLSX {
		if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
			return false
		}
		// A workbook's parts may come after a large thumbnail, beyond the
		// head: any ZIP archive that is not a Word or PowerPoint file is
		// read as one, and Parse says what it is when it is not (an
		// OpenDocument spreadsheet, another archive).
		return !bytes.Contains(head, []byte("word/")) && !bytes.Contains(head, []byte("ppt/"))
	}
	return sniffCSV(head, contentType)
}

// Workbook is a document as the parser read it, with what it made of each
// table: for the desk's preview and for correcting a layout.
type Workbook struct {
	Format string `json:"format"`
	// Encoding and Delimiter are those of a CSV file.
	Encoding  string `json:"encoding,omitempty"`
	Delimiter string `json:"delimiter,omitempty"`
	// Customer is the customer whose stored layouts were looked up.
	Customer string   `json:"customer,omitempty"`
	Tables   []Table  `json:"tables"`
	Warnings []string `json:"warnings,omitempty"`
}

// Table is one sheet's order table.
type Table struct {
	Sheet       string `json:"sheet,omitempty"`
	SheetNumber int    `json:"sheet_number,omitempty"` // 1-based in the workbook
	// HeaderRow is the 1-based row of the header; 0 when the columns were
	// recognised by their values alone.
	HeaderRow int      `json:"header_row,omitempty"`
	Header    []string `json:"header,omitempty"`
	// Shape keys a Layout for this table (see Shape).
	Shape   string    `json:"shape"`
	Columns []Column  `json:"columns"`
	Layout  int64     `json:"layout_id,omitempty"` // the stored layout used, 0 for none
	Skipped []Skipped `json:"skipped,omitempty"`
	// Held are the order's lines of quantity 0 that wait for the desk (a
	// row with an item but no quantity outside an order form, or one
	// whose quantity is not a number).
	Held []Held `json:"held,omitempty"`
	// Order is the order read, nil when the sheet could not be read
	// (Error says why) or has no line with a quantity.
	Order *order.PurchaseOrder `json:"order,omitempty"`
	Error string               `json:"error,omitempty"`
}

// Parse implements parsers.Parser: one order per sheet with lines; a sheet
// that cannot be read is a message error naming it, the others still
// become orders. A document over a limit, or with no order table at all,
// is an error.
func (p *Parser) Parse(ctx context.Context, doc parsers.Document) (parsers.Result, error) {
	wb, err := p.Read(ctx, doc)
	if err != nil {
		return parsers.Result{Format: p.format}, err
	}
	res := parsers.Result{Format: p.format, Warnings: wb.Warnings}
	var counted []*Table
	for i := range wb.Tables {
		if t := &wb.Tables[i]; t.Order != nil || t.Error != "" {
			counted = append(counted, t)
		}
	}
	for k, t := range counted {
		msg := t.Error
		if t.Order != nil {
			if probs := validate(t.Order, t.Held); len(probs) > 0 {
				msg = strings.Join(probs, "; ")
			}
		}
		if msg != "" {
			if t.Sheet != "" {
				msg = where(t.Sheet) + ": " + msg
			}
			res.Errors = append(res.Errors, parsers.MessageError{Index: k + 1, Ref: t.Sheet, Message: msg})
			continue
		}
		po := *t.Order
		if len(counted) > 1 {
			// Orders and unreadable sheets share one numbering (the
			// sheets'), as the pipeline stores them.
			po.Envelope = &order.Envelope{MessageIndex: k + 1, MessageRef: t.Sheet}
		}
		res.Orders = append(res.Orders, po)
	}
	return res, nil
}

// Read reads the document into its tables without deciding anything
// further: Parse's input, and what a preview shows.
func (p *Parser) Read(ctx context.Context, doc parsers.Document) (*Workbook, error) {
	lim := p.opts.Limits
	wb := &Workbook{Format: p.format, Customer: strings.TrimSpace(doc.Customer)}
	var grids []*grid
	switch p.format {
	case FormatXLSX:
		if bytes.Contains(doc.Data[:min(len(doc.Data), 200)], []byte("application/vnd.oasis.opendocument.spreadsheet")) {
			return nil, errors.New("the file is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (.xlsx) or CSV and send it again")
		}
		x, err := openWorkbook(doc.Data, lim)
		if err != nil {
			return nil, err
		}
		defer x.Close()
		names, numbers := x.sheets()
		for i, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			g, err := x.read(name, numbers[i], lim)
			if err != nil {
				return nil, err
			}
			grids = append(grids, g)
		}
	default:
		g, enc, err := readCSV(doc.Data, lim)
		if err != nil {
			return nil, err
		}
		text, _ := table.DecodeText(doc.Data)
		wb.Encoding, wb.Delimiter = string(enc), string(table.DetectDelimiter(text, table.Delimiters))
		grids = append(grids, g)
	}
	now := order.DateOf(p.opts.Now())
	layouts, err := p.layouts(ctx, wb.Customer)
	if err != nil {
		return nil, err
	}
	type found struct {
		g *grid
		t *tableLayout
	}
	var tables []found
	var firstErr error
	for _, g := range grids {
		g.dates.ref = now
		if len(g.rows) == 0 {
			continue
		}
		sheetLayouts := layouts
		if wb.Customer == "" && p.opts.Layouts != nil {
			// The sheet may name its customer ("Kundnr"): its layouts apply.
			if n := headerValues(g, &tableLayout{headerAt: -1, fields: map[Field]int{}}, nil)[labelCustomer]; n.value != "" {
				if sheetLayouts, err = p.layouts(ctx, identifierText(n.cell)); err != nil {
					return nil, err
				}
			}
		}
		t, err := findTable(g, sheetLayouts)
		if err != nil {
			if firstErr == nil || !errors.Is(err, errNoTable) {
				firstErr = err
			}
			continue
		}
		tables = append(tables, found{g, t})
	}
	if len(tables) == 0 {
		if firstErr == nil {
			firstErr = errors.New("the file has no rows")
		}
		return nil, firstErr
	}
	var marks []byte
	for _, f := range tables {
		for _, fl := range []Field{FieldQuantity, FieldUnitPrice, FieldLineAmount} {
			if j, ok := f.t.fields[fl]; ok {
				marks = append(marks, columnMark(f.g, f.t, j))
			}
		}
	}
	docMark := documentMark(marks)
	lines := 0
	for _, f := range tables {
		g, t := f.g, f.t
		tb := Table{Sheet: g.name, SheetNumber: g.index, HeaderRow: t.headerRow, Header: t.header, Shape: t.shape,
			Columns: t.columns, Layout: t.layoutID}
		ls, skipped, held, used, err := buildLines(g, t, docMark)
		tb.Skipped, tb.Held = skipped, held
		if w := skippedWarning(g.name, skipped); w != "" {
			wb.Warnings = append(wb.Warnings, w)
		}
		wb.Warnings = append(wb.Warnings, heldWarnings(g.name, ls, held)...)
		if err != nil {
			tb.Error = err.Error()
			wb.Tables = append(wb.Tables, tb)
			continue
		}
		if len(ls) == 0 {
			wb.Tables = append(wb.Tables, tb)
			continue
		}
		lines += len(ls)
		po := &order.PurchaseOrder{Format: p.format, Function: order.FunctionOriginal, Lines: ls}
		if g.name != "" {
			po.SourceSheets = []string{g.name}
		}
		applyHeader(g, po, headerValues(g, t, used))
		if po.PONumber == "" {
			w := numberWithout(po, doc, g.name, len(tables) > 1)
			wb.Warnings = append(wb.Warnings, w)
		}
		tb.Order = po
		wb.Tables = append(wb.Tables, tb)
	}
	if lines == 0 && !hasError(wb.Tables) {
		return nil, errors.New("no row of the order table has a quantity")
	}
	return wb, nil
}

func hasError(ts []Table) bool {
	for _, t := range ts {
		if t.Error != "" {
			return true
		}
	}
	return false
}

func (p *Parser) layouts(ctx context.Context, customer string) ([]Layout, error) {
	if customer == "" || p.opts.Layouts == nil {
		return nil, nil
	}
	ls, err := p.opts.Layouts.SheetLayouts(ctx, customer)
	if err != nil {
		return nil, fmt.Errorf("sheet: layouts of customer %s: %w", customer, err)
	}
	return ls, nil
}
