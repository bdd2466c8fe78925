// Package masterdata owns the master-data tables (customers, items, sales
// units, assortments, cross-references, prices, stock, open orders,
// delivery locations; see migrations/00004_masterdata.sql and
// 00012_locations.sql): it imports them from CSV and XLSX files
// and JSON pushes, and loads them into a catalog.Data for matching.
//
// Every import is all-or-nothing: a file (or JSON push) is streamed into a
// temporary table with COPY, validated while streaming, and merged into the
// real table with one INSERT ... SELECT ... ON CONFLICT DO UPDATE (insert or
// update by natural key; rows that would not change are not written, so a
// nightly re-import of an unchanged list is cheap). Into an empty table the
// merge is a plain INSERT, markedly faster for a first load. Imports of one
// table take turns (a lock that lets readers through). Any problem rolls
// everything back and is reported with the row and column the user sees, in
// words a sales clerk understands; see ImportError.
//
// Every change bumps the master-data version (table masterdata_version) and
// sends NOTIFY ordergate_masterdata with the new version, so a process
// holding a catalog snapshot can LISTEN and reload.
//
// # File columns
//
// A file has a header row; column names are case-insensitive, and spaces or
// dashes in them count as underscores ("Customer Item" = customer_item).
// Unknown columns are an error, as are missing required ones (marked *).
// A column left out of a file is left unchanged on existing rows and takes
// its default on new rows; an empty cell sets the default. Cells holding
// several values (gln, email, edi_id, domain) separate them with '|'.
// Decimals accept '.' or ',' as decimal mark and no thousands separators;
// dates are YYYY-MM-DD; yes/no cells accept yes/no, true/false, y/n, 1/0, x.
//
//	customers:   number*, name*, gln, email, credit_limit (empty = no limit),
//	             currency (empty = home currency), vat_id, edi_id, domain,
//	             price_list, auto_approve, price_tolerance_pct, open_balance
//	items:       sku*, description*, gtin, unit (alias base_unit; default
//	             PCE), status (active, blocked, discontinued; default
//	             active), min_qty, order_multiple, replacement, pack_size,
//	             pack_unit, pack_gtin
//	units:       sku*, unit*, factor*, gtin                 (table item_units)
//	assortments: customer*, sku*
//	crossrefs:   customer*, customer_item*, sku*, unit
//	prices:      sku*, price*, customer, price_list, currency, unit,
//	             min_qty, valid_from, valid_to
//	stock:       sku*, warehouse*, quantity*
//	open_orders: customer*, order_id*, value*
//	locations:   customer*, gln, code, name, address, city, postcode,
//	             country (a row needs a gln or a code)
//
// A location is a customer's delivery point (a store, a site): its GLN is
// what an EDIFACT order names in NAD+DP, its code the ERP's code for it. A
// location is updated by its GLN, or by its code when it has no GLN; a GLN
// belongs to one location of one customer, a code to one location of its
// customer. Codes and countries are stored upper-cased.
//
// items.pack_size is the number of base units in one pack: a row with a
// pack_size also creates or updates the item's sales unit pack_unit
// (default CT) with that factor and the GTIN pack_gtin. Customer numbers,
// currencies, price lists and warehouses are stored trimmed and upper-cased;
// units as UN/ECE Rec 20 codes (catalog.NormalizeUnit). References (a SKU in
// a price, a customer in a cross-reference) must exist; a SKU matches its
// item after normalisation (catalog.NormalizeCode), and is stored in the
// item's own spelling.
package masterdata

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Kind names a master-data table as users name it in `ordergate import
// KIND FILE` and PUT /api/v1/masterdata/{kind}.
type Kind string

// The kinds of master data.
const (
	Customers   Kind = "customers"
	Items       Kind = "items"
	Units       Kind = "units" // table item_units
	Assortments Kind = "assortments"
	CrossRefs   Kind = "crossrefs"
	Prices      Kind = "prices"
	Stock       Kind = "stock"
	OpenOrders  Kind = "open_orders"
	Locations   Kind = "locations"
)

// Kinds lists every kind, in an order in which a full load succeeds
// (referenced tables first).
var Kinds = []Kind{Customers, Items, Units, Assortments, CrossRefs, Prices, Stock, OpenOrders, Locations}

// ParseKind returns the kind for a name such as "items" (case-insensitive;
// "item_units" and "open-orders" are accepted too).
func ParseKind(s string) (Kind, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	if s == "item_units" {
		s = string(Units)
	}
	_, ok := specs[Kind(s)]
	return Kind(s), ok
}

// NotifyChannel is the channel every master-data change is announced on;
// the payload is the new version in decimal.
const NotifyChannel = "ordergate_masterdata"

// DB is what an import needs: a pool, a connection, or a transaction (the
// import then runs in a savepoint of it).
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Format is the format of an imported file.
type Format string

// File formats. FormatAuto looks at the content: a ZIP archive is XLSX,
// anything else CSV.
const (
	FormatAuto Format = ""
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// Defaults of ImportOptions.
const (
	DefaultMaxErrors   = 50
	DefaultMaxRows     = 5_000_000
	DefaultUnzipLimit  = 1 << 30 // 1 GiB of XML inside an XLSX
	progressEveryNRows = 1000
)

// ImportOptions tune an import. The zero value is ready to use.
type ImportOptions struct {
	Format Format
	// Progress, when not nil, receives a progress bar (rows done).
	Progress io.Writer
	// OnProgress, when not nil, is called with the rows done so far every
	// thousand rows and once at the end.
	OnProgress func(rows int64)
	// MaxRows limits the data rows of a file; more is an error. Zero means
	// DefaultMaxRows.
	MaxRows int64
	// MaxErrors is how many problems are collected before the import stops.
	// Zero means DefaultMaxErrors.
	MaxErrors int
	// UnzipLimit bounds the uncompressed size of an XLSX file. Zero means
	// DefaultUnzipLimit.
	UnzipLimit int64
	// ReportLag is how long before a stock or open-orders push an order
	// must have been delivered for the push to cover it (see
	// ReleaseExposure). Zero means DefaultReportLag.
	ReportLag time.Duration
}

// DefaultReportLag is ImportOptions.ReportLag's default: an ERP's list is
// taken to include what it received at least this long before the push.
const DefaultReportLag = 5 * time.Minute

func (o ImportOptions) withDefaults() ImportOptions {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = DefaultMaxErrors
	}
	if o.UnzipLimit <= 0 {
		o.UnzipLimit = DefaultUnzipLimit
	}
	if o.ReportLag <= 0 {
		o.ReportLag = DefaultReportLag
	}
	return o
}

// ImportResult says what an import did.
type ImportResult struct {
	Kind Kind
	// Rows is the number of data rows (records) read and written.
	Rows int64
	// Version is the master-data version after the import.
	Version int64
}
