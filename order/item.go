package order

import (
	"fmt"
	"strings"
)

// ItemID is one item identification as the order sent it: the number and
// its type, the item type identification code of UN/EDIFACT code list 7143
// (LIN C212 and PIA C212), e.g. EN for a GTIN, IN for the buyer's item
// number, SA for the supplier's article number, IB for an ISBN. Channels
// without such codes use the same codes for the columns they read.
type ItemID struct {
	Qualifier ItemType `json:"qualifier"`
	Value     string   `json:"value"`
}

// ItemType is an item type identification code of UNCL 7143 (an..3), such
// as "EN"; in JSON a string. It is three bytes and holds no pointer, like
// Tag: every identification of every line carries one.
type ItemType [3]byte

// ItemTypeOf returns the code s (at most three characters are kept).
func ItemTypeOf(s string) ItemType {
	var t ItemType
	copy(t[:], s)
	return t
}

// String returns the code, "" for none.
func (t ItemType) String() string { return Tag(t).String() }

// MarshalText implements encoding.TextMarshaler.
func (t ItemType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *ItemType) UnmarshalText(b []byte) error {
	if len(b) > 3 {
		return fmt.Errorf("order: item type %q is longer than the three characters of UNCL 7143", b)
	}
	*t = ItemTypeOf(string(b))
	return nil
}

// Item type codes of UNCL 7143 that the code names.
var (
	typeIN  = ItemTypeOf("IN")
	typeBP  = ItemTypeOf("BP")
	typeEN  = ItemTypeOf("EN")
	typeSRV = ItemTypeOf("SRV")
	typeUP  = ItemTypeOf("UP")
	typeIB  = ItemTypeOf("IB")
	typeSA  = ItemTypeOf("SA")
	typeVN  = ItemTypeOf("VN")
	typeVP  = ItemTypeOf("VP")
	typeSK  = ItemTypeOf("SK")
	typeMF  = ItemTypeOf("MF")
)

// IDKind is what an item identification can be matched as.
type IDKind uint8

// Item identification kinds, in the order matching tries them (see
// matching.resolveItem).
const (
	// IDOther is a number matching has no index for (an RSK number, a
	// serial number, a style number): it is kept and shown, not matched.
	IDOther IDKind = iota
	// IDBuyer is the buyer's own number: IN (buyer's item number), BP
	// (buyer's part number). Matched by the customer's cross-references.
	IDBuyer
	// IDGTIN is a GS1 trade item number: EN (EAN), SRV (GS1 GTIN), UP (UPC)
	// and IB (an ISBN, which GS1 writes as a GTIN-13 with prefix 978/979).
	IDGTIN
	// IDSupplier is the supplier's number, i.e. ours: SA (supplier's article
	// number), VN (vendor item number), VP (vendor's part number), SK
	// (SKU). Matched as our SKU.
	IDSupplier
	// IDManufacturer is MF, the manufacturer's article number: our SKU only
	// when we make the item, so it is tried after every other kind.
	IDManufacturer
)

// Kind classifies the identification by its UNCL 7143 code.
func (id ItemID) Kind() IDKind { return id.Qualifier.Kind() }

// Kind classifies the code.
func (t ItemType) Kind() IDKind {
	switch t {
	case typeIN, typeBP:
		return IDBuyer
	case typeEN, typeSRV, typeUP, typeIB:
		return IDGTIN
	case typeSA, typeVN, typeVP, typeSK:
		return IDSupplier
	case typeMF:
		return IDManufacturer
	}
	return IDOther
}

// itemTypes names the UNCL 7143 codes partners send, for messages.
var itemTypes = map[string]string{
	"AA": "product version number", "BP": "buyer's part number", "EN": "EAN", "GN": "national product group code",
	"IB": "ISBN", "IN": "buyer's item number", "IS": "ISSN", "MF": "manufacturer's article number",
	"MP": "product/service identification number", "PV": "promotional variant number", "SA": "supplier's article number",
	"SK": "SKU", "SN": "serial number", "SRS": "RSK number", "SRT": "IFLS 5 digit product number",
	"SRU": "IFLS 9 digit product number", "SRV": "GTIN", "SS": "supplier's supplier article number",
	"ST": "style number", "UA": "ultimate customer's article number", "UP": "UPC", "VN": "vendor item number",
	"VP": "vendor's part number",
}

// String renders the identification for people: "RSK number 5738221 (SRS)".
func (id ItemID) String() string {
	q := id.Qualifier.String()
	name := itemTypes[q]
	switch {
	case q == "":
		return id.Value
	case name == "":
		return "item number " + id.Value + " (type " + q + ")"
	}
	return name + " " + id.Value + " (" + q + ")"
}

// GTIN returns the identification as a GTIN of 8, 12, 13 or 14 digits when
// its kind is IDGTIN: the digits as sent, and for an ISBN-10 the GTIN-13 it
// is written as (978, its first nine digits, a new check digit; see ISO
// 2108 and the GS1 General Specifications, "Bookland"). It reports false for
// other kinds and for values that cannot be one. The check digit is not
// verified here (see ValidCheckDigit).
func (id ItemID) GTIN() (string, bool) {
	if id.Kind() != IDGTIN {
		return "", false
	}
	v := strings.ReplaceAll(strings.TrimSpace(id.Value), "-", "")
	if id.Qualifier == typeIB && len(v) == 10 {
		if !isDigits(v[:9]) || !(isDigits(v[9:]) || v[9] == 'X' || v[9] == 'x') {
			return "", false
		}
		g := "978" + v[:9]
		return g + string('0'+CheckDigit(g)), true
	}
	if !isDigits(v) {
		return "", false
	}
	switch len(v) {
	case 8, 12, 13, 14:
		return v, true
	}
	return "", false
}

// CheckDigit computes the GS1 modulo 10 check digit of the digits of a GTIN
// or GLN without their check digit (GS1 General Specifications 7.9.1): from
// the right, digits weigh 3, 1, 3, ...
func CheckDigit(digits string) byte {
	sum := 0
	w := 3
	for i := len(digits) - 1; i >= 0; i-- {
		sum += w * int(digits[i]-'0')
		w = 4 - w
	}
	return byte((10 - sum%10) % 10)
}

// ValidCheckDigit reports whether s is all digits and ends in the GS1 check
// digit of the digits before it, as GTINs and GLNs do.
func ValidCheckDigit(s string) bool {
	if len(s) < 2 {
		return false
	}
	// From the right, the check digit weighs 1, the next 3, and so on; the
	// weighted sum of a valid number is a multiple of 10.
	var ones, threes uint
	for i := len(s) - 1; i >= 0; i -= 2 {
		d := uint(s[i] - '0')
		if d > 9 {
			return false
		}
		ones += d
	}
	for i := len(s) - 2; i >= 0; i -= 2 {
		d := uint(s[i] - '0')
		if d > 9 {
			return false
		}
		threes += d
	}
	return (ones+3*threes)%10 == 0
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// IdentifierSource returns where identification i of the line was read:
// the source recorded as "identifiers[i]", or for a number the line also
// holds as BuyerItem, GTIN or SupplierItem the source of that field (a
// parser records one place once).
func (l *Line) IdentifierSource(i int) Source {
	if s := l.Sources.GetField(FieldOf("identifiers").At(i)); s != (Source{}) {
		return s
	}
	if i < 0 || i >= len(l.Identifiers) {
		return Source{}
	}
	switch v := l.Identifiers[i].Value; v {
	case l.GTIN:
		return l.Sources.Get("gtin")
	case l.BuyerItem:
		return l.Sources.Get("buyer_item")
	case l.SupplierItem:
		return l.Sources.Get("supplier_item")
	}
	return Source{}
}
