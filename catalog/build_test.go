package catalog

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/ordergate/ordergate/order"
)

func dec(s string) order.Decimal { return order.MustDecimal(s) }

func mustBuild(t *testing.T, d Data) *Snapshot {
	t.Helper()
	s, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func smallData() Data {
	limit := dec("500")
	return Data{
		Currency: "EUR",
		Customers: []Customer{
			{Number: "c1", Name: "Acme", GLNs: []string{"4006381333931"}, EDIIDs: []string{"acme"}, Emails: []string{"Orders@Acme.example"},
				Domains: []string{"acme.example", "shared.example"}, PriceList: "std", CreditLimit: &limit},
			{Number: "C2", Name: "Beta", Domains: []string{"Shared.example"}, Currency: "usd"},
		},
		Items: []Item{
			{SKU: "AB-100", Description: "Hex screw M8", BaseUnit: "ea", GTIN: "036000291452"},
			{SKU: "AB-200", Description: "Quartz sand", BaseUnit: "KGM", Status: ItemDiscontinued, Replacement: "AB-100"},
		},
		SalesUnits:  []SalesUnit{{SKU: "ab100", Unit: "ct", Factor: dec("12"), GTIN: "10614141000415"}},
		Assortments: []AssortmentEntry{{Customer: "C2", SKU: "AB-100"}},
		CrossRefs:   []CrossRef{{Customer: "C1", CustomerItem: "ACME-1", SKU: "AB-100", Unit: "CT", Source: SourceLearned, LearnedAt: time.Now()}},
		Prices: []Price{
			{Customer: "C1", SKU: "AB-100", Price: dec("2"), MinQty: dec("100")},
			{Customer: "C1", SKU: "AB-100", Price: dec("3"), ValidTo: order.NewDate(2026, 12, 31)},
			{PriceList: "STD", SKU: "AB-100", Price: dec("4")},
			{SKU: "AB-100", Price: dec("5"), Currency: "usd"},
		},
		Stock:       []Stock{{SKU: "AB-100", Warehouse: "main", Quantity: dec("10")}, {SKU: "AB-100", Warehouse: "North", Quantity: dec("5")}},
		OpenOrders:  []OpenOrder{{Customer: "C1", OrderID: "o1", Value: dec("100")}, {Customer: "C1", OrderID: "o2", Value: dec("50")}},
		PriorOrders: []PriorOrder{{Customer: "C1", PONumber: "PO-1", OrderID: "o1"}},
	}
}

func TestBuildAndLookups(t *testing.T) {
	s := mustBuild(t, smallData())
	if id, ok := s.CustomerByNumber(" C1 "); !ok || s.Customer(id).Name != "Acme" {
		t.Error("customer by number")
	}
	if id, ok := s.CustomerByGLN("4006381333931"); !ok || id != 0 {
		t.Error("customer by GLN")
	}
	if id, ok := s.CustomerByEDI("ACME"); !ok || id != 0 {
		t.Error("customer by EDI id")
	}
	if id, ok := s.CustomerByEmail("ORDERS@acme.example"); !ok || id != 0 {
		t.Error("customer by email")
	}
	if id, found, amb := s.CustomerByDomain("acme.example"); !found || amb || id != 0 {
		t.Error("customer by domain")
	}
	if _, found, amb := s.CustomerByDomain("shared.example"); found || !amb {
		t.Error("shared domain must be ambiguous")
	}
	if s.CustomerCurrency(1) != "USD" || s.CustomerCurrency(0) != "EUR" {
		t.Error("currencies")
	}
	g, _ := ParseGTIN("0036000291452")
	if id, u, ok := s.ItemByGTIN(g); !ok || id != 0 || u != nil {
		t.Error("base GTIN")
	}
	g, _ = ParseGTIN("10614141000415")
	if id, u, ok := s.ItemByGTIN(g); !ok || id != 0 || u == nil || u.Unit != "CT" {
		t.Error("pack GTIN")
	}
	if f, ok := s.UnitFactor(0, "CT"); !ok || f.String() != "12" {
		t.Error("CT factor")
	}
	if f, ok := s.UnitFactor(1, "GRM"); !ok || f.String() != "0.001" {
		t.Error("GRM factor")
	}
	if _, ok := s.UnitFactor(0, "KGM"); ok {
		t.Error("KGM of a piece item")
	}
	if x, id, unit, ok := s.CrossRef(0, "acme 1"); !ok || id != 0 || unit != "CT" || x.Source != SourceLearned {
		t.Error("cross-reference")
	}
	if _, _, _, ok := s.CrossRef(1, "ACME-1"); ok {
		t.Error("cross-reference of another customer")
	}
	if !s.MayBuy(0, 1) || !s.MayBuy(1, 0) || s.MayBuy(1, 1) {
		t.Error("assortment")
	}
	if ps := s.Prices(ScopeCustomer, 0, 0); len(ps) != 2 || ps[0].Price.String() != "3" ||
		ps[0].ValidTo().String() != "2026-12-31" || !ps[0].ValidFrom().IsZero() ||
		!ps[0].ValidAt(20261231) || ps[0].ValidAt(20270101) {
		t.Errorf("customer prices %v", ps)
	}
	if ps := s.Prices(ScopePriceList, 0, 0); len(ps) != 1 || ps[0].Currency != "EUR" {
		t.Errorf("price list %v", ps)
	}
	if ps := s.Prices(ScopePriceList, 1, 0); ps != nil {
		t.Error("customer without price list")
	}
	if ps := s.Prices(ScopeList, NoCustomer, 0); len(ps) != 1 || ps[0].Currency != "USD" {
		t.Errorf("list price %v", ps)
	}
	if q, ok := s.StockIn(0, "NORTH"); !ok || q.String() != "5" || s.StockTotal(0).String() != "15" {
		t.Error("stock")
	}
	if s.OpenOrdersValue(0).String() != "150" {
		t.Error("open orders")
	}
	if p := s.PriorOrders(0, "po 1"); len(p) != 1 || p[0].OrderID != "o1" {
		t.Error("prior orders")
	}
}

func TestBuildErrorsNameTheRecord(t *testing.T) {
	d := smallData()
	d.Customers = append(d.Customers, Customer{Number: "c1"}, Customer{Number: "C3", GLNs: []string{"4006381333932"}})
	d.Items = append(d.Items,
		Item{SKU: "ab.100", BaseUnit: "PCE"},
		Item{SKU: "X1", BaseUnit: "PCE", Status: "sold-out"},
		Item{SKU: "X2", BaseUnit: "PCE", GTIN: "0036000291452"},
		Item{SKU: "X3", BaseUnit: "PCE", Replacement: "NOPE"},
	)
	d.SalesUnits = append(d.SalesUnits, SalesUnit{SKU: "AB-100", Unit: "BX", Factor: dec("0")})
	d.CrossRefs = append(d.CrossRefs, CrossRef{Customer: "C1", CustomerItem: "acme.1", SKU: "AB-200"})
	d.Prices = append(d.Prices, Price{Customer: "C1", PriceList: "STD", SKU: "AB-100"},
		Price{SKU: "AB-100", ValidFrom: order.NewDate(2026, 2, 1), ValidTo: order.NewDate(2026, 1, 1)})
	d.Stock = append(d.Stock, Stock{SKU: "GHOST", Warehouse: "MAIN"})
	_, err := Build(d)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *BuildError", err)
	}
	for _, want := range []string{
		`customer 3 (number "c1"): number already used by customer 1`,
		`customer 4 (number "C3"): GLN "4006381333932" is not a valid 13-digit GLN`,
		`item 3 (SKU "ab.100"): SKU equals item 1 (SKU "AB-100") after normalisation`,
		`item 4 (SKU "X1"): unknown status "sold-out"`,
		`item 5 (SKU "X2"): GTIN 0036000291452 is already used by SKU "AB-100"`,
		`item 6 (SKU "X3"): replacement SKU "NOPE" is unknown`,
		`sales unit 2 (SKU "AB-100", unit "BX"): factor 0 must be positive`,
		`cross-reference 2 (customer "C1", code "acme.1"): code already maps to SKU "AB-100"`,
		`price 5 (SKU "AB-100", customer "C1", price list "STD"): a price is for a customer or a price list, not both`,
		`price 6 (SKU "AB-100", customer "", price list ""): valid to 2026-01-01 is before valid from 2026-02-01`,
		`stock 3 (SKU "GHOST", warehouse "MAIN"): unknown SKU`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q", want)
		}
	}
	if !strings.HasPrefix(err.Error(), "catalog: 11 invalid records") {
		t.Errorf("error starts %q", strings.SplitN(err.Error(), "\n", 2)[0])
	}
}

func TestSearchDescription(t *testing.T) {
	d := smallData()
	d.Items = append(d.Items, Item{SKU: "W1", Description: "Wood screw 4x30", BaseUnit: "PCE"},
		Item{SKU: "B1", Description: "Hex bolt M8 zinc", BaseUnit: "PCE"})
	s := mustBuild(t, d)
	hits := s.SearchDescription("hex screw m8", 3, nil)
	if len(hits) == 0 || s.Item(hits[0].Item).SKU != "AB-100" || hits[0].Score != 1 {
		t.Fatalf("hits %v", hits)
	}
	hits = s.SearchDescription("hxe scerw", 3, nil) // typos
	if len(hits) == 0 || s.Item(hits[0].Item).SKU != "AB-100" {
		t.Fatalf("typo hits %v", hits)
	}
	hits = s.SearchDescription("screw", 5, func(id ItemID) bool { return s.Item(id).SKU != "AB-100" })
	if len(hits) != 1 || s.Item(hits[0].Item).SKU != "W1" {
		t.Fatalf("filtered hits %v", hits)
	}
	if hits := s.SearchDescription("", 3, nil); hits != nil {
		t.Fatal("empty query")
	}
	if hits := s.SearchDescription("screw", 0, nil); hits != nil {
		t.Fatal("a limit of 0 found hits")
	}
	// Searches share working memory: one search leaves nothing behind for
	// the next.
	for range 3 {
		if hits := s.SearchDescription("bolt", 5, nil); len(hits) != 1 || hits[0].Score != 0.25 {
			t.Fatalf("repeated search: %v", hits)
		}
	}
}

func TestPrepareSearchBuildsTheIndexAhead(t *testing.T) {
	s := mustBuild(t, smallData())
	if s.text != nil {
		t.Fatal("index built before it was asked for")
	}
	s.PrepareSearch()
	if s.text == nil {
		t.Fatal("PrepareSearch did not build the index")
	}
}

// TestItemHotIsOneCacheLine guards the layout matching's speed relies on.
func TestItemHotIsOneCacheLine(t *testing.T) {
	if n := unsafe.Sizeof(itemHot{}); n != 64 {
		t.Fatalf("itemHot is %d bytes, want 64 (one cache line)", n)
	}
}

// TestTotalsBeyondTheRangeAreCapped: stock and open-order totals that do
// not fit a Decimal are capped at its largest value (the real total lies
// beyond), never wrapped negative.
func TestTotalsBeyondTheRangeAreCapped(t *testing.T) {
	d := smallData()
	d.Stock = []Stock{
		{SKU: "AB-100", Warehouse: "MAIN", Quantity: dec("9000000000000")},
		{SKU: "AB-100", Warehouse: "MAIN", Quantity: dec("9000000000000")},
		{SKU: "AB-200", Warehouse: "MAIN", Quantity: dec("-9000000000000")},
		{SKU: "AB-200", Warehouse: "NORTH", Quantity: dec("-9000000000000")},
	}
	d.OpenOrders = []OpenOrder{
		{Customer: "C1", OrderID: "o1", Value: dec("9000000000000")},
		{Customer: "C1", OrderID: "o2", Value: dec("9000000000000")},
	}
	s := mustBuild(t, d)
	ab100, _ := s.ItemBySKU("AB-100")
	ab200, _ := s.ItemBySKU("AB-200")
	c1, _ := s.CustomerByNumber("C1")
	min, _ := order.MaxDecimal.Neg()
	main, _ := s.StockIn(ab100, "MAIN")
	if s.StockTotal(ab100) != order.MaxDecimal || main != order.MaxDecimal {
		t.Errorf("stock of AB-100 = %s (MAIN %s), want %s", s.StockTotal(ab100), main, order.MaxDecimal)
	}
	if s.StockTotal(ab200) != min {
		t.Errorf("stock of AB-200 = %s, want %s", s.StockTotal(ab200), min)
	}
	if v := s.OpenOrdersValue(c1); v != order.MaxDecimal {
		t.Errorf("open orders of C1 = %s, want %s", v, order.MaxDecimal)
	}
}
