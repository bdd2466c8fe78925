package catalog

import (
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Dimension is what a unit measures. Units of the same measurable dimension
// convert into each other by a fixed ratio (GRM -> KGM); pack units (BX, CT,
// PK, ...) convert only through an item's SalesUnit.
type Dimension uint8

// Dimensions of UN/ECE Rec 20 units known to ordergate.
const (
	DimUnknown Dimension = iota
	DimCount             // PCE, DZN, PR
	DimMass              // KGM, GRM, TNE, MGM
	DimVolume            // LTR, MLT, CLT, DLT, MTQ
	DimLength            // MTR, CMT, MMT, KMT
	DimArea              // MTK
	DimPack              // BX, CT, PK, CS, PF, ... (size depends on the item)
)

// Common UN/ECE Rec 20 unit codes.
const (
	UnitPiece    = "PCE"
	UnitKilogram = "KGM"
	UnitGram     = "GRM"
	UnitLitre    = "LTR"
	UnitMetre    = "MTR"
	UnitBox      = "BX"
	UnitCarton   = "CT"
	UnitPack     = "PK"
)

type unitDef struct {
	code  string        // canonical code
	dim   Dimension     // what it measures
	ratio order.Decimal // in the dimension's reference unit (PCE, KGM, LTR, MTR, MTK)
}

// unitTable maps codes and aliases to their definition. See UN/ECE
// Recommendation No. 20, "Codes for Units of Measure Used in International
// Trade". Aliases: EA (each), C62 ("one"), H87 (piece), PCS, PC, STK (German
// "Stück") all mean PCE.
var unitTable = func() map[string]unitDef {
	d := func(code string, dim Dimension, ratio string) unitDef {
		return unitDef{code: code, dim: dim, ratio: order.MustDecimal(ratio)}
	}
	m := map[string]unitDef{}
	add := func(u unitDef, aliases ...string) {
		m[u.code] = u
		for _, a := range aliases {
			m[a] = u
		}
	}
	add(d(UnitPiece, DimCount, "1"), "EA", "C62", "H87", "PCS", "PC", "STK", "NAR", "NMB")
	add(d("DZN", DimCount, "12"))
	add(d("PR", DimCount, "2"))
	add(d(UnitKilogram, DimMass, "1"), "KG", "KGS")
	add(d(UnitGram, DimMass, "0.001"), "G")
	add(d("MGM", DimMass, "0.000001"))
	add(d("TNE", DimMass, "1000"))
	add(d(UnitLitre, DimVolume, "1"), "L")
	add(d("MLT", DimVolume, "0.001"), "ML")
	add(d("CLT", DimVolume, "0.01"))
	add(d("DLT", DimVolume, "0.1"))
	add(d("MTQ", DimVolume, "1000"), "M3")
	add(d(UnitMetre, DimLength, "1"), "M")
	add(d("CMT", DimLength, "0.01"), "CM")
	add(d("MMT", DimLength, "0.001"), "MM")
	add(d("KMT", DimLength, "1000"))
	add(d("MTK", DimArea, "1"), "M2")
	for _, p := range []string{UnitBox, UnitCarton, UnitPack, "CS", "PA", "PF", "PL", "SET", "BG", "CA", "BO", "TU", "CR", "RO", "BE"} {
		add(unitDef{code: p, dim: DimPack})
	}
	// Common non-Rec 20 spellings of pack units.
	m["BOX"] = m[UnitBox]
	m["CTN"] = m[UnitCarton]
	m["CAR"] = m[UnitCarton]
	m["PAL"] = m["PF"]
	return m
}()

// NormalizeUnit returns the canonical UN/ECE Rec 20 code for a unit code or
// alias ("ea" -> "PCE", "kg" -> "KGM"), or the trimmed, upper-cased input
// when the code is not in the table (it may still be one of an item's own
// sales units). It does not allocate for known codes.
func NormalizeUnit(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= 8 {
		var buf [8]byte
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[i] = c
		}
		if u, ok := unitTable[string(buf[:len(s)])]; ok {
			return u.code
		}
	}
	return normalizeID(s)
}

// UnitDimension returns what a (normalised) unit code measures.
func UnitDimension(code string) Dimension {
	return unitTable[code].dim
}

// ConvertUnit returns how many `to` units one `from` unit is, for two
// normalised codes of the same measurable dimension (GRM to KGM = 0.001).
// Pack units never convert here: their size depends on the item.
func ConvertUnit(from, to string) (order.Decimal, bool) {
	if from == to {
		return order.NewDecimal(1), true
	}
	f, ok1 := unitTable[from]
	t, ok2 := unitTable[to]
	if !ok1 || !ok2 || f.dim != t.dim || f.dim == DimPack || f.dim == DimUnknown {
		return order.Decimal{}, false
	}
	return f.ratio.Div(t.ratio)
}
