package order

import "testing"

func TestItemIDs(t *testing.T) {
	kinds := map[string]IDKind{"IN": IDBuyer, "BP": IDBuyer, "EN": IDGTIN, "SRV": IDGTIN, "UP": IDGTIN, "IB": IDGTIN,
		"SA": IDSupplier, "VN": IDSupplier, "VP": IDSupplier, "SK": IDSupplier, "MF": IDManufacturer, "SRS": IDOther, "": IDOther}
	for q, want := range kinds {
		if got := (ItemID{Qualifier: ItemTypeOf(q)}).Kind(); got != want {
			t.Errorf("%s: kind %d, want %d", q, got, want)
		}
	}
	gtins := []struct{ q, v, want string }{
		{"IB", "0-306-40615-2", "9780306406157"}, // ISBN-10 to GTIN-13 (ISO 2108)
		{"IB", "080442957X", "9780804429573"},
		{"IB", "9783161484100", "9783161484100"},
		{"UP", "036000291452", "036000291452"},
		{"EN", "ABC", ""},
		{"SA", "4012345678901", ""},
	}
	for _, g := range gtins {
		got, ok := ItemID{Qualifier: ItemTypeOf(g.q), Value: g.v}.GTIN()
		if got != g.want || ok != (g.want != "") {
			t.Errorf("%s %s: GTIN %q %v, want %q", g.q, g.v, got, ok, g.want)
		}
	}
	for s, want := range map[string]bool{"4012345678901": true, "4012345678900": false, "96385074": true, "036000291452": true, "12345678901X": false, "0": false} {
		if ValidCheckDigit(s) != want {
			t.Errorf("ValidCheckDigit(%s) = %v", s, !want)
		}
	}
	if s := (ItemID{Qualifier: ItemTypeOf("SRS"), Value: "5738221"}).String(); s != "RSK number 5738221 (SRS)" {
		t.Errorf("String = %q", s)
	}
	if s := (ItemID{Qualifier: ItemTypeOf("ZZ"), Value: "9"}).String(); s != "item number 9 (type ZZ)" {
		t.Errorf("String = %q", s)
	}
}

// TestIdentifierSource: an identification shown by a typed field is found
// by that field's source; the others by their own.
func TestIdentifierSource(t *testing.T) {
	lin := Source{Segment: TagOf("LIN"), Index: 6, Element: 3, Component: 1}
	pia := Source{Segment: TagOf("PIA"), Index: 7, Element: 2, Component: 1}
	l := Line{GTIN: "4012345678901", Identifiers: []ItemID{{ItemTypeOf("EN"), "4012345678901"}, {ItemTypeOf("SRS"), "5738221"}}}
	l.Sources.Add(FieldOf("gtin"), lin)
	l.Sources.Add(FieldOf("identifiers").At(1), pia)
	if l.IdentifierSource(0) != lin || l.IdentifierSource(1) != pia || l.IdentifierSource(2) != (Source{}) {
		t.Errorf("sources %v %v %v", l.IdentifierSource(0), l.IdentifierSource(1), l.IdentifierSource(2))
	}
}
