package matching

import (
	"fmt"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// minSuggestScore is the lowest description similarity worth showing.
const minSuggestScore = 0.25

// suggest ranks items whose description resembles the line's, for an
// UNKNOWN_ITEM. It never resolves a line: a similar description is a hint
// for the desk, not evidence. Only items the customer may buy are offered;
// blocked and discontinued items are left out. Runs only for unknown lines.
func (m *run) suggest(l *order.Line) []Suggestion {
	if m.opts.MaxSuggestions < 0 || l.Description == "" {
		return nil
	}
	s := m.snap
	keep := func(id catalog.ItemID) bool {
		if st := s.Item(id).Status; st != "" && st != catalog.ItemActive {
			return false
		}
		return m.res.Customer < 0 || s.MayBuy(m.res.Customer, id)
	}
	hits := s.SearchDescription(l.Description, m.opts.MaxSuggestions, keep)
	var out []Suggestion
	for _, h := range hits {
		if h.Score < minSuggestScore {
			break
		}
		it := s.Item(h.Item)
		out = append(out, Suggestion{
			SKU:         it.SKU,
			Description: it.Description,
			Reason:      fmt.Sprintf("description %d%% similar", int(h.Score*100+0.5)),
			Score:       h.Score,
		})
	}
	return out
}
