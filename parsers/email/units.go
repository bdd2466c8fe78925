package email

import "strings"

// unitWords are the unit words customers write after a quantity, in the
// languages we read, as UN/ECE Recommendation 20 codes. "" means the
// item's base unit (pieces written as "x" or "st" are pieces all the same,
// but "10 x" names no unit at all).
var unitWords = map[string]string{}

func init() {
	add := func(code string, words ...string) {
		for _, w := range words {
			unitWords[w] = code
		}
	}
	add("PCE", "st", "stk", "stck", "stk.", "st.", "stycken", "styck", "stykker", "stykk", "stück", "stueck", "stk", "pcs", "pc",
		"piece", "pieces", "pce", "ea", "each", "kpl", "kappale", "kappaletta")
	add("CT", "kartong", "kartonger", "kartongen", "krt", "kart", "ktn", "karton", "kartons", "kartonnen", "kartonki", "kartonkia",
		"carton", "cartons", "ctn", "ctns", "case", "cases", "eske", "esker", "esken", "laatikko", "laatikkoa", "ltk", "kolli", "kollin")
	add("PK", "pack", "packs", "paket", "paketti", "pakettia", "pkt", "förp", "förp.", "förpackning", "förpackningar", "pakke",
		"pakker", "pakning", "pakninger", "pakkaus", "pakkausta", "packung", "packungen", "pck")
	add("BX", "box", "boxes", "låda", "lådor", "kasse", "kasser", "schachtel", "schachteln")
	add("PF", "pall", "pallar", "pallet", "pallets", "pall.", "palle", "paller", "lava", "lavaa", "palette", "paletten")
	add("KGM", "kg", "kilo", "kilos", "kiloa")
	add("LTR", "l", "liter", "litre", "litres", "liters", "litra", "litraa")
	add("MTR", "m", "meter", "metre", "metres", "metri", "metriä")
	add("RO", "rulle", "rullar", "rull", "ruller", "rl", "roll", "rolls", "rolle", "rollen", "rulla", "rullaa")
	add("BO", "flaska", "flaskor", "flaske", "flasker", "bottle", "bottles", "flasche", "flaschen", "pullo", "pulloa")
	add("SA", "säck", "säckar", "sekk", "sekker", "sæk", "sække", "sack", "säcke", "sacks", "bag", "bags", "säkki", "säkkiä")
	add("PR", "par", "pair", "pairs", "paar", "pari", "paria")
	add("DZN", "dussin", "dozen", "dutzend", "tusina")
}

// unitOf returns the Rec 20 code of a unit word and whether it is one.
func unitOf(tok string) (string, bool) {
	w := strings.ToLower(strings.TrimRight(tok, ",;:"))
	if c, ok := unitWords[w]; ok {
		return c, true
	}
	if c, ok := unitWords[strings.TrimSuffix(w, ".")]; ok {
		return c, true
	}
	return "", false
}
