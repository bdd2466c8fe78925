package catalog_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
)

// TestSearchDescriptionRanksByJaccard checks the search against the
// definition, computed the slow way over every item: the Jaccard index of
// the word sets, best first, ties by item. Queries use known words only
// (the typo path is TestSearchDescription's), some common enough to take
// the index's shortcut for frequent words.
func TestSearchDescriptionRanksByJaccard(t *testing.T) {
	d := catalogtest.Generate(catalogtest.Size{Items: 120_000, Customers: 1, Seed: 3})
	// "steel" on 60% of the items: more than the index's limit for a word
	// it looks candidates up by.
	for i := range d.Items {
		if i%5 < 3 {
			d.Items[i].Description += " steel"
		}
	}
	descs := make([][]string, len(d.Items))
	for i, it := range d.Items {
		descs[i] = catalog.Tokens(it.Description)
	}
	s, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for q := 0; q < 40; q++ {
		// Words of two random descriptions, so that many items share some.
		words := append(slices.Clone(descs[r.IntN(len(descs))]), descs[r.IntN(len(descs))]...)
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		query := strings.Join(words[:1+r.IntN(len(words))], " ")
		if q%2 == 0 {
			query += " steel"
		}
		qw := catalog.Tokens(query)
		var keep func(catalog.ItemID) bool
		if q%3 == 0 {
			keep = func(id catalog.ItemID) bool { return id%7 != 0 }
		}
		var want []catalog.Hit
		for i, dw := range descs {
			if keep != nil && !keep(catalog.ItemID(i)) {
				continue
			}
			shared := 0
			for _, w := range qw {
				if slices.Contains(dw, w) {
					shared++
				}
			}
			if shared > 0 {
				want = append(want, catalog.Hit{Item: catalog.ItemID(i), Score: float64(shared) / float64(len(qw)+len(dw)-shared)})
			}
		}
		slices.SortFunc(want, func(a, b catalog.Hit) int {
			if c := cmp.Compare(b.Score, a.Score); c != 0 {
				return c
			}
			return cmp.Compare(a.Item, b.Item)
		})
		limit := 1 + r.IntN(8)
		want = want[:min(limit, len(want))]
		got := s.SearchDescription(query, limit, keep)
		if len(got) != len(want) {
			t.Fatalf("%q: %d hits, want %d", query, len(got), len(want))
		}
		for i := range got {
			if got[i].Item != want[i].Item || got[i].Score-want[i].Score > 1e-9 || want[i].Score-got[i].Score > 1e-9 {
				t.Fatalf("%q: hit %d = %+v, want %+v", query, i, got[i], want[i])
			}
		}
	}
}
