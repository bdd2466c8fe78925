package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/masterdata"
)

// The demo supplier is a catering wholesaler. Its first items and customers
// are named: the sample documents refer to them to show every exception.
const (
	SupplierGLN = "5498765000017"
	Currency    = "EUR"
	numItems    = 3000
	numCusts    = 40
)

// gtin returns the GTIN-13 of item n (company prefix 540000).
func gtin(n int) string { return withCheck(fmt.Sprintf("540000%06d", n)) }

// packGTIN returns the GTIN-14 of item n's carton (indicator digit 1).
func packGTIN(n int) string { return withCheck(fmt.Sprintf("1540000%06d", n)) }

// gln returns the GLN of customer n (company prefix 5412345).
func gln(n int) string { return withCheck(fmt.Sprintf("5412345%05d", n)) }

func withCheck(body string) string {
	c, err := catalog.GTINCheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// Named items (their number n gives gtin(n)).
type namedItem struct {
	n                   int
	sku, desc, unit     string
	list                string // list price per base unit, "" for none
	status, replacement string
	minQty, multiple    string
	packSize            string // carton of packSize base units
	stock               string
}

var namedItems = []namedItem{
	{n: 1, sku: "COF-1000", desc: "Espresso beans 1 kg", unit: "PCE", list: "15.20", stock: "500"},
	{n: 2, sku: "CUP-0008", desc: "Paper cups 8 oz, box of 1000", unit: "PCE", list: "32.00", stock: "200"},
	{n: 3, sku: "SUG-0500", desc: "Sugar sticks 5 g, box of 500", unit: "PCE", list: "6.90", stock: "300"},
	{n: 4, sku: "NAP-3302", desc: "Napkins 33x33 2-ply white, pack of 100", unit: "PCE", list: "2.10", packSize: "12", stock: "2400"},
	{n: 5, sku: "PAD-0005", desc: "Waffle iron cleaning pads", unit: "PCE", list: "4.50", status: "blocked", stock: "40"},
	{n: 6, sku: "COF-0900", desc: "Espresso beans 1 kg, old blend", unit: "PCE", list: "14.90", status: "discontinued", replacement: "COF-1000"},
	{n: 7, sku: "STR-0250", desc: "Drinking straws paper, box of 250", unit: "PCE", list: "3.80", minQty: "10", stock: "400"},
	{n: 8, sku: "FIL-0004", desc: "Coffee filters no. 4, bag of 100", unit: "PCE", list: "1.95", multiple: "6", stock: "600"},
	{n: 9, sku: "STI-0140", desc: "Stirrers wood 140 mm, box of 1000", unit: "PCE", stock: "100"},
	{n: 10, sku: "OAT-1000", desc: "Oat milk barista 1 l", unit: "PCE", list: "2.40", stock: "5"},
	{n: 11, sku: "COC-0001", desc: "Cocoa powder", unit: "KGM", list: "9.80", stock: "120"},
	{n: 12, sku: "LID-0008", desc: "Takeaway lids 8 oz, box of 1000", unit: "PCE", list: "18.50", stock: "90"},
}

// Named customers.
type namedCustomer struct {
	n                   int
	number, name        string
	auto                bool
	credit, balance     string
	currency, priceList string
	assortment          []string // SKUs; empty: all items
}

var namedCustomers = []namedCustomer{
	{n: 1, number: "10001", name: "Brasserie Demo SA", auto: true, credit: "50000", priceList: "STD"},
	{n: 3, number: "10002", name: "Café l'Ami du Coin", auto: true, credit: "20000", priceList: "GOLD"},
	{n: 4, number: "10003", name: "Hotel Panorama", auto: false, credit: "80000", priceList: "STD"},
	{n: 5, number: "10004", name: "Kantine Nord", auto: true, credit: "30000", priceList: "STD",
		assortment: []string{"COF-1000", "CUP-0008", "SUG-0500", "NAP-3302"}},
	{n: 6, number: "10005", name: "Bistro Klein", auto: true, credit: "200", balance: "150", priceList: "STD"},
	{n: 7, number: "10006", name: "Harbor Diner Inc", auto: true, credit: "20000", currency: "USD"},
}

var (
	categories = []string{"Coffee", "Tea", "Cups", "Lids", "Napkins", "Cutlery", "Detergent", "Gloves", "Foil", "Syrup",
		"Biscuits", "Straws", "Bags", "Trays", "Labels"}
	variants = []string{"classic", "premium", "eco", "compostable", "heavy duty", "mini", "large", "organic", "white", "black"}
	sizes    = []string{"100 pcs", "250 pcs", "500 pcs", "1 kg", "2 kg", "1 l", "5 l", "8 oz", "12 oz", "30 cm"}
	towns    = []string{"Antwerpen", "Gent", "Lille", "Liège", "Namur", "Brugge", "Mons", "Leuven", "Hasselt", "Kortrijk"}
	kinds    = []string{"Café", "Hotel", "Brasserie", "Bakery", "Canteen", "Bistro", "Restaurant", "Catering"}
)

// csvFile builds one CSV with a header row.
type csvFile struct {
	buf bytes.Buffer
	w   *csv.Writer
}

func newCSV(header ...string) *csvFile {
	f := &csvFile{}
	f.w = csv.NewWriter(&f.buf)
	f.w.Write(header)
	return f
}

func (f *csvFile) row(cells ...string) { f.w.Write(cells) }

func (f *csvFile) bytes() []byte {
	f.w.Flush()
	return f.buf.Bytes()
}

// MasterData returns the demo master data as one CSV per kind, in the
// order they must be imported. It is the same on every run.
func MasterData() []File {
	r := rand.New(rand.NewPCG(20261125, 1))
	items := newCSV("sku", "description", "gtin", "unit", "status", "replacement", "min_qty", "order_multiple",
		"pack_size", "pack_unit", "pack_gtin")
	prices := newCSV("customer", "price_list", "sku", "price", "currency", "min_qty")
	stock := newCSV("sku", "warehouse", "quantity")

	for _, it := range namedItems {
		pack, packUnit, packG := "", "", ""
		if it.packSize != "" {
			pack, packUnit, packG = it.packSize, "CT", packGTIN(it.n)
		}
		items.row(it.sku, it.desc, gtin(it.n), it.unit, it.status, it.replacement, it.minQty, it.multiple, pack, packUnit, packG)
		if it.list != "" {
			prices.row("", "", it.sku, it.list, Currency, "")
		}
		if it.stock != "" {
			stock.row(it.sku, "MAIN", it.stock)
		}
	}
	skus := make(map[int]string, numItems)
	for n := len(namedItems) + 1; n <= numItems; n++ {
		cat := categories[r.IntN(len(categories))]
		sku := fmt.Sprintf("%s-%04d", strings.ToUpper(cat[:3]), n)
		skus[n] = sku
		desc := fmt.Sprintf("%s %s %s", cat, variants[r.IntN(len(variants))], sizes[r.IntN(len(sizes))])
		pack, packUnit, packG := "", "", ""
		if n%3 == 0 {
			pack, packUnit, packG = []string{"6", "12", "24"}[r.IntN(3)], "CT", packGTIN(n)
		}
		items.row(sku, desc, gtin(n), "PCE", "", "", "", "", pack, packUnit, packG)
		price := 50 + r.IntN(5000) // cents
		prices.row("", "", sku, cents(price), Currency, "")
		if n%5 == 0 { // quantity break: 5% off from 100 pieces
			prices.row("", "", sku, cents(price*95/100), Currency, "100")
		}
		for _, wh := range warehouses[:1+r.IntN(len(warehouses))] {
			stock.row(sku, wh, fmt.Sprint(r.IntN(2000)))
		}
	}

	customers := newCSV("number", "name", "gln", "edi_id", "email", "domain", "credit_limit", "open_balance",
		"currency", "price_list", "auto_approve", "price_tolerance_pct")
	assort := newCSV("customer", "sku")
	xrefs := newCSV("customer", "customer_item", "sku", "unit")
	for _, c := range namedCustomers {
		cur := c.currency
		if cur == "" {
			cur = Currency
		}
		customers.row(c.number, c.name, gln(c.n), gln(c.n), "orders@"+slug(c.name)+".example", slug(c.name)+".example",
			c.credit, c.balance, cur, c.priceList, fmt.Sprint(c.auto), "1")
		for _, sku := range c.assortment {
			assort.row(c.number, sku)
		}
	}
	// Brasserie Demo orders with its own item numbers.
	xrefs.row("10001", "BC-4411", "COF-1000", "")
	xrefs.row("10001", "BC-4412", "CUP-0008", "")
	xrefs.row("10001", "BC-4413", "NAP-3302", "CT")
	for n := len(namedCustomers) + 1; n <= numCusts; n++ {
		name := fmt.Sprintf("%s %s %d", kinds[r.IntN(len(kinds))], towns[r.IntN(len(towns))], n)
		number := fmt.Sprintf("1%04d", n+100)
		customers.row(number, name, gln(n+100), gln(n+100), "", slug(name)+".example",
			fmt.Sprint(5000+r.IntN(50)*1000), "0", Currency, []string{"STD", "GOLD"}[r.IntN(2)], fmt.Sprint(r.IntN(5) > 0), "1")
		taken := map[int]bool{}
		for len(taken) < 20 {
			item := len(namedItems) + 1 + r.IntN(numItems-len(namedItems))
			if !taken[item] {
				taken[item] = true
				xrefs.row(number, fmt.Sprintf("K%d-%05d", n, item), skus[item], "")
			}
		}
	}
	// Customer prices and a gold price list.
	prices.row("10001", "", "COF-1000", "14.50", Currency, "")
	prices.row("10001", "", "CUP-0008", "31.00", Currency, "")
	prices.row("", "GOLD", "SUG-0500", "6.20", Currency, "")
	prices.row("", "", "COF-1000", "13.90", "USD", "") // for Harbor Diner
	prices.row("", "", "LID-0008", "19.90", "USD", "")

	// Delivery locations: orders name them by GLN alone (NAD+DP) and reach
	// the ERP with the address.
	locations := newCSV("customer", "gln", "code", "name", "address", "city", "postcode", "country")
	locations.row("10001", gln(2), "WH", "Brasserie Demo Warehouse", "Havenlaan 12", "Brussel", "1000", "BE")
	locations.row("10001", gln(8), "TER", "Brasserie Demo Terrace", "Grote Markt 7", "Brussel", "1000", "BE")
	locations.row("10004", gln(9), "B", "Kantine Nord, site B", "Industrieweg 114", "Gent", "9000", "BE")
	locations.row("10006", "", "PIER-39", "Harbor Diner Pier 39", "Beach Street 39", "San Francisco", "94133", "US")

	return []File{
		{Kind: masterdata.Customers, Data: customers.bytes()},
		{Kind: masterdata.Locations, Data: locations.bytes()},
		{Kind: masterdata.Items, Data: items.bytes()},
		{Kind: masterdata.Assortments, Data: assort.bytes()},
		{Kind: masterdata.CrossRefs, Data: xrefs.bytes()},
		{Kind: masterdata.Prices, Data: prices.bytes()},
		{Kind: masterdata.Stock, Data: stock.bytes()},
	}
}

var warehouses = []string{"MAIN", "NORTH", "SOUTH"}

// File is one master-data file.
type File struct {
	Kind masterdata.Kind
	Data []byte
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'é' || r == 'è':
			b.WriteByte('e')
		case r == ' ' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

// SeedMasterData imports the demo master data when there are no customers
// yet, and reports whether it did.
func SeedMasterData(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var has bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers)`).Scan(&has); err != nil || has {
		return false, err
	}
	for _, f := range MasterData() {
		if _, err := masterdata.Import(ctx, pool, f.Kind, bytes.NewReader(f.Data), masterdata.ImportOptions{Format: masterdata.FormatCSV}); err != nil {
			return false, fmt.Errorf("demo: import %s: %w", f.Kind, err)
		}
	}
	return true, nil
}

func cents(c int) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
