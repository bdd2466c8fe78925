package catalog

import (
	"hash/maphash"
	"math/bits"
)

// The snapshot's hot look-ups (SKU, GTIN, customer item code) use flat
// open-addressing tables instead of Go maps. Against a million items a Go
// map costs two to three cache misses per look-up (the group's control
// word, the slot, and for string keys the key's bytes elsewhere in the
// heap); these tables keep the key inside the slot, so a look-up usually
// costs one miss, and the slots of many look-ups can be loaded ahead of
// time in one tight loop so that their misses overlap (LookupLines). The
// tables are built once and never change; their slots hold no pointers, so
// the garbage collector skips them.

// slotsFor returns a power-of-two table size for n keys, at a load between
// 3/8 and 3/4 (linear probing stays short there).
func slotsFor(n int) int {
	want := n + n/3 + 1
	return 1 << bits.Len(uint(want-1))
}

// codeInline is the longest normalised code a codeSlot holds; longer codes
// (rare: SKUs and customer codes are short) go to codeIndex.long.
const codeInline = 19

// codeSlot is one entry of a codeIndex, 32 bytes so that two share a cache
// line and none straddles one.
type codeSlot struct {
	tag  uint32 // high hash bits | 1; 0 marks an empty slot
	val  int32
	ns   int32 // namespace: the customer of a cross-reference, 0 for SKUs
	klen uint8
	key  [codeInline]byte
}

// codeIndex maps a normalised code within a namespace to an int32.
type codeIndex struct {
	slots []codeSlot
	mask  uint64
	seed  maphash.Seed
	long  map[string]int32 // namespace (4 bytes) + code, for codes over codeInline
}

func newCodeIndex(n int) *codeIndex {
	size := slotsFor(n)
	return &codeIndex{slots: make([]codeSlot, size), mask: uint64(size - 1), seed: maphash.MakeSeed()}
}

func (x *codeIndex) hash(ns int32, key []byte) uint64 {
	h := maphash.Bytes(x.seed, key)
	h ^= uint64(uint32(ns)) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// appendLongKey appends the key of codeIndex.long: namespace, then code.
func appendLongKey(dst []byte, ns int32, key []byte) []byte {
	dst = append(dst, byte(ns>>24), byte(ns>>16), byte(ns>>8), byte(ns))
	return append(dst, key...)
}

// put files val under (ns, key) unless the key is there already; it
// returns the value found and false then.
func (x *codeIndex) put(ns int32, key []byte, val int32) (int32, bool) {
	if len(key) > codeInline {
		if x.long == nil {
			x.long = make(map[string]int32)
		}
		k := string(appendLongKey(nil, ns, key))
		if prev, dup := x.long[k]; dup {
			return prev, false
		}
		x.long[k] = val
		return val, true
	}
	h := x.hash(ns, key)
	tag := uint32(h>>32) | 1
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.tag == 0 {
			*s = codeSlot{tag: tag, val: val, ns: ns, klen: uint8(len(key))}
			copy(s.key[:], key)
			return val, true
		}
		if s.matches(tag, ns, key) {
			return s.val, false
		}
	}
}

func (s *codeSlot) matches(tag uint32, ns int32, key []byte) bool {
	return s.tag == tag && s.ns == ns && int(s.klen) == len(key) && string(s.key[:len(key)]) == string(key)
}

// get finds the value of (ns, key).
func (x *codeIndex) get(ns int32, key []byte) (int32, bool) {
	if len(key) > codeInline {
		if x.long == nil {
			return 0, false
		}
		var buf [4 + 64]byte
		v, ok := x.long[string(appendLongKey(buf[:0], ns, key))]
		return v, ok
	}
	return x.probe(x.hash(ns, key), ns, key)
}

// probe is get of a key of at most codeInline bytes whose hash is h.
func (x *codeIndex) probe(h uint64, ns int32, key []byte) (int32, bool) {
	tag := uint32(h>>32) | 1
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.tag == 0 {
			return 0, false
		}
		if s.matches(tag, ns, key) {
			return s.val, true
		}
	}
}

// gtinSlot is one entry of a gtinIndex: 16 bytes, four to a cache line.
type gtinSlot struct {
	gtin uint64 // 0 marks an empty slot (ParseGTIN never returns 0)
	ref  gtinRef
}

// gtinIndex maps a GTIN (as ParseGTIN returns it) to the item and pack
// level it identifies.
type gtinIndex struct {
	slots []gtinSlot
	shift uint8
}

func newGTINIndex(n int) *gtinIndex {
	size := slotsFor(n)
	return &gtinIndex{slots: make([]gtinSlot, size), shift: uint8(64 - bits.TrailingZeros(uint(size)))}
}

// home is the slot a GTIN's probe starts at (Fibonacci hashing: GTINs of
// one company prefix are consecutive numbers, which this spreads).
func (x *gtinIndex) home(g uint64) uint64 {
	if x.shift == 64 {
		return 0
	}
	return (g * 0x9e3779b97f4a7c15) >> x.shift
}

func (x *gtinIndex) put(g uint64, ref gtinRef) (gtinRef, bool) {
	mask := uint64(len(x.slots) - 1)
	for i := x.home(g); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.gtin == 0 {
			*s = gtinSlot{gtin: g, ref: ref}
			return ref, true
		}
		if s.gtin == g {
			return s.ref, false
		}
	}
}

func (x *gtinIndex) get(g uint64) (gtinRef, bool) {
	if g == 0 {
		return gtinRef{}, false
	}
	mask := uint64(len(x.slots) - 1)
	for i := x.home(g); ; i = (i + 1) & mask {
		s := &x.slots[i]
		switch s.gtin {
		case g:
			return s.ref, true
		case 0:
			return gtinRef{}, false
		}
	}
}
