package review

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ordergate/ordergate/intake"
)

// itemHit is one answer of the desk's item look-up.
type itemHit struct {
	SKU, Description string
	Why              string // what the typed text matched
	Stock, Price     string
	NotInAssortment  bool
}

// maxItemHits is how many items the look-up offers.
const maxItemHits = 8

// itemHits answers an item field as it is typed (the order page's "map to",
// the quick order's lines: GET /items?customer=&q=): our SKU, a GTIN, the
// customer's own code and words of the description, with stock and the
// customer's price, from the master data matching uses now.
func (s *Server) itemHits(c *gin.Context) {
	q := strings.TrimSpace(firstOf(c.Query("q"), c.Query("sku"), c.Query("item")))
	var hits []itemHit
	if q != "" && len(q) <= 100 {
		found, err := s.Pipeline.Items(intake.ItemQuery{Customer: c.Query("customer"), Text: q, Limit: maxItemHits})
		if err == nil {
			hits = itemHitsOf(found)
		}
	}
	s.fragment(c, http.StatusOK, "order", "item_hits", view{Data: hits})
}

func itemHitsOf(found []intake.ItemHit) []itemHit {
	hits := make([]itemHit, 0, len(found))
	for _, h := range found {
		v := itemHit{SKU: h.SKU, Description: h.Description, Why: whyFound(h), Stock: h.Stock.String() + " " + h.Unit,
			NotInAssortment: !h.InAssortment}
		if h.Price != nil {
			v.Price = money(h.Price) + " " + h.Currency + "/" + h.PriceUnit
		}
		hits = append(hits, v)
	}
	return hits
}

func whyFound(h intake.ItemHit) string {
	switch h.MatchedBy {
	case "gtin":
		return "GTIN " + h.Code
	case "customer_item":
		return "their code " + h.Code
	case "sku":
		return "SKU"
	}
	return "words"
}
