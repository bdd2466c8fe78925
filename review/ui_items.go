package review

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/matching"
	"github.com/ordergate/ordergate/order"
)

// itemHit is one answer of the desk's item look-up.
type itemHit struct {
	SKU, Description string
	Why              string // how it was found: "SKU", "GTIN", "their code", "words"
	Stock, Price     string
}

// maxItemHits is how many items the look-up offers.
const maxItemHits = 8

// itemHits answers the item field of a line's "map to" form as it is typed
// (GET /items?customer=&sku=...): our SKU, a GTIN, the customer's own code
// and words of the description, with stock and the customer's agreed price,
// from the master data matching uses now.
func (s *Server) itemHits(c *gin.Context) {
	q := strings.TrimSpace(firstOf(c.Query("q"), c.Query("sku")))
	var hits []itemHit
	if len(q) >= 1 && len(q) <= 100 && s.Catalog != nil {
		if snap := s.Catalog(); snap != nil {
			hits = findItems(snap, c.Query("customer"), q, maxItemHits)
		}
	}
	s.fragment(c, http.StatusOK, "order", "item_hits", view{Data: hits})
}

// findItems looks q up as our SKU, a GTIN, the customer's own code, then
// as words of the description; each item once, in that order.
func findItems(snap *catalog.Snapshot, customer, q string, n int) []itemHit {
	cust, hasCust := snap.CustomerByNumber(customer)
	var ids []catalog.ItemID
	why := map[catalog.ItemID]string{}
	add := func(id catalog.ItemID, w string) {
		if _, seen := why[id]; !seen && len(ids) < n {
			why[id] = w
			ids = append(ids, id)
		}
	}
	if id, ok := snap.ItemBySKU(q); ok {
		add(id, "SKU")
	}
	if g, err := catalog.ParseGTIN(q); err == nil {
		if id, _, ok := snap.ItemByGTIN(g); ok {
			add(id, "GTIN")
		}
	}
	if hasCust {
		if _, id, _, ok := snap.CrossRef(cust, q); ok {
			add(id, "their code "+q)
		}
	}
	if len(ids) < n {
		var keep func(catalog.ItemID) bool
		if hasCust && snap.HasAssortment(cust) {
			keep = func(id catalog.ItemID) bool { return snap.MayBuy(cust, id) }
		}
		for _, h := range snap.SearchDescription(q, n, keep) {
			add(h.Item, "words")
		}
	}
	out := make([]itemHit, 0, len(ids))
	for _, id := range ids {
		it := snap.Item(id)
		h := itemHit{SKU: it.SKU, Description: it.Description, Why: why[id],
			Stock: snap.StockTotal(id).String() + " " + snap.BaseUnit(id)}
		if hasCust {
			h.Price = agreedPrice(snap, customer, it.SKU)
		}
		out = append(out, h)
	}
	return out
}

// agreedPrice is the customer's price of one base unit of sku, as matching
// decides it (customer price, price list, list price; breaks and validity).
func agreedPrice(snap *catalog.Snapshot, customer, sku string) string {
	po := order.PurchaseOrder{PONumber: "look-up", Function: order.FunctionOriginal, ChosenCustomer: customer,
		Lines: []order.Line{{LineNo: 1, Quantity: order.NewDecimal(1), Desk: &order.LineFix{SKU: sku}}}}
	res := matching.Match(snap, &po, matching.Options{Today: order.DateOf(time.Now()), MaxSuggestions: -1, IgnoreStock: true})
	if len(res.Lines) == 1 && res.Lines[0].HasPrice {
		p := res.Lines[0].AgreedPrice
		return money(&p) + " " + res.Currency + "/" + res.Lines[0].Unit
	}
	return ""
}
