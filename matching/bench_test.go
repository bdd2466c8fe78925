package matching

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/order"
)

// benchSize is the catalog of the performance target.
var benchSize = catalogtest.Size{Items: 1_000_000, Customers: 10_000, CrossRefs: 200_000, CustomerPrices: 100_000, Seed: 1}

var big struct {
	once  sync.Once
	snap  *catalog.Snapshot
	xrefs map[int][]string // customer -> its own item codes
}

func bigCatalog(b *testing.B) *catalog.Snapshot {
	big.once.Do(func() {
		d := catalogtest.Generate(benchSize)
		big.xrefs = make(map[int][]string)
		for c := range 64 {
			num := catalogtest.CustomerNumber(c)
			for _, x := range d.CrossRefs {
				if x.Customer == num {
					big.xrefs[c] = append(big.xrefs[c], x.CustomerItem)
				}
			}
		}
		s, err := catalog.Build(d)
		if err != nil {
			panic(err)
		}
		big.snap = s
	})
	return big.snap
}

// benchOrders makes clean orders of n lines from 64 customers, the lines
// spread evenly over the resolution paths: the customer's own code, GTIN-13
// of the piece, GTIN-14 of the pack, our SKU. Each line carries the agreed
// price, so the price comparison runs too.
func benchOrders(b *testing.B, snap *catalog.Snapshot, n int) []*order.PurchaseOrder {
	r := rand.New(rand.NewPCG(9, 9))
	var out []*order.PurchaseOrder
	for c := range 64 {
		po := &order.PurchaseOrder{
			PONumber: fmt.Sprint("B", c), Function: order.FunctionOriginal, Currency: "EUR",
			DeliveryDate: order.NewDate(2026, 12, 1),
			Sender:       order.Sender{Kind: order.SenderGLN, ID: catalogtest.GLN(c), Verified: true},
		}
		for ln := 1; ln <= n; ln++ {
			it := r.IntN(benchSize.Items)
			l := order.Line{LineNo: ln, Quantity: order.NewDecimal(1 + r.Int64N(5))}
			switch ln % 4 {
			case 0:
				codes := big.xrefs[c]
				l.BuyerItem = codes[r.IntN(len(codes))]
			case 1:
				l.GTIN, l.Unit = catalogtest.GTIN(it), "PCE"
			case 2:
				l.GTIN = catalogtest.GTIN14(it)
			case 3:
				l.SupplierItem = catalogtest.SKU(it)
			}
			po.Lines = append(po.Lines, l)
		}
		res := Match(snap, po, opts())
		for i := range po.Lines {
			p := res.Lines[i].AgreedPrice
			po.Lines[i].UnitPrice = &p
		}
		if res = Match(snap, po, opts()); !res.Approved() {
			b.Fatalf("benchmark order not clean: %s\n%s", res, messagesOf(res))
		}
		out = append(out, po)
	}
	return out
}

// BenchmarkMatch measures clean lines matched per second on one core
// against a million items, 200k cross-references and 100k customer prices.
//
//	go test ./matching/ -run '^$' -bench Match -benchtime 2s -cpu 1
func BenchmarkMatch(b *testing.B) {
	snap := bigCatalog(b)
	for _, n := range []int{5, 100, 1000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			orders := benchOrders(b, snap, n)
			o := opts()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			i := 0
			for b.Loop() {
				Match(snap, orders[i%len(orders)], o)
				i++
			}
			runtime.ReadMemStats(&ms1)
			lines := float64(i * n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/lines, "ns/line")
			b.ReportMetric(lines/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/lines, "allocs/line")
		})
	}
}

// BenchmarkUnknownLine measures a line nothing resolves: description search
// over the million items (the index is built before timing).
func BenchmarkUnknownLine(b *testing.B) {
	snap := bigCatalog(b)
	snap.SearchDescription("warmup", 1, nil)
	po := &order.PurchaseOrder{PONumber: "U", Function: order.FunctionOriginal,
		Sender: order.Sender{Kind: order.SenderGLN, ID: catalogtest.GLN(1), Verified: true},
		Lines:  []order.Line{{LineNo: 1, Description: "galvanised hex bolt M8 stainles", Quantity: order.NewDecimal(1)}}}
	o := opts()
	for b.Loop() {
		Match(snap, po, o)
	}
}
