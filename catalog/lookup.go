package catalog

// LineCodes are the item numbers one order line carries.
type LineCodes struct {
	BuyerItem    string // the customer's own item number
	GTIN         uint64 // as ParseGTIN returns it; 0 for none
	SupplierItem string // our SKU as the customer wrote it
}

// LineHits is what the numbers of one line identify. An ItemID is NoItem
// and CrossRef is -1 when nothing was found.
type LineHits struct {
	CrossRef    int32  // the customer's cross-reference of BuyerItem, for CrossRefAt
	GTINItem    ItemID // the item of GTIN
	GTINUnit    int32  // the pack level of GTIN (for SalesUnitAt), -1 for the base unit
	SupplierSKU ItemID // the item whose SKU SupplierItem is
	BuyerSKU    ItemID // the item whose SKU BuyerItem is
}

// MaxLookupBatch is the most lines LookupLines takes at once.
const MaxLookupBatch = 64

// codeKey is a normalised code of a batch: n bytes of b, or, when
// n > codeInline, a code only the slow path (codeIndex.get) can find.
type codeKey struct {
	n int
	b [codeInline]byte
}

// set normalises code into k, using buf, and returns the normalised code
// when a slot can hold it (nil otherwise, and for an empty code).
func (k *codeKey) set(buf []byte, code string) []byte {
	b := appendCode(buf, code)
	k.n = len(b)
	if len(b) == 0 || len(b) > codeInline {
		return nil
	}
	copy(k.b[:], b)
	return b
}

// LookupLines does for each of up to MaxLookupBatch lines of customer c's
// order what CrossRef, ItemByGTIN and ItemBySKU would do one by one, and
// writes the results to hits[i]. It first works out which index slot every
// look-up probes, then loads all those slots in one tight loop, so that the
// cache misses of a batch overlap instead of each look-up waiting for its
// own; against a million items that is what makes matching fast
// (BenchmarkMatch). c may be NoCustomer: no cross-reference is found then.
func (s *Snapshot) LookupLines(c CustomerID, lines []LineCodes, hits []LineHits) {
	if len(lines) > MaxLookupBatch || len(hits) < len(lines) {
		panic("catalog: LookupLines takes up to MaxLookupBatch lines and as many hits")
	}
	var (
		buyer, supplier  [MaxLookupBatch]codeKey
		hBuyer, hSupp    [MaxLookupBatch]uint64 // hash in the SKU index
		hXref            [MaxLookupBatch]uint64 // hash in the cross-reference index
		fBuyer, fSupp    [MaxLookupBatch]uint32 // tag of the first slot probed
		fXref            [MaxLookupBatch]uint32
		fGTIN            [MaxLookupBatch]uint64
		buf              [64]byte
		skus, xrefs, gts = s.itemBySKU, s.xrefIdx, s.itemByGTIN
	)
	// Where each look-up goes: pure computation, no loads from the indexes.
	for i := range lines {
		l := &lines[i]
		if k := buyer[i].set(buf[:0], l.BuyerItem); k != nil {
			hBuyer[i] = skus.hash(0, k)
			hXref[i] = xrefs.hash(int32(c), k)
		}
		if k := supplier[i].set(buf[:0], l.SupplierItem); k != nil {
			hSupp[i] = skus.hash(0, k)
		}
	}
	// The loads: one per look-up, independent of each other, in loops
	// short enough for the processor to keep many in flight. A slot
	// computed for an absent code is loaded needlessly but harmlessly.
	for i := range lines {
		fBuyer[i] = skus.slots[hBuyer[i]&skus.mask].tag
		fSupp[i] = skus.slots[hSupp[i]&skus.mask].tag
	}
	if c >= 0 {
		for i := range lines {
			fXref[i] = xrefs.slots[hXref[i]&xrefs.mask].tag
		}
	}
	for i := range lines {
		fGTIN[i] = gts.slots[gts.home(lines[i].GTIN)].gtin
	}
	// The probes, now mostly from cache. A first slot found empty ends a
	// probe without touching memory again.
	for i := range lines {
		l, h := &lines[i], &hits[i]
		*h = LineHits{CrossRef: -1, GTINItem: NoItem, GTINUnit: -1, SupplierSKU: NoItem, BuyerSKU: NoItem}
		if b := &buyer[i]; b.n > 0 {
			if b.n > codeInline {
				k := appendCode(buf[:0], l.BuyerItem)
				if c >= 0 {
					if v, ok := xrefs.get(int32(c), k); ok {
						h.CrossRef = v
					}
				}
				if v, ok := skus.get(0, k); ok {
					h.BuyerSKU = ItemID(v)
				}
			} else {
				if c >= 0 && fXref[i] != 0 {
					if v, ok := xrefs.probe(hXref[i], int32(c), b.b[:b.n]); ok {
						h.CrossRef = v
					}
				}
				if fBuyer[i] != 0 {
					if v, ok := skus.probe(hBuyer[i], 0, b.b[:b.n]); ok {
						h.BuyerSKU = ItemID(v)
					}
				}
			}
		}
		if sp := &supplier[i]; sp.n > 0 {
			var v int32
			var ok bool
			switch {
			case sp.n > codeInline:
				v, ok = skus.get(0, appendCode(buf[:0], l.SupplierItem))
			case fSupp[i] != 0:
				v, ok = skus.probe(hSupp[i], 0, sp.b[:sp.n])
			}
			if ok {
				h.SupplierSKU = ItemID(v)
			}
		}
		if l.GTIN != 0 && fGTIN[i] != 0 {
			if r, ok := gts.get(l.GTIN); ok {
				h.GTINItem, h.GTINUnit = r.item, r.unit
			}
		}
	}
}

// CrossRefAt returns cross-reference i (LineHits.CrossRef): the record, the
// item and the unit the customer means ("" for none), as CrossRef does.
func (s *Snapshot) CrossRefAt(i int32) (*CrossRef, ItemID, string) {
	return &s.crossRefs[i], s.xrefItem[i], s.xrefUnit[i]
}

// SalesUnitAt returns the sales unit LineHits.GTINUnit names, or nil for -1
// (the base unit).
func (s *Snapshot) SalesUnitAt(i int32) *SalesUnit {
	if i < 0 {
		return nil
	}
	return &s.units[i]
}
