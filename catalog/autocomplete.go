package catalog

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Autocomplete finds items as a person types: by our SKU, a GTIN (of the
// item or a pack level), the customer's own item code (cross-reference)
// or words of the description. The index behind it is built on first use
// (like the description index) and answers from sorted arrays with binary
// search, so a look-up against a million items costs microseconds.

// Completion is one item Autocomplete found.
type Completion struct {
	Item ItemID
	// By says what matched: CompleteSKU, CompleteGTIN, CompleteCustomerItem
	// or CompleteDescription; Code is the code that matched (the GTIN or
	// the customer's item code), empty for the SKU and the description.
	By   string
	Code string
	// Exact is set when the whole code was typed, not only its start.
	Exact bool
}

// What a completion matched.
const (
	CompleteSKU          = "sku"
	CompleteGTIN         = "gtin"
	CompleteCustomerItem = "customer_item"
	CompleteDescription  = "description"
)

// maxScan bounds the description candidates one completion looks at
// (each is checked against every word typed): a word typed as one letter
// does not make a look-up read a million descriptions.
const maxScan = 50_000

type codeKeyed struct {
	key  string // normalised code (NormalizeCode), or the GTIN's digits
	item ItemID
	code string // as written (GTIN or customer's item code)
	cust int32  // the customer of a cross-reference, -1 otherwise
}

type completeIndex struct {
	skus  []codeKeyed // by key
	gtins []codeKeyed // by key
	xrefs []codeKeyed // by customer, then key
	words []int32     // text index word ids, sorted by word
}

func (s *Snapshot) completeIdx() *completeIndex {
	s.completeOnce.Do(func() { s.complete = buildCompleteIndex(s) })
	return s.complete
}

// PrepareAutocomplete builds the autocomplete index now (and the
// description index it shares) rather than on the first call.
func (s *Snapshot) PrepareAutocomplete() { s.completeIdx() }

func buildCompleteIndex(s *Snapshot) *completeIndex {
	x := &completeIndex{}
	var wg sync.WaitGroup
	wg.Go(func() {
		x.skus = make([]codeKeyed, len(s.items))
		for i := range s.items {
			x.skus[i] = codeKeyed{key: NormalizeCode(s.items[i].SKU), item: ItemID(i), cust: -1}
		}
		slices.SortFunc(x.skus, func(a, b codeKeyed) int { return strings.Compare(a.key, b.key) })
	})
	wg.Go(func() {
		for i := range s.items {
			if g := digitsOf(s.items[i].GTIN); g != "" {
				x.gtins = append(x.gtins, codeKeyed{key: g, item: ItemID(i), code: g, cust: -1})
			}
		}
		for i := range s.items {
			for _, u := range s.SalesUnits(ItemID(i)) {
				if g := digitsOf(u.GTIN); g != "" {
					x.gtins = append(x.gtins, codeKeyed{key: g, item: ItemID(i), code: g, cust: -1})
				}
			}
		}
		slices.SortFunc(x.gtins, func(a, b codeKeyed) int { return strings.Compare(a.key, b.key) })
	})
	wg.Go(func() {
		x.xrefs = make([]codeKeyed, 0, len(s.crossRefs))
		for i := range s.crossRefs {
			c, ok := s.CustomerByNumber(s.crossRefs[i].Customer)
			if !ok || s.xrefItem[i] < 0 {
				continue
			}
			x.xrefs = append(x.xrefs, codeKeyed{key: NormalizeCode(s.crossRefs[i].CustomerItem), item: s.xrefItem[i],
				code: s.crossRefs[i].CustomerItem, cust: int32(c)})
		}
		slices.SortFunc(x.xrefs, func(a, b codeKeyed) int {
			return cmp.Or(cmp.Compare(a.cust, b.cust), strings.Compare(a.key, b.key))
		})
	})
	wg.Go(func() {
		t := s.textIdx()
		x.words = make([]int32, len(t.words))
		for i := range x.words {
			x.words[i] = int32(i)
		}
		slices.SortFunc(x.words, func(a, b int32) int { return strings.Compare(t.words[a], t.words[b]) })
	})
	wg.Wait()
	return x
}

func digitsOf(s string) string {
	s = strings.Join(strings.Fields(s), "")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}

// prefixRange returns the entries whose key starts with p, within the
// entries of customer cust (or all, for -1 lists).
func prefixRange(list []codeKeyed, cust int32, p string) []codeKeyed {
	lo, _ := slices.BinarySearchFunc(list, p, func(e codeKeyed, p string) int {
		return cmp.Or(cmp.Compare(e.cust, cust), strings.Compare(e.key, p))
	})
	hi := lo
	for hi < len(list) && list[hi].cust == cust && strings.HasPrefix(list[hi].key, p) {
		hi++
	}
	return list[lo:hi]
}

// Autocomplete returns up to n items for what a person typed, for
// customer c (NoCustomer for none): exact codes first (SKU, the
// customer's own code, GTIN), then codes that start with it in that
// order, then items whose description has words starting with every word
// typed ("kaf 1k" finds "Kaffe mörkrost 1 kg"). An item appears once, by
// its best match. keep, if not nil, filters items (a customer's
// assortment, MayBuy). It allocates only its result and a little scratch.
func (s *Snapshot) Autocomplete(c CustomerID, query string, n int, keep func(ItemID) bool) []Completion {
	query = strings.TrimSpace(query)
	if n <= 0 || query == "" {
		return nil
	}
	x := s.completeIdx()
	out := make([]Completion, 0, n)
	seen := make(map[ItemID]bool, n)
	add := func(cm Completion) bool {
		if seen[cm.Item] || keep != nil && !keep(cm.Item) {
			return len(out) < n
		}
		seen[cm.Item] = true
		out = append(out, cm)
		return len(out) < n
	}
	code := NormalizeCode(query)
	digits := digitsOf(query)
	var skus, xrefs, gtins []codeKeyed
	if code != "" {
		skus = prefixRange(x.skus, -1, code)
		if c >= 0 {
			xrefs = prefixRange(x.xrefs, int32(c), code)
		}
	}
	if len(digits) >= 3 {
		gtins = prefixRange(x.gtins, -1, digits)
	}
	// Exact codes, then prefixes; within each, at most n*4 entries of a
	// range are looked at (a filter may drop them).
	lists := []struct {
		list []codeKeyed
		by   string
		key  string
	}{{skus, CompleteSKU, code}, {xrefs, CompleteCustomerItem, code}, {gtins, CompleteGTIN, digits}}
	for _, exact := range []bool{true, false} {
		for _, l := range lists {
			for i, e := range l.list {
				if i >= 4*n && !exact {
					break
				}
				if (e.key == l.key) != exact {
					if exact {
						break // sorted: the exact key comes first
					}
					continue
				}
				if !add(Completion{Item: e.item, By: l.by, Code: e.code, Exact: exact}) {
					return out
				}
			}
		}
	}
	s.completeWords(x, query, n, add)
	return out
}

// completeWords adds items whose description has, for every word typed, a
// word starting with it; candidates come from the typed word with the
// fewest items.
func (s *Snapshot) completeWords(x *completeIndex, query string, n int, add func(Completion) bool) {
	t := s.textIdx()
	typed := Tokens(query)
	if len(typed) == 0 {
		return
	}
	// For each typed word, the range of known words it begins.
	type span struct{ lo, hi, items int }
	spans := make([]span, len(typed))
	best := 0
	for i, w := range typed {
		lo, _ := slices.BinarySearchFunc(x.words, w, func(id int32, w string) int { return strings.Compare(t.words[id], w) })
		hi, items := lo, 0
		for hi < len(x.words) && strings.HasPrefix(t.words[x.words[hi]], w) {
			id := x.words[hi]
			items += int(t.start[id+1] - t.start[id])
			hi++
		}
		if hi == lo {
			return // a word no description has
		}
		spans[i] = span{lo, hi, items}
		if items < spans[best].items {
			best = i
		}
	}
	scanned := 0
	sp := spans[best]
	for k := sp.lo; k < sp.hi; k++ {
		id := x.words[k]
		for _, it := range t.postings[t.start[id]:t.start[id+1]] {
			if scanned++; scanned > maxScan {
				return
			}
			if len(typed) > 1 && !hasWordPrefixes(s.items[it].Description, typed, best) {
				continue
			}
			if !add(Completion{Item: it, By: CompleteDescription}) {
				return
			}
		}
	}
}

// hasWordPrefixes reports whether text has, for each typed word but the
// one at skip, a word that starts with it.
func hasWordPrefixes(text string, typed []string, skip int) bool {
	words := Tokens(text)
	for i, w := range typed {
		if i == skip {
			continue
		}
		if !slices.ContainsFunc(words, func(d string) bool { return strings.HasPrefix(d, w) }) {
			return false
		}
	}
	return true
}
