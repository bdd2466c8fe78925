package catalog

import (
	"fmt"
	"testing"
)

// A slot matches only its own namespace and exact key, whatever the hash
// says: two codes whose tags collide must not be taken for each other.
func TestCodeSlotMatchesExactly(t *testing.T) {
	var s codeSlot
	s.tag, s.ns, s.klen = 5, 1, 2
	copy(s.key[:], "AB")
	for _, c := range []struct {
		tag  uint32
		ns   int32
		key  string
		want bool
	}{
		{5, 1, "AB", true},
		{5, 2, "AB", false},
		{7, 1, "AB", false},
		{5, 1, "A", false},
		{5, 1, "ABC", false},
		{5, 1, "AC", false},
	} {
		if got := s.matches(c.tag, c.ns, []byte(c.key)); got != c.want {
			t.Errorf("matches(%d, %d, %q) = %v, want %v", c.tag, c.ns, c.key, got, c.want)
		}
	}
}

// Every table size, filled to its limit, finds what it holds and ends
// every probe for what it does not (a full table would probe forever).
func TestIndexesAtEverySize(t *testing.T) {
	for n := 0; n < 300; n++ {
		codes := newCodeIndex(n)
		gtins := newGTINIndex(n)
		for i := 0; i < n; i++ {
			key := []byte(fmt.Sprint("K", i, longTail(i)))
			if _, ok := codes.put(int32(i%3), key, int32(i)); !ok {
				t.Fatalf("n=%d: key %s taken", n, key)
			}
			if _, ok := codes.put(int32(i%3), key, -1); ok {
				t.Fatalf("n=%d: key %s put twice", n, key)
			}
			if _, ok := gtins.put(uint64(i+1)*1000003, gtinRef{item: ItemID(i), unit: -1}); !ok {
				t.Fatalf("n=%d: GTIN %d taken", n, i)
			}
		}
		for i := 0; i < n; i++ {
			key := []byte(fmt.Sprint("K", i, longTail(i)))
			if v, ok := codes.get(int32(i%3), key); !ok || v != int32(i) {
				t.Fatalf("n=%d: get(%s) = %d, %v", n, key, v, ok)
			}
			if _, ok := codes.get(int32(i%3+1), key); ok {
				t.Fatalf("n=%d: %s found in another namespace", n, key)
			}
			if r, ok := gtins.get(uint64(i+1) * 1000003); !ok || r.item != ItemID(i) {
				t.Fatalf("n=%d: GTIN %d = %v, %v", n, i, r, ok)
			}
		}
		for i := n; i < n+50; i++ {
			if _, ok := codes.get(0, []byte(fmt.Sprint("K", i))); ok {
				t.Fatalf("n=%d: absent key K%d found", n, i)
			}
			if _, ok := gtins.get(uint64(i+1) * 1000003); ok {
				t.Fatalf("n=%d: absent GTIN found", n)
			}
		}
		if _, ok := gtins.get(0); ok {
			t.Fatal("GTIN 0 found")
		}
	}
}

// longTail makes every fifth key too long for a slot.
func longTail(i int) string {
	if i%5 == 0 {
		return "-a-code-longer-than-a-slot-holds"
	}
	return ""
}
