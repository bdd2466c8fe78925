package catalog_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
)

// TestLookupLinesAgrees checks the batch look-up against the records
// themselves (not against the snapshot's other look-ups, which share its
// indexes): for codes present, present for another customer, spelt
// differently, longer than a slot holds, and absent.
func TestLookupLinesAgrees(t *testing.T) {
	d := catalogtest.Generate(catalogtest.Size{Items: 5000, Customers: 40, CrossRefs: 3000, CustomerPrices: 100, Seed: 7})
	// Long SKUs and customer codes take the index's slow path.
	long := map[string]string{}
	for i := 0; i < 50; i++ {
		long[d.Items[i].SKU] = fmt.Sprintf("LONG-SKU-%d-%s", i, strings.Repeat("X", i%30))
	}
	rename := func(sku *string) {
		if l, ok := long[*sku]; ok {
			*sku = l
		}
	}
	for i := range d.Items {
		rename(&d.Items[i].SKU)
	}
	for i := range d.SalesUnits {
		rename(&d.SalesUnits[i].SKU)
	}
	for i := range d.Assortments {
		rename(&d.Assortments[i].SKU)
	}
	for i := range d.Prices {
		rename(&d.Prices[i].SKU)
	}
	for i := range d.Stock {
		rename(&d.Stock[i].SKU)
	}
	for i := range d.CrossRefs {
		x := &d.CrossRefs[i]
		rename(&x.SKU)
		if i%7 == 0 {
			x.CustomerItem += "-" + strings.Repeat("Z", i%25)
		}
	}
	// Customers share codes: another customer's "K1/2" is a different item.
	taken := map[[2]string]bool{}
	for _, x := range d.CrossRefs {
		taken[[2]string{x.Customer, catalog.NormalizeCode(x.CustomerItem)}] = true
	}
	for i, n := 0, len(d.CrossRefs); i < n; i += 11 {
		x := d.CrossRefs[i]
		x.Customer = catalogtest.CustomerNumber((i / 11) % 40)
		x.SKU = d.Items[(i*31)%len(d.Items)].SKU
		if k := [2]string{x.Customer, catalog.NormalizeCode(x.CustomerItem)}; !taken[k] {
			taken[k] = true
			d.CrossRefs = append(d.CrossRefs, x)
		}
	}
	// The truth, from the records.
	skuOf := map[string]int{}
	for i, it := range d.Items {
		skuOf[catalog.NormalizeCode(it.SKU)] = i
	}
	gtinOf := map[uint64]int{}
	for i, it := range d.Items {
		g, _ := catalog.ParseGTIN(it.GTIN)
		gtinOf[g] = i
	}
	for _, u := range d.SalesUnits {
		g, _ := catalog.ParseGTIN(u.GTIN)
		gtinOf[g] = skuOf[catalog.NormalizeCode(u.SKU)]
	}
	type xkey struct{ cust, code string }
	xrefOf := map[xkey]string{}
	for _, x := range d.CrossRefs {
		xrefOf[xkey{x.Customer, catalog.NormalizeCode(x.CustomerItem)}] = catalog.NormalizeCode(x.SKU)
	}
	xrefs, items := d.CrossRefs, d.Items
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}

	r := rand.New(rand.NewPCG(1, 2))
	respell := func(s string) string {
		if r.IntN(2) == 0 {
			return strings.ToLower(s)
		}
		return " " + strings.ReplaceAll(s, "-", " - ") + " "
	}
	own := map[string][]string{}
	for _, x := range xrefs {
		own[x.Customer] = append(own[x.Customer], x.CustomerItem)
	}
	code := func(cust string) string {
		switch r.IntN(6) {
		case 0:
			return ""
		case 1:
			if codes := own[cust]; len(codes) > 0 {
				return respell(codes[r.IntN(len(codes))])
			}
			return ""
		case 5:
			return respell(xrefs[r.IntN(len(xrefs))].CustomerItem)
		case 2:
			return respell(items[r.IntN(len(items))].SKU)
		case 3:
			return fmt.Sprintf("NOPE-%d", r.IntN(1000))
		}
		return xrefs[r.IntN(len(xrefs))].CustomerItem + "9"
	}
	var checked, found, foundLong int
	for round := 0; round < 200; round++ {
		c := catalog.CustomerID(r.IntN(42) - 2) // some unknown (-2, -1)
		if c < 0 {
			c = catalog.NoCustomer
		}
		cust := ""
		if c >= 0 {
			cust = snap.Customer(c).Number
		}
		n := 1 + r.IntN(catalog.MaxLookupBatch)
		lines := make([]catalog.LineCodes, n)
		for i := range lines {
			lines[i] = catalog.LineCodes{BuyerItem: code(cust), SupplierItem: code(cust)}
			if k := r.IntN(3); k == 0 {
				lines[i].GTIN, _ = catalog.ParseGTIN(catalogtest.GTIN(r.IntN(6000)))
			} else if k == 1 {
				lines[i].GTIN, _ = catalog.ParseGTIN(catalogtest.GTIN14(r.IntN(6000)))
			}
		}
		hits := make([]catalog.LineHits, n)
		snap.LookupLines(c, lines, hits)
		for i, l := range lines {
			h := hits[i]
			want := catalog.NoItem
			if k, ok := skuOf[catalog.NormalizeCode(l.SupplierItem)]; ok && l.SupplierItem != "" {
				want = catalog.ItemID(k)
			}
			if h.SupplierSKU != want {
				t.Fatalf("supplier item %q: got item %d, want %d", l.SupplierItem, h.SupplierSKU, want)
			}
			want = catalog.NoItem
			if k, ok := skuOf[catalog.NormalizeCode(l.BuyerItem)]; ok && l.BuyerItem != "" {
				want = catalog.ItemID(k)
			}
			if h.BuyerSKU != want {
				t.Fatalf("buyer item %q as SKU: got item %d, want %d", l.BuyerItem, h.BuyerSKU, want)
			}
			wantSKU, isXref := xrefOf[xkey{cust, catalog.NormalizeCode(l.BuyerItem)}]
			if isXref != (h.CrossRef >= 0) {
				t.Fatalf("customer %q code %q: cross-reference found %v, want %v", cust, l.BuyerItem, h.CrossRef >= 0, isXref)
			}
			if isXref {
				x, id, _ := snap.CrossRefAt(h.CrossRef)
				if x.Customer != cust || catalog.NormalizeCode(snap.SKU(id)) != wantSKU {
					t.Fatalf("customer %q code %q: got %+v (item %s), want SKU %s", cust, l.BuyerItem, x, snap.SKU(id), wantSKU)
				}
				found++
				if len(catalog.NormalizeCode(l.BuyerItem)) > 19 {
					foundLong++
				}
			}
			want = catalog.NoItem
			if k, ok := gtinOf[l.GTIN]; ok && l.GTIN != 0 {
				want = catalog.ItemID(k)
			}
			if h.GTINItem != want {
				t.Fatalf("GTIN %d: got item %d, want %d", l.GTIN, h.GTINItem, want)
			}
			if h.GTINItem != catalog.NoItem {
				isPack := catalog.FormatGTIN(l.GTIN)[0] == '1'
				if su := snap.SalesUnitAt(h.GTINUnit); (su != nil) != isPack {
					t.Fatalf("GTIN %d: sales unit %v, want pack level %v", l.GTIN, su, isPack)
				}
			}
			checked++
		}
	}
	if found < 100 || foundLong < 10 {
		t.Fatalf("only %d of %d look-ups hit a cross-reference (%d a long code); the test does not test", found, checked, foundLong)
	}
}
