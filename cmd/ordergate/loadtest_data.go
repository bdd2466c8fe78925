package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/masterdata"
)

// loadCatalog is the master data a load test imports: catalogtest's
// generated catalog (valid GTINs, pack units, list prices, stock in two
// warehouses, customers with GLNs and mail domains, cross-references).
type loadCatalog struct {
	data catalog.Data
	// price of each item by index, as the list price sent on order lines.
	price []string
}

func newLoadCatalog(customers, items int, seed uint64) *loadCatalog {
	d := catalogtest.Generate(catalogtest.Size{Items: items, Customers: customers, CrossRefs: 5 * customers, Seed: seed})
	c := &loadCatalog{data: d, price: make([]string, items)}
	for _, p := range d.Prices {
		if p.Customer == "" {
			var i int
			fmt.Sscanf(p.SKU, "SK-%d", &i)
			c.price[i] = p.Price.String()
		}
	}
	return c
}

// importInto loads the catalog through the same import the `import`
// command uses (CSV, all rows or none per kind).
func (c *loadCatalog) importInto(ctx context.Context, pool *pgxpool.Pool) error {
	var cust, items, prices, stock, xref bytes.Buffer
	cust.WriteString("number,name,gln,email,domain,credit_limit,currency,auto_approve\n")
	for _, k := range c.data.Customers {
		fmt.Fprintf(&cust, "%s,%s,%s,%s,%s,%s,EUR,yes\n", k.Number, k.Name, k.GLNs[0], k.Emails[0], k.Domains[0], k.CreditLimit)
	}
	units := map[string]catalog.SalesUnit{}
	for _, u := range c.data.SalesUnits {
		units[u.SKU] = u
	}
	items.WriteString("sku,gtin,description,unit,pack_size,pack_unit,pack_gtin\n")
	for _, it := range c.data.Items {
		u := units[it.SKU]
		fmt.Fprintf(&items, "%s,%s,%s,%s,%s,%s,%s\n", it.SKU, it.GTIN, it.Description, it.BaseUnit, u.Factor, u.Unit, u.GTIN)
	}
	prices.WriteString("sku,price\n")
	for _, p := range c.data.Prices {
		if p.Customer == "" {
			fmt.Fprintf(&prices, "%s,%s\n", p.SKU, p.Price)
		}
	}
	stock.WriteString("sku,warehouse,quantity\n")
	for _, s := range c.data.Stock {
		fmt.Fprintf(&stock, "%s,%s,%s\n", s.SKU, s.Warehouse, s.Quantity)
	}
	xref.WriteString("customer,customer_item,sku\n")
	for _, x := range c.data.CrossRefs {
		fmt.Fprintf(&xref, "%s,%s,%s\n", x.Customer, x.CustomerItem, x.SKU)
	}
	for _, f := range []struct {
		kind masterdata.Kind
		b    *bytes.Buffer
	}{{masterdata.Customers, &cust}, {masterdata.Items, &items}, {masterdata.Prices, &prices},
		{masterdata.Stock, &stock}, {masterdata.CrossRefs, &xref}} {
		if _, err := masterdata.Import(ctx, pool, f.kind, f.b, masterdata.ImportOptions{Format: masterdata.FormatCSV}); err != nil {
			return fmt.Errorf("import %s: %w", f.kind, err)
		}
	}
	return nil
}

// loadDoc is one document the load test sends: its channel, a name that
// finds it again in the database (file name, Message-ID), its bytes and
// how many orders and lines it carries.
type loadDoc struct {
	channel  string // file, api, sheet, email
	name     string
	customer string // the customer a sheet is uploaded for (?customer=)
	data     []byte
	orders   int
	lines    int
}

// docGen writes documents of the catalog's customers. A share of the lines
// (badShare) names an item nobody has, so that those orders go to review
// as real traffic does.
type docGen struct {
	cat      *loadCatalog
	r        *rand.Rand
	lines    int
	badShare float64
	today    time.Time
	seq      int
}

func (g *docGen) customer() int { return g.r.IntN(len(g.cat.data.Customers)) }

// line picks an item and a quantity; bad lines get a GTIN outside the catalog.
func (g *docGen) line() (item int, qty int, bad bool) {
	return g.r.IntN(len(g.cat.data.Items)), 1 + g.r.IntN(9), g.r.Float64() < g.badShare
}

// edifact writes one interchange of n ORDERS messages (EANCOM D.96A) of one
// customer, each line by GTIN with quantity and the list price.
func (g *docGen) edifact(channel string, n int) loadDoc {
	g.seq++
	c := g.customer()
	gln := g.cat.data.Customers[c].GLNs[0]
	var b strings.Builder
	ref := fmt.Sprintf("LT%08d", g.seq)
	fmt.Fprintf(&b, "UNA:+.? 'UNB+UNOC:3+%s:14+5400000000003:14+%s:%s+%s'", gln,
		g.today.Format("060102"), g.today.Format("1504"), ref)
	lines := 0
	for m := 1; m <= n; m++ {
		po := fmt.Sprintf("%s-%d", ref, m)
		segs := 0
		seg := func(format string, a ...any) {
			fmt.Fprintf(&b, format, a...)
			b.WriteByte('\'')
			segs++
		}
		seg("UNH+%d+ORDERS:D:96A:UN:EAN008", m)
		seg("BGM+220+%s+9", po)
		seg("DTM+137:%s:102", g.today.Format("20060102"))
		seg("DTM+2:%s:102", g.today.AddDate(0, 0, 3).Format("20060102"))
		seg("NAD+BY+%s::9", gln)
		seg("CUX+2:EUR:9")
		for l := 1; l <= g.lines; l++ {
			item, qty, bad := g.line()
			gtin := g.cat.data.Items[item].GTIN
			if bad {
				gtin = catalogtest.GTIN(len(g.cat.data.Items) + item)
			}
			seg("LIN+%d++%s:EN", l, gtin)
			seg("QTY+21:%d:PCE", qty)
			seg("PRI+AAA:%s", g.cat.price[item])
		}
		seg("UNS+S")
		seg("CNT+2:%d", g.lines)
		fmt.Fprintf(&b, "UNT+%d+%d'", segs+1, m)
		lines += g.lines
	}
	fmt.Fprintf(&b, "UNZ+%d+%s'", n, ref)
	return loadDoc{channel: channel, name: ref + ".edi", data: []byte(b.String()), orders: n, lines: lines}
}

// mail writes an order in a mail's body ("10 x SKU description" lines), as
// a customer's buyer types it, from the customer's address, with the
// Authentication-Results of our own MX (authserv-id loadAuthServ).
func (g *docGen) mail() loadDoc {
	g.seq++
	c := g.customer()
	k := g.cat.data.Customers[c]
	id := fmt.Sprintf("lt-%08d@%s", g.seq, k.Domains[0])
	var body strings.Builder
	body.WriteString("Hello,\r\n\r\nplease deliver:\r\n\r\n")
	for l := 0; l < g.lines; l++ {
		item, qty, bad := g.line()
		sku := g.cat.data.Items[item].SKU
		if bad {
			sku = fmt.Sprintf("XX-%07d", item)
		}
		fmt.Fprintf(&body, "%d x %s %s\r\n", qty, sku, g.cat.data.Items[item].Description)
	}
	body.WriteString("\r\nThanks,\r\nPurchasing\r\n")
	raw := fmt.Sprintf("Authentication-Results: %s; dkim=pass header.d=%s; dmarc=pass header.from=%s\r\n"+
		"From: Purchasing <%s>\r\nTo: %s\r\nSubject: Order LTM-%08d\r\nDate: %s\r\nMessage-ID: <%s>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		loadAuthServ, k.Domains[0], k.Domains[0], k.Emails[0], loadMailUser, g.seq,
		time.Now().Format(time.RFC1123Z), id, body.String())
	return loadDoc{channel: "email", name: id, data: []byte(raw), orders: 1, lines: g.lines}
}

// sheet writes a customer's order as a spreadsheet the way a buyer fills
// one in: the order number above the table, then item number, description,
// quantity and price; CSV and XLSX (excelize's stream writer) alternately.
// It is uploaded for its customer, as the desk does.
func (g *docGen) sheet() (loadDoc, error) {
	g.seq++
	k := g.cat.data.Customers[g.customer()]
	po := fmt.Sprintf("LTS-%08d", g.seq)
	rows := [][]any{{"Order no", po}, {}, {"Item no", "Description", "Qty", "Price"}}
	for l := 0; l < g.lines; l++ {
		item, qty, bad := g.line()
		sku := g.cat.data.Items[item].SKU
		if bad {
			sku = fmt.Sprintf("XX-%07d", item)
		}
		rows = append(rows, []any{sku, g.cat.data.Items[item].Description, qty, g.cat.price[item]})
	}
	d := loadDoc{channel: "sheet", customer: k.Number, orders: 1, lines: g.lines}
	if g.seq%2 == 0 {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = fmt.Sprint(v)
			}
			w.Write(rec)
		}
		w.Flush()
		d.name, d.data = po+".csv", b.Bytes()
		return d, w.Error()
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return d, err
	}
	for i, r := range rows {
		if len(r) == 4 && i > 2 {
			p, _ := strconv.ParseFloat(r[3].(string), 64)
			r[3] = p // a number cell, as a spreadsheet program stores a price
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			return d, err
		}
	}
	if err := sw.Flush(); err != nil {
		return d, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return d, err
	}
	d.name, d.data = po+".xlsx", b.Bytes()
	return d, nil
}
