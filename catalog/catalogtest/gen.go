// Package catalogtest generates valid, realistic-looking catalogs of any size
// for tests and benchmarks. Generation is deterministic for a seed.
package catalogtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// GTIN returns a valid GTIN-13 for n under a fixed company prefix.
func GTIN(n int) string {
	body := fmt.Sprintf("54%010d", n)
	c, _ := catalog.GTINCheckDigit(body)
	return body + string(c)
}

// GTIN14 returns a valid GTIN-14 for a pack level (indicator 1) of n.
func GTIN14(n int) string {
	body := fmt.Sprintf("154%010d", n)
	c, _ := catalog.GTINCheckDigit(body)
	return body + string(c)
}

// GLN returns a valid 13-digit GLN for customer n.
func GLN(n int) string {
	body := fmt.Sprintf("40%010d", n)
	c, _ := catalog.GTINCheckDigit(body)
	return body + string(c)
}

// SKU returns the SKU of item n.
func SKU(n int) string { return fmt.Sprintf("SK-%07d", n) }

// CustomerNumber returns the number of customer n.
func CustomerNumber(n int) string { return fmt.Sprintf("C%06d", n) }

// CustomerItem returns customer c's own code for item i.
func CustomerItem(c, i int) string { return fmt.Sprintf("K%d/%d", c, i) }

// Size sets how big the generated catalog is.
type Size struct {
	Items          int
	Customers      int
	CrossRefs      int
	CustomerPrices int
	Seed           uint64
}

var (
	nouns  = []string{"screw", "bolt", "nut", "washer", "anchor", "hinge", "bracket", "nail", "rivet", "hook", "clamp", "pipe", "cable", "tape", "glue", "paint", "brush", "drill", "blade", "sanding"}
	adjs   = []string{"hex", "wood", "steel", "brass", "zinc", "stainless", "black", "white", "long", "short", "heavy", "light", "galvanised", "coated", "plastic"}
	sizes  = []string{"M4", "M5", "M6", "M8", "M10", "M12", "4x30", "5x50", "6x60", "8x80", "10mm", "20mm", "50mm", "1m", "5m"}
	packs  = []string{"BX", "CT", "PK"}
	factor = []int64{10, 12, 25, 50, 100}
)

// Description returns a random hardware item description.
func Description(r *rand.Rand) string {
	return adjs[r.IntN(len(adjs))] + " " + nouns[r.IntN(len(nouns))] + " " + sizes[r.IntN(len(sizes))] + " " + adjs[r.IntN(len(adjs))]
}

// Generate builds master data of the given size: every item active with a
// base GTIN, a pack unit with its own GTIN-14, a list price and stock in two
// warehouses; customers with GLNs, addresses and price lists; cross-references
// and customer prices spread over the customers.
func Generate(sz Size) catalog.Data {
	r := rand.New(rand.NewPCG(sz.Seed, 42))
	d := catalog.Data{Currency: "EUR"}
	d.Customers = make([]catalog.Customer, sz.Customers)
	limit := order.NewDecimal(1_000_000_000)
	for c := range d.Customers {
		d.Customers[c] = catalog.Customer{
			Number:      CustomerNumber(c),
			Name:        "Customer " + strconv.Itoa(c),
			GLNs:        []string{GLN(c)},
			Emails:      []string{fmt.Sprintf("orders@c%d.example", c)},
			Domains:     []string{fmt.Sprintf("c%d.example", c)},
			PriceList:   "PL" + strconv.Itoa(c%10),
			AutoApprove: true,
			CreditLimit: &limit,
		}
	}
	d.Items = make([]catalog.Item, sz.Items)
	d.SalesUnits = make([]catalog.SalesUnit, sz.Items)
	d.Prices = make([]catalog.Price, 0, sz.Items+sz.CustomerPrices)
	d.Stock = make([]catalog.Stock, 0, 2*sz.Items)
	for i := range d.Items {
		sku := SKU(i)
		d.Items[i] = catalog.Item{SKU: sku, Description: Description(r), BaseUnit: "PCE", GTIN: GTIN(i)}
		d.SalesUnits[i] = catalog.SalesUnit{SKU: sku, Unit: packs[i%len(packs)], Factor: order.NewDecimal(factor[i%len(factor)]), GTIN: GTIN14(i)}
		d.Prices = append(d.Prices, catalog.Price{SKU: sku, Price: order.DecimalFromUnits(int64(100_000 + r.IntN(10_000_000)))})
		d.Stock = append(d.Stock,
			catalog.Stock{SKU: sku, Warehouse: "MAIN", Quantity: order.NewDecimal(int64(r.IntN(100_000)) + 1_000_000)},
			catalog.Stock{SKU: sku, Warehouse: "NORTH", Quantity: order.NewDecimal(int64(r.IntN(1000)))})
	}
	d.CrossRefs = make([]catalog.CrossRef, 0, sz.CrossRefs)
	seen := make(map[[2]int]bool, sz.CrossRefs)
	for len(d.CrossRefs) < sz.CrossRefs && sz.Customers > 0 {
		c, i := r.IntN(sz.Customers), r.IntN(sz.Items)
		if seen[[2]int{c, i}] {
			continue
		}
		seen[[2]int{c, i}] = true
		d.CrossRefs = append(d.CrossRefs, catalog.CrossRef{Customer: CustomerNumber(c), CustomerItem: CustomerItem(c, i), SKU: SKU(i), Source: catalog.SourceImported})
	}
	for n := 0; n < sz.CustomerPrices && sz.Customers > 0; n++ {
		c, i := r.IntN(sz.Customers), r.IntN(sz.Items)
		d.Prices = append(d.Prices, catalog.Price{Customer: CustomerNumber(c), SKU: SKU(i), Price: order.DecimalFromUnits(int64(90_000 + r.IntN(9_000_000)))})
	}
	return d
}
