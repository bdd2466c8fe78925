package catalog

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// textIndex is an inverted index from description tokens to items, built
// on first use: description search runs only for unknown lines, so a
// snapshot that never needs it never pays for it.
type textIndex struct {
	vocab    map[string]int32 // token -> token id
	words    []string         // token id -> token
	start    []int32          // postings of token t: postings[start[t]:start[t+1]]
	postings []ItemID
	ntok     []uint8   // distinct tokens per item (capped at 255)
	scratch  sync.Pool // *searchScratch
}

// searchScratch is one search's working memory, reused: a weight per item
// (all zero between searches) and the items with a weight.
type searchScratch struct {
	shared []float64
	cands  []ItemID
}

// maxPostings: words on more items than this ("black", "pcs") are too
// common to find candidates with (unless no rarer word is in the query).
const maxPostings = 50_000

// Tokens splits text into lower-case words of letters and digits, dropping
// one-letter words, each word once. It is the tokenizer of description search.
func Tokens(text string) []string {
	var out []string
	forEachToken(text, func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	})
	return out
}

func forEachToken(text string, f func(string)) {
	text = strings.ToLower(text)
	start := -1
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			emitToken(text[start:i], f)
			start = -1
		}
	}
	if start >= 0 {
		emitToken(text[start:], f)
	}
}

func emitToken(t string, f func(string)) {
	if utf8.RuneCountInString(t) >= 2 || (t[0] >= '0' && t[0] <= '9') {
		f(t)
	}
}

// PrepareSearch builds the description index now rather than on the first
// SearchDescription (about 0.3 s for a million short descriptions), so that
// the first unknown line after a snapshot is built does not wait for it.
func (s *Snapshot) PrepareSearch() { s.textIdx() }

func (s *Snapshot) textIdx() *textIndex {
	s.textOnce.Do(func() { s.text = buildTextIndex(s.items) })
	return s.text
}

func buildTextIndex(items []Item) *textIndex {
	x := &textIndex{vocab: make(map[string]int32), ntok: make([]uint8, len(items))}
	x.scratch.New = func() any { return &searchScratch{shared: make([]float64, len(items))} }
	itemStart := make([]int32, len(items)+1)
	var flat []int32
	var counts []int32
	for i := range items {
		itemStart[i] = int32(len(flat))
		from := len(flat)
		forEachToken(items[i].Description, func(t string) {
			id, ok := x.vocab[t]
			if !ok {
				id = int32(len(x.words))
				t = strings.Clone(t)
				x.vocab[t] = id
				x.words = append(x.words, t)
				counts = append(counts, 0)
			}
			if slices.Contains(flat[from:], id) {
				return
			}
			flat = append(flat, id)
			counts[id]++
		})
		x.ntok[i] = uint8(min(len(flat)-from, 255))
	}
	itemStart[len(items)] = int32(len(flat))
	x.start = make([]int32, len(x.words)+1)
	for t, c := range counts {
		x.start[t+1] = x.start[t] + c
	}
	x.postings = make([]ItemID, len(flat))
	fill := slices.Clone(x.start[:len(x.words)])
	for i := range items {
		for _, t := range flat[itemStart[i]:itemStart[i+1]] {
			x.postings[fill[t]] = ItemID(i)
			fill[t]++
		}
	}
	return x
}

// Hit is an item found by description search, with its similarity score
// in (0, 1].
type Hit struct {
	Item  ItemID
	Score float64
}

// SearchDescription ranks items by how similar their description is to
// text: the Jaccard index of their word sets, where a query word missing
// from every description counts as the nearest known word, weighted by its
// edit-distance similarity (so "scerw" still finds "screw"). keep, if not nil, filters
// candidates. At most limit hits are returned, best first, ties by item
// order. The first call builds the index (seconds for a million items);
// it allocates and is meant for lines that nothing else resolved.
func (s *Snapshot) SearchDescription(text string, limit int, keep func(ItemID) bool) []Hit {
	if limit <= 0 {
		return nil
	}
	x := s.textIdx()
	type qword struct {
		id     int32
		weight float64
	}
	var q []qword
	nq := 0
	for _, t := range Tokens(text) {
		nq++
		if id, ok := x.vocab[t]; ok {
			q = append(q, qword{id, 1})
			continue
		}
		if id, sim := x.closestWord(t); id >= 0 {
			q = append(q, qword{id, sim})
		}
	}
	if len(q) == 0 {
		return nil
	}
	// The rarest word always finds candidates, however common it is.
	rarest := 0
	for i, w := range q {
		if x.start[w.id+1]-x.start[w.id] < x.start[q[rarest].id+1]-x.start[q[rarest].id] {
			rarest = i
		}
	}
	// Shared weight per item, in a dense array (reused across searches)
	// rather than a map: a common word adds to tens of thousands of items.
	sc := x.scratch.Get().(*searchScratch)
	shared, cands := sc.shared, sc.cands[:0]
	defer func() {
		for _, it := range cands {
			shared[it] = 0
		}
		sc.cands = cands
		x.scratch.Put(sc)
	}()
	var common []qword
	for i, w := range q {
		p := x.postings[x.start[w.id]:x.start[w.id+1]]
		if len(p) > maxPostings && i != rarest {
			common = append(common, w)
			continue
		}
		for _, it := range p {
			if shared[it] == 0 {
				cands = append(cands, it)
			}
			shared[it] += w.weight
		}
	}
	// Common words still count, but only for the candidates found so far.
	for _, w := range common {
		for _, it := range x.postings[x.start[w.id]:x.start[w.id+1]] {
			if shared[it] != 0 {
				shared[it] += w.weight
			}
		}
	}
	// The best limit hits, kept in order: score descending, then item.
	better := func(a, b Hit) bool { return a.Score > b.Score || a.Score == b.Score && a.Item < b.Item }
	var hits []Hit
	for _, it := range cands {
		if keep != nil && !keep(it) {
			continue
		}
		sh := shared[it]
		union := float64(nq) + float64(x.ntok[it]) - sh
		h := Hit{Item: it, Score: sh / union}
		if len(hits) == limit && !better(h, hits[limit-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(hits, h, func(a, b Hit) int {
			if better(a, b) {
				return -1
			}
			return 1
		})
		if len(hits) < limit {
			hits = slices.Insert(hits, i, h)
		} else {
			copy(hits[i+1:], hits[i:limit-1])
			hits[i] = h
		}
	}
	return hits
}

// closestWord finds the known word nearest to t by edit distance (with
// transpositions): at most one edit for words up to five letters, two for
// longer ones. Words shorter than four letters are not guessed. The
// similarity returned is 1 - distance/length.
func (x *textIndex) closestWord(t string) (int32, float64) {
	if len(t) < 4 {
		return -1, 0
	}
	maxD := 1
	if len(t) > 5 {
		maxD = 2
	}
	best, bestSim := int32(-1), 0.0
	var rows [3][]int
	for i := range rows {
		rows[i] = make([]int, len(t)+3)
	}
	for id, w := range x.words {
		if d := len(w) - len(t); d > maxD || d < -maxD {
			continue
		}
		d := editDistance(t, w, &rows)
		if d > maxD {
			continue
		}
		sim := 1 - float64(d)/float64(max(len(t), len(w)))
		if sim > bestSim {
			best, bestSim = int32(id), sim
		}
	}
	return best, bestSim
}

// editDistance is the optimal-string-alignment distance of a and b
// (insertions, deletions, substitutions and adjacent transpositions), on
// bytes. rows is scratch space of at least len(a)+1 per row; b may be at
// most two bytes longer than a.
func editDistance(a, b string, rows *[3][]int) int {
	prev2, prev, cur := rows[0][:len(a)+1], rows[1][:len(a)+1], rows[2][:len(a)+1]
	for i := range prev {
		prev[i] = i
	}
	for j := 1; j <= len(b); j++ {
		cur[0] = j
		for i := 1; i <= len(a); i++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[i]+1, cur[i-1]+1, prev[i-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[i-2]+1)
			}
			cur[i] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(a)]
}
