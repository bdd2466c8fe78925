package masterdata_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/masterdata"
)

// fixtures holds one file per kind, in an order that imports cleanly.
var fixtures = []struct {
	kind masterdata.Kind
	rows [][]string
}{
	{masterdata.Customers, table(`
		Number,Name,GLN,Email,Credit_Limit,Currency,VAT ID,edi_id,domain,price_list,auto_approve,price_tolerance_pct,open_balance
		c100,Müller GmbH,4012345000009|4012345000016,Orders@Mueller.example,10000,eur,DE123,MUELLER01,mueller.example,retail,yes,0.5,1250.40
		C200,Acme,,buyer@acme.example,,,,,,,no,,`)},
	{masterdata.Items, table(`
		sku,gtin,description,unit,pack_size,status,min_qty,order_multiple,replacement
		AB-100,4006381333931,Screws 4x40,PCE,12,active,,,
		AB-200,,Nails,kg,,blocked,1,0.5,
		AB-300,,Old screws,PCE,,discontinued,,,ab100`)},
	{masterdata.Units, table(`
		sku,unit,factor,gtin
		AB-100,PF,480,
		ab100,CT,24,`)},
	{masterdata.Assortments, table(`
		customer,sku
		C100,AB-100
		c100,ab 200`)},
	{masterdata.CrossRefs, table(`
		customer,customer_item,sku,unit
		C100,M-4711,AB-100,CT
		C200,x1,AB-200,`)},
	{masterdata.Prices, table(`
		customer,sku,price,currency,min_qty,valid_from,valid_to,price_list,unit
		C100,AB-100,0.12,EUR,,2026-01-01,2026-12-31,,
		,AB-100,0.15,,100,,,,
		,AB-100,1.50,,,,,RETAIL,CT`)},
	{masterdata.Stock, table(`
		sku,warehouse,quantity
		AB-100,main,1500
		AB-200,Main,12.5`)},
	{masterdata.OpenOrders, table(`
		customer,order_id,value
		C100,SO-1,250.00`)},
}

// expected is what Load returns after importing fixtures.
func expected() catalog.Data {
	return catalog.Data{
		Customers: []catalog.Customer{
			{Number: "C100", Name: "Müller GmbH", GLNs: []string{"4012345000009", "4012345000016"}, VATID: "DE123",
				EDIIDs: []string{"MUELLER01"}, Emails: []string{"orders@mueller.example"}, Domains: []string{"mueller.example"},
				Currency: "EUR", CreditLimit: ptr(dec("10000")), OpenBalance: dec("1250.4"), PriceList: "RETAIL",
				AutoApprove: true, PriceTolerancePct: dec("0.5")},
			{Number: "C200", Name: "Acme", GLNs: []string{}, EDIIDs: []string{}, Emails: []string{"buyer@acme.example"},
				Domains: []string{}},
		},
		Items: []catalog.Item{
			{SKU: "AB-100", Status: catalog.ItemActive, Description: "Screws 4x40", BaseUnit: "PCE", GTIN: "4006381333931"},
			{SKU: "AB-200", Status: catalog.ItemBlocked, MinQty: dec("1"), OrderMultiple: dec("0.5"), Description: "Nails", BaseUnit: "KGM"},
			{SKU: "AB-300", Status: catalog.ItemDiscontinued, Replacement: "ab100", Description: "Old screws", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{
			{SKU: "AB-100", Unit: "CT", Factor: dec("24")},
			{SKU: "AB-100", Unit: "PF", Factor: dec("480")},
		},
		Assortments: []catalog.AssortmentEntry{{Customer: "C100", SKU: "AB-100"}, {Customer: "C100", SKU: "AB-200"}},
		CrossRefs: []catalog.CrossRef{
			{Customer: "C100", CustomerItem: "M-4711", SKU: "AB-100", Unit: "CT", Source: catalog.SourceImported},
			{Customer: "C200", CustomerItem: "x1", SKU: "AB-200", Source: catalog.SourceImported},
		},
		Prices: []catalog.Price{
			{Customer: "C100", SKU: "AB-100", Price: dec("0.12"), Currency: "EUR", ValidFrom: date("2026-01-01"), ValidTo: date("2026-12-31")},
			{SKU: "AB-100", Price: dec("0.15"), MinQty: dec("100")},
			{PriceList: "RETAIL", SKU: "AB-100", Price: dec("1.5"), Unit: "CT"},
		},
		Stock: []catalog.Stock{
			{SKU: "AB-100", Warehouse: "MAIN", Quantity: dec("1500")},
			{SKU: "AB-200", Warehouse: "MAIN", Quantity: dec("12.5")},
		},
		OpenOrders: []catalog.OpenOrder{{Customer: "C100", OrderID: "SO-1", Value: dec("250")}},
	}
}

func TestImportEveryKindAndLoad(t *testing.T) {
	for _, format := range []masterdata.Format{masterdata.FormatCSV, masterdata.FormatXLSX} {
		t.Run(string(format), func(t *testing.T) {
			ctx, pool := setup(t)
			for _, f := range fixtures {
				data := csvOf(f.rows, ",")
				if format == masterdata.FormatXLSX {
					data = xlsxOf(t, f.rows)
				}
				// The format is detected from the content.
				res, err := masterdata.Import(ctx, pool, f.kind, bytes.NewReader(data), masterdata.ImportOptions{})
				if err != nil {
					t.Fatalf("import %s: %v", f.kind, err)
				}
				if res.Rows != int64(len(f.rows)-1) || res.Kind != f.kind {
					t.Errorf("import %s: result %+v, want %d rows", f.kind, res, len(f.rows)-1)
				}
			}
			got, version, err := masterdata.Load(ctx, pool)
			if err != nil {
				t.Fatal(err)
			}
			if version < 2 {
				t.Errorf("version = %d after imports, want > 1", version)
			}
			compareData(t, got, expected())
			got.Currency = "EUR"
			if _, err := catalog.Build(got); err != nil {
				t.Errorf("catalog.Build of the loaded data: %v", err)
			}
		})
	}
}

func compareData(t *testing.T, got, want catalog.Data) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", name, dump(g), dump(w))
		}
	}
}

func dump(v any) string {
	s := fmt.Sprintf("%+v", v)
	if cs, ok := v.([]catalog.Customer); ok {
		var b strings.Builder
		for _, c := range cs {
			fmt.Fprintf(&b, "%+v credit=%v; ", c, c.CreditLimit)
		}
		return b.String()
	}
	return s
}

func TestUpsertUpdatesExistingRows(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Items, "sku,description,gtin,unit,min_qty\nAB-100,Screws,4006381333931,PCE,10\nAB-200,Nails,,KGM,\n")
	// A file without the gtin and unit columns leaves them alone; a SKU in
	// another spelling is the same item.
	importCSV(t, ctx, pool, masterdata.Items, "SKU,Description,Min_Qty,status\nab100,Screws 4x40,,blocked\nAB-300,New,5,\n")
	d, _, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Item{
		{SKU: "AB-100", Status: catalog.ItemBlocked, Description: "Screws 4x40", BaseUnit: "PCE", GTIN: "4006381333931"},
		{SKU: "AB-200", Status: catalog.ItemActive, Description: "Nails", BaseUnit: "KGM"},
		{SKU: "AB-300", Status: catalog.ItemActive, MinQty: dec("5"), Description: "New", BaseUnit: "PCE"},
	}
	if !reflect.DeepEqual(d.Items, want) {
		t.Errorf("items:\n got %+v\nwant %+v", d.Items, want)
	}

	importCSV(t, ctx, pool, masterdata.Stock, "sku,warehouse,quantity\nAB-100,W1,5\n")
	importCSV(t, ctx, pool, masterdata.Stock, "sku,warehouse,quantity\nAB-100,w1,7\nAB-200,W1,1\n")
	d, _, err = masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	wantStock := []catalog.Stock{{SKU: "AB-100", Warehouse: "W1", Quantity: dec("7")}, {SKU: "AB-200", Warehouse: "W1", Quantity: dec("1")}}
	if !reflect.DeepEqual(d.Stock, wantStock) {
		t.Errorf("stock:\n got %+v\nwant %+v", d.Stock, wantStock)
	}
}

func TestRowErrorsNameRowAndColumnAndWriteNothing(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\n")
	importCSV(t, ctx, pool, masterdata.Items, "sku,description\nA1,Apple\n")
	tests := []struct {
		name string
		kind masterdata.Kind
		file string
		want []string
	}{
		{"cells", masterdata.Prices, "sku,price,valid_from,customer,price_list\n" +
			"A1,1.00,,,\n" +
			"A1,\"12,5x\",,,\n" +
			"A1,-1,2026-02-30,,\n" +
			",2,,,\n" +
			"A1,2,,C1,GOLD\n",
			[]string{
				`row 3, column price: "12,5x" is not a number`,
				`row 4, column price: "-1" must not be negative`,
				`row 4, column valid_from: "2026-02-30" is not a date (write it as YYYY-MM-DD)`,
				`row 5, column sku: is empty; a value is required`,
				`row 6, column price_list: a price is for a customer or for a price list, not both`,
			}},
		{"references", masterdata.Prices, "sku,price,customer,unit\nA1,1,,\nB2,1,,\nA1,1,C9,\nA1,2,,CT\n",
			[]string{
				`row 3, column sku: there is no item "B2"`,
				`row 4, column customer: there is no customer "C9"`,
				`row 5, column unit: CT is not a unit of this item (import it as a unit first)`,
			}},
		{"repeated key", masterdata.Stock, "sku,warehouse,quantity\nA1,W,1\nA-1,w,2\n",
			[]string{`row 3, column warehouse: repeats row 2 (the same entry twice)`}},
		{"too many cells", masterdata.Stock, "sku,warehouse,quantity\nA1,W,1,x\n",
			[]string{`row 2: the row has more cells than the header has columns`}},
		{"customers", masterdata.Customers, "number,name,gln,email,auto_approve,currency\nC2,Two,4012345000001,x,maybe,euro\n",
			[]string{
				`row 2, column gln: "4012345000001" is not a valid GTIN (GTIN check digit is wrong)`,
				`row 2, column email: "x" is not an e-mail address`,
				`row 2, column currency: "euro" is not a currency code (such as EUR)`,
				`row 2, column auto_approve: "maybe" is not yes or no`,
			}},
		{"repeated key on update", masterdata.Items, "sku,description\nA1,x\na-1,y\n",
			[]string{`row 3, column sku: repeats row 2 (the same entry twice)`}},
		{"base unit factor", masterdata.Units, "sku,unit,factor\nA1,PCE,12\n",
			[]string{`row 2, column factor: PCE is the item's base unit, so its factor must be 1`}},
		{"pack unit", masterdata.Items, "sku,description,unit,pack_size,pack_unit\nA3,x,CT,12,ct\n",
			[]string{`row 2, column pack_unit: the pack unit CT is the item's base unit; choose another pack unit`}},
		{"identifiers of another customer", masterdata.Customers,
			"number,name,gln,email\nC1,One,4012345000009,a@x.example\nC2,Two,4012345000009,A@X.example\n",
			[]string{
				`row 2, column gln: 4012345000009 already belongs to customer C2`,
				`row 2, column email: a@x.example already belongs to customer C2`,
				`row 3, column gln: 4012345000009 already belongs to customer C1`,
				`row 3, column email: a@x.example already belongs to customer C1`,
			}},
		{"GTIN of another item", masterdata.Items, "sku,description,gtin\nA2,Pear,4012345000009\nA3,Plum,04012345000009\n",
			[]string{
				`row 2, column gtin: 4012345000009 is already the GTIN of item A3; a GTIN identifies one item or pack`,
				`row 3, column gtin: 04012345000009 is already the GTIN of item A2; a GTIN identifies one item or pack`,
			}},
		{"GTIN of the item and its pack", masterdata.Items, "sku,description,gtin,pack_size,pack_gtin\nA2,Pear,4012345000009,12,4012345000009\n",
			[]string{
				`row 2, column gtin: 4012345000009 is already the GTIN of item A2 (CT); a GTIN identifies one item or pack`,
				`row 2, column pack_gtin: 4012345000009 is already the GTIN of item A2; a GTIN identifies one item or pack`,
			}},
		{"GTIN of two packs", masterdata.Units, "sku,unit,factor,gtin\nA1,CT,12,4012345000009\nA1,BX,6,4012345000009\n",
			[]string{
				`row 2, column gtin: 4012345000009 is already the GTIN of item A1 (BX); a GTIN identifies one item or pack`,
				`row 3, column gtin: 4012345000009 is already the GTIN of item A1 (CT); a GTIN identifies one item or pack`,
			}},
		{"unknown replacement", masterdata.Items, "sku,description,replacement\nA2,Pear,Z9\n",
			[]string{`row 2, column replacement: there is no item "Z9"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := masterdata.Import(ctx, pool, tt.kind, strings.NewReader(tt.file), masterdata.ImportOptions{})
			got := problems(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "masterdata: "+string(tt.kind)+" not imported") {
				t.Errorf("error text %q", err)
			}
		})
	}
	for table, want := range map[string]int{"prices": 0, "stock": 0, "customers": 1, "items": 1} {
		if n := countRows(t, ctx, pool, table); n != want {
			t.Errorf("%s has %d rows after failed imports, want %d", table, n, want)
		}
	}
}

// Re-importing an item keeps its own GTINs, and a unit import may restate
// the GTIN its item's import gave the pack; another item may not take one.
func TestGTINBelongsToOneItemOrPack(t *testing.T) {
	ctx, pool := setup(t)
	items := "sku,description,gtin,pack_size,pack_unit,pack_gtin\nA1,Apple,4012345000009,12,CT,14012345000006\n"
	importCSV(t, ctx, pool, masterdata.Items, items)
	importCSV(t, ctx, pool, masterdata.Items, strings.Replace(items, "Apple", "Apples", 1))
	importCSV(t, ctx, pool, masterdata.Units, "sku,unit,factor,gtin\nA1,CT,12,14012345000006\n")
	_, err := masterdata.Import(ctx, pool, masterdata.Items, strings.NewReader("sku,description,gtin\nB1,Pear,14012345000006\n"), masterdata.ImportOptions{})
	got := problems(t, err)
	want := []string{`row 2, column gtin: 14012345000006 is already the GTIN of item A1 (CT); a GTIN identifies one item or pack`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}

func TestImportStopsAfterMaxErrors(t *testing.T) {
	ctx, pool := setup(t)
	var b strings.Builder
	b.WriteString("sku,warehouse,quantity\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "A%d,W,lots\n", i)
	}
	_, err := masterdata.Import(ctx, pool, masterdata.Stock, strings.NewReader(b.String()), masterdata.ImportOptions{MaxErrors: 5})
	ie, ok := err.(*masterdata.ImportError)
	if !ok || len(ie.Problems) != 5 || !ie.More {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "stopped after 5 problems") {
		t.Errorf("error text %q", err)
	}
}

func TestHeaderProblems(t *testing.T) {
	ctx, pool := setup(t)
	tests := []struct{ file, want string }{
		{"sku,colour,warehouse,qty\nA,red,W,1\n",
			`row 1: unknown column "colour", "qty" (stock files have: sku, warehouse, quantity)` + "|" +
				`row 1: required column missing: quantity`},
		{"sku\nA\n", `row 1: required column missing: warehouse, quantity`},
		{"sku,SKU,warehouse,quantity\n", `row 1, column sku: the column appears twice`},
		{"", `the file is empty; the first row must name the columns`},
	}
	for _, tt := range tests {
		_, err := masterdata.Import(ctx, pool, masterdata.Stock, strings.NewReader(tt.file), masterdata.ImportOptions{})
		got := problems(t, err)
		if strings.Join(got, "|") != tt.want {
			t.Errorf("file %q: problems %q, want %q", tt.file, got, tt.want)
		}
	}
}

func TestSemicolonCSVWithBOMAndQuotes(t *testing.T) {
	ctx, pool := setup(t)
	file := "\uFEFFSKU;Description;Unit;Min_Qty\r\n" +
		"A1;\"Screws; zinc, 4\"\"\";PCE;2,5\r\n" +
		";;;\r\n" +
		"A2;\"two\nlines\";KG;\r\n"
	res := importCSV(t, ctx, pool, masterdata.Items, file)
	if res.Rows != 2 {
		t.Errorf("rows = %d, want 2", res.Rows)
	}
	d, _, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Item{
		{SKU: "A1", Status: catalog.ItemActive, MinQty: dec("2.5"), Description: `Screws; zinc, 4"`, BaseUnit: "PCE"},
		{SKU: "A2", Status: catalog.ItemActive, Description: "two\nlines", BaseUnit: "KGM"},
	}
	if !reflect.DeepEqual(d.Items, want) {
		t.Errorf("items:\n got %+v\nwant %+v", d.Items, want)
	}
}

func TestUpsertJSON(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\n")
	body := `[{"number":"C1","name":"One AG","email":["a@one.example","b@one.example"],"credit_limit":1000.10},
	          {"number":"C2","name":"Two","auto_approve":true}]`
	res, err := masterdata.UpsertJSON(ctx, pool, masterdata.Customers, []byte(body), masterdata.ImportOptions{})
	if err != nil || res.Rows != 2 {
		t.Fatalf("upsert: %+v, %v", res, err)
	}
	d, _, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Customers[0]
	if c.Name != "One AG" || !reflect.DeepEqual(c.Emails, []string{"a@one.example", "b@one.example"}) ||
		c.CreditLimit == nil || *c.CreditLimit != dec("1000.1") || !d.Customers[1].AutoApprove {
		t.Errorf("customers after push: %+v", d.Customers)
	}

	_, err = masterdata.UpsertJSON(ctx, pool, masterdata.Customers,
		[]byte(`[{"number":"C3","name":"Three"},{"number":"C4","credit_limit":"ten"},{"number":"C5","name":"x","colour":1}]`),
		masterdata.ImportOptions{})
	want := []string{`unknown column "colour" (customers files have: number, name, gln, email, credit_limit, currency, vat_id, edi_id, domain, price_list, auto_approve, price_tolerance_pct, open_balance)`}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q", got)
	}
	_, err = masterdata.UpsertJSON(ctx, pool, masterdata.Customers,
		[]byte(`[{"number":"C3","name":"Three"},{"number":"C4","credit_limit":"ten"}]`), masterdata.ImportOptions{})
	want = []string{`record 2, column name: is empty; a value is required`, `record 2, column credit_limit: "ten" is not a number`}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	if n := countRows(t, ctx, pool, "customers"); n != 2 {
		t.Errorf("customers = %d after failed push, want 2", n)
	}
	if res, err := masterdata.UpsertJSON(ctx, pool, masterdata.Customers, []byte(`[]`), masterdata.ImportOptions{}); err != nil || res.Rows != 0 {
		t.Errorf("empty push: %+v, %v", res, err)
	}
}

func TestImportFileAndProgress(t *testing.T) {
	ctx, pool := setup(t)
	dir := t.TempDir()
	path := dir + "/items.xlsx"
	rows := [][]string{{"sku", "description"}}
	for i := 0; i < 2500; i++ {
		rows = append(rows, []string{fmt.Sprintf("S%04d", i), "item"})
	}
	if err := writeFile(path, xlsxOf(t, rows)); err != nil {
		t.Fatal(err)
	}
	var bar bytes.Buffer
	var calls []int64
	res, err := masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{
		Progress: &bar, OnProgress: func(n int64) { calls = append(calls, n) }})
	if err != nil || res.Rows != 2500 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if !reflect.DeepEqual(calls, []int64{1000, 2000, 2500}) {
		t.Errorf("progress calls %v", calls)
	}
	if !strings.Contains(bar.String(), "2500") {
		t.Errorf("progress bar output %q", bar.String())
	}
	_, err = masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{MaxRows: 100})
	if got := problems(t, err); len(got) != 1 || !strings.Contains(got[0], "more than 100 rows") {
		t.Errorf("max rows: %q", got)
	}
	_, err = masterdata.ImportFile(ctx, pool, masterdata.Items, path, masterdata.ImportOptions{UnzipLimit: 10_000})
	if got := problems(t, err); len(got) != 1 || !strings.Contains(got[0], "not a readable XLSX") {
		t.Errorf("unzip limit: %q", got)
	}
}

func TestReimportWritesOnlyChanges(t *testing.T) {
	ctx, pool := setup(t)
	file := "number,name,email\nC1,One,a@one.example\nC2,Two,\n"
	importCSV(t, ctx, pool, masterdata.Customers, file)
	stamp := func() (out []string) {
		rows, err := pool.Query(ctx, "SELECT number || ' ' || xmin::text FROM customers ORDER BY number")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	before := stamp()
	v0, err := masterdata.Version(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if res := importCSV(t, ctx, pool, masterdata.Customers, file); res.Version != v0 {
		t.Errorf("unchanged re-import moved the master-data version %d -> %d (running gateways rebuild for it)", v0, res.Version)
	}
	if after := stamp(); !reflect.DeepEqual(before, after) {
		t.Errorf("unchanged re-import rewrote rows: %v -> %v", before, after)
	}
	// The same for items with their pack level.
	items := "sku,description,pack_size,pack_unit,pack_gtin\nP1,Plum,12,CT,14012345000006\n"
	v1 := importCSV(t, ctx, pool, masterdata.Items, items).Version
	if v := importCSV(t, ctx, pool, masterdata.Items, items).Version; v != v1 {
		t.Errorf("unchanged items re-import moved the version %d -> %d", v1, v)
	}
	if v := importCSV(t, ctx, pool, masterdata.Items, strings.Replace(items, ",12,", ",24,", 1)).Version; v <= v1 {
		t.Errorf("a changed pack size did not move the version (%d -> %d)", v1, v)
	}
	if res := importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC2,Two Ltd\n"); res.Version <= v0 {
		t.Errorf("a change did not move the version: %d -> %d", v0, res.Version)
	}
	if after := stamp(); after[0] != before[0] || after[1] == before[1] {
		t.Errorf("changing C2 rewrote %v -> %v", before, after)
	}

	// An imported cross-reference replaces a learned one with the same code.
	importCSV(t, ctx, pool, masterdata.Items, "sku,description\nA1,Apple\nA2,Pear\n")
	if _, err := pool.Exec(ctx, `INSERT INTO crossrefs (customer, customer_item, customer_item_key, sku, source, learned_by, learned_at)
		VALUES ('C1', 'x-1', 'X1', 'A1', 'learned', 'anna', now())`); err != nil {
		t.Fatal(err)
	}
	importCSV(t, ctx, pool, masterdata.CrossRefs, "customer,customer_item,sku\nC1,X1,A1\n")
	d, _, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.CrossRef{{Customer: "C1", CustomerItem: "X1", SKU: "A1", Source: catalog.SourceImported}}
	if !reflect.DeepEqual(d.CrossRefs, want) {
		t.Errorf("crossrefs %+v, want %+v", d.CrossRefs, want)
	}
}

// A learned code replaces what the customer's code meant; a later import of
// the code replaces the learned one in turn.
func TestLearnReplacesAndImportReplacesLearned(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\n")
	importCSV(t, ctx, pool, masterdata.Items, "sku,description,pack_size,pack_unit\nA1,Apple,12,CT\nB1,Pear,,\n")
	importCSV(t, ctx, pool, masterdata.CrossRefs, "customer,customer_item,sku\nC1,X-1,A1\n")
	read := func() (sku, unit, source, by, from string) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT sku, unit, source, learned_by, learned_from FROM crossrefs WHERE customer = 'C1' AND customer_item_key = 'X1'`).
			Scan(&sku, &unit, &source, &by, &from); err != nil {
			t.Fatal(err)
		}
		return
	}
	v0, err := masterdata.Version(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	v, err := masterdata.Learn(ctx, pool, masterdata.LearnedCrossRef{Customer: "c1", CustomerItem: "x 1", SKU: "a1", Unit: "ct", By: "anna", FromOrder: "17"})
	if err != nil || v <= v0 {
		t.Fatalf("Learn = %d, %v (version before %d)", v, err, v0)
	}
	if sku, unit, source, by, from := read(); sku != "A1" || unit != "CT" || source != "learned" || by != "anna" || from != "17" {
		t.Fatalf("learned: %s %s %s %s %s", sku, unit, source, by, from)
	}
	for _, bad := range []masterdata.LearnedCrossRef{
		{Customer: "C9", CustomerItem: "X1", SKU: "A1"},
		{Customer: "C1", CustomerItem: "X1", SKU: "Z9"},
		{Customer: "C1", CustomerItem: "X1", SKU: "B1", Unit: "CT"},
		{Customer: "C1", CustomerItem: " - ", SKU: "A1"},
	} {
		if _, err := masterdata.Learn(ctx, pool, bad); !errors.Is(err, masterdata.ErrLearn) {
			t.Errorf("Learn(%+v) = %v, want ErrLearn", bad, err)
		}
	}
	importCSV(t, ctx, pool, masterdata.CrossRefs, "customer,customer_item,sku\nC1,X-1,B1\n")
	if sku, unit, source, by, _ := read(); sku != "B1" || unit != "" || source != "imported" || by != "" {
		t.Fatalf("imported over the learned: %s %s %s %s", sku, unit, source, by)
	}
}
