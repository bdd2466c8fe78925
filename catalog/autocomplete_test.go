package catalog_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/order"
)

func completeData() catalog.Data {
	return catalog.Data{
		Currency:  "EUR",
		Customers: []catalog.Customer{{Number: "C1", Name: "One"}, {Number: "C2", Name: "Two"}},
		Items: []catalog.Item{
			{SKU: "COF-1", Description: "Kaffe mörkrost 1 kg", BaseUnit: "PCE", GTIN: "5400000000010"},
			{SKU: "COF-10", Description: "Kaffe ljusrost 500 g", BaseUnit: "PCE", GTIN: "5400000000027"},
			{SKU: "CUP-8", Description: "Pappersmuggar 8oz", BaseUnit: "PCE", GTIN: "5400000000034"},
			{SKU: "TEA-2", Description: "Te grönt", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{{SKU: "CUP-8", Unit: "CT", Factor: mustDec("50"), GTIN: "15400000000031"}},
		CrossRefs:  []catalog.CrossRef{{Customer: "C1", CustomerItem: "K-77", SKU: "TEA-2"}, {Customer: "C2", CustomerItem: "K-78", SKU: "COF-1"}},
	}
}

func completions(cs []catalog.Completion, s *catalog.Snapshot) string {
	var parts []string
	for _, c := range cs {
		p := s.SKU(c.Item) + ":" + c.By
		if c.Exact {
			p += "!"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestAutocomplete(t *testing.T) {
	s, err := catalog.Build(completeData())
	if err != nil {
		t.Fatal(err)
	}
	c1, _ := s.CustomerByNumber("C1")
	for _, tc := range []struct {
		c    catalog.CustomerID
		q    string
		n    int
		want string
	}{
		{c1, "cof-1", 5, "COF-1:sku! COF-10:sku"},
		{c1, "cof", 1, "COF-1:sku"},
		{c1, "k-7", 5, "TEA-2:customer_item"},  // only C1's own codes
		{catalog.NoCustomer, "k-7", 5, ""},     // no customer, no codes
		{c1, "540000000003", 5, "CUP-8:gtin"},  // the base GTIN ...
		{c1, "1540000000003", 5, "CUP-8:gtin"}, // ... and the carton's
		{c1, "kaf 1", 5, "COF-1:description"},
		{c1, "kaffe", 5, "COF-1:description COF-10:description"},
		{c1, "papp", 5, "CUP-8:description"},
		{c1, "kaffe te", 5, ""},
		{c1, "", 5, ""},
	} {
		if got := completions(s.Autocomplete(tc.c, tc.q, tc.n, nil), s); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.q, got, tc.want)
		}
	}
	keep := func(id catalog.ItemID) bool { return s.SKU(id) != "COF-1" }
	if got := completions(s.Autocomplete(c1, "kaffe", 5, keep), s); got != "COF-10:description" {
		t.Errorf("filtered: %q", got)
	}
}

// BenchmarkAutocomplete measures answers against the target catalog (1M
// items, 200k cross-references): a query typed one character at a time
// by SKU, by customer code and by description words; p99 is reported.
//
//	go test ./catalog/ -run '^$' -bench Autocomplete -benchtime 2000x
func BenchmarkAutocomplete(b *testing.B) {
	snap, err := catalog.Build(catalogtestGenerate())
	if err != nil {
		b.Fatal(err)
	}
	snap.PrepareAutocomplete()
	c, _ := snap.CustomerByNumber("C000007")
	queries := []string{"S", "SK", "SK-0", "SK-00", "SK-001", "SK-0012", "SK-00123", "K7/", "K7/1", "K7/12",
		"s", "sc", "scr", "screw", "screw m", "screw m8", "hex bolt", "stainless hex", "galv", "zinc washer 10", "540000", "54000012"}
	var lat []float64
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		start := nanotime()
		if len(snap.Autocomplete(c, q, 10, func(id catalog.ItemID) bool { return snap.MayBuy(c, id) })) == 0 && len(q) > 3 && !strings.HasPrefix(q, "K7") {
			b.Fatalf("nothing for %q", q)
		}
		lat = append(lat, float64(nanotime()-start)/1e6)
	}
	b.StopTimer()
	p50, p99, worst := percentiles(lat)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
	b.ReportMetric(worst, "max-ms")
}

func mustDec(s string) order.Decimal { return order.MustDecimal(s) }

func catalogtestGenerate() catalog.Data { return catalogtest.Generate(benchSize) }

func nanotime() int64 { return time.Now().UnixNano() }

// percentiles returns the 50th and 99th percentile and the largest of
// latencies.
func percentiles(lat []float64) (p50, p99, worst float64) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)], s[len(s)-1]
}
