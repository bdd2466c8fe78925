package email

import (
	"regexp"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// textLine is one order line as written in a mail.
type textLine struct {
	qty   order.Decimal
	unit  string // Rec 20, "" for the base unit
	item  string // as written
	desc  string
	price *order.Decimal
}

var (
	// qtyRe is a quantity as people write it: 12, 2,5, 2.5.
	qtyRe = regexp.MustCompile(`^\d{1,7}([.,]\d{1,3})?$`)
	// qtyUnitRe is a quantity with its unit written on ("12st", "10x").
	qtyUnitRe = regexp.MustCompile(`^(\d{1,7}(?:[.,]\d{1,3})?)([a-zA-ZäöüåæøÄÖÜÅÆØß.]+)$`)
	// codeRe is an item number: letters, digits and - . / _, with a digit.
	codeRe = regexp.MustCompile(`^[\p{L}0-9][\p{L}0-9\-./_]{1,29}$`)
	// dateLike and timeLike are numbers that are no item number.
	dateLike = regexp.MustCompile(`^(\d{1,2}[./]\d{1,2}[./]?(\d{2,4})?|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2})$`)
	// contactWord marks a line of contact details, never an order line.
	contactWord = regexp.MustCompile(`(?i)(\b(tel|tfn|telefon|phone|fax|mob|mobil|mobile|puh|puhelin|gsm|tlf|org\.?\s*nr|vat|moms|ust-?id|iban|bic|www)\b|\S@\S+\.\S|https?://)`)
	// leadingEnum is a list marker before a line ("1.", "2)", "-", "•", "Pos. 3").
	leadingEnum = regexp.MustCompile(`^\s*(([-*•·–]|\d{1,3}[.)]|pos\.?\s*\d{1,3}[.:)]?)\s+)`)
)

// itemKeywords come before an item number ("Art. 4711", "Artikelnr 4711").
var itemKeywords = map[string]bool{
	"art": true, "art.": true, "art.nr": true, "art.nr.": true, "artnr": true, "artnr.": true, "art.-nr.": true, "art-nr": true,
	"art-nr.": true, "artikel": true, "artikelnr": true, "artikelnr.": true, "artikelnummer": true, "artikel-nr.": true,
	"artikel-nr": true, "item": true, "item#": true, "sku": true, "varenr": true, "varenr.": true, "varenummer": true,
	"vnr": true, "vnr.": true, "tuote": true, "tuotenro": true, "tuotenro.": true, "tuotenumero": true, "nro": true,
	"prod": true, "product": true, "produkt": true, "produktnr": true, "produktnr.": true, "code": true, "ref": true, "ref.": true,
}

// qtyKeywords come before a quantity ("Antal: 12", "Menge 5").
var qtyKeywords = map[string]bool{
	"antal": true, "antall": true, "qty": true, "qty.": true, "quantity": true, "menge": true, "anzahl": true, "määrä": true,
	"ant": true, "ant.": true, "st:": true,
}

// priceMarks come before a unit price ("à 12,50", "@ 3.20", "je 4,10").
var priceMarks = map[string]bool{"à": true, "á": true, "a": true, "@": true, "je": true, "per": true, "á-pris": true, "à-pris": true, "pris": true, "price": true, "preis": true, "hinta": true}

func isTimes(t string) bool { return t == "x" || t == "X" || t == "×" || t == "*" }

func isQty(t string) bool { return qtyRe.MatchString(t) }

// isCode reports an item number: it holds a digit, is no date, time or
// decimal number, and is at least three characters long.
func isCode(t string) bool {
	if len(t) < 3 || !codeRe.MatchString(t) || dateLike.MatchString(t) || !strings.ContainsAny(t, "0123456789") {
		return false
	}
	if strings.ContainsAny(t, ".,") && qtyRe.MatchString(t) {
		return false // 12.50 is a number
	}
	return true
}

func cleanTok(t string) string { return strings.Trim(t, ",;:()[]\"'") }

// tokens splits a line into words, a quantity with its unit written on
// ("12st", "10x") split in two.
func tokens(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if m := qtyUnitRe.FindStringSubmatch(f); m != nil {
			if _, ok := unitOf(m[2]); ok || isTimes(m[2]) {
				out = append(out, m[1], m[2])
				continue
			}
		}
		if strings.HasPrefix(f, "x") && len(f) > 1 && qtyRe.MatchString(f[1:]) {
			out = append(out, "x", f[1:])
			continue
		}
		if f == "-" || f == "–" || f == ":" || f == "=" || f == "|" {
			out = append(out, "-")
			continue
		}
		out = append(out, f)
	}
	return out
}

// readLine reads one line of free text as an order line, in the forms
// customers write: "10 x ABC-123", "ABC-123 10 st", "5 kartonger 4711",
// "Art. 4711 - 12 Stück", "12 st Kaffe art 4711", "4711 Kaffe x 12".
// A line it is not sure of is no order line.
func readLine(s string) (textLine, bool) {
	if contactWord.MatchString(s) {
		return textLine{}, false
	}
	s = leadingEnum.ReplaceAllString(s, "")
	toks := tokens(s)
	var price *order.Decimal
	// A price at the end: "à 12,50", "@ 3.20 EUR".
	for i := len(toks) - 2; i >= 1; i-- {
		if priceMarks[strings.ToLower(toks[i])] && isQty(cleanTok(toks[i+1])) {
			if d, err := order.ParseDecimal(strings.ReplaceAll(cleanTok(toks[i+1]), ",", ".")); err == nil {
				price = &d
				toks = toks[:i]
			}
			break
		}
	}
	for len(toks) > 0 && toks[len(toks)-1] == "-" {
		toks = toks[:len(toks)-1]
	}
	if len(toks) < 2 {
		return textLine{}, false
	}
	l, ok := qtyFirst(toks)
	if !ok {
		l, ok = codeFirst(toks)
	}
	if !ok || l.qty.Sign() <= 0 {
		return textLine{}, false
	}
	l.price = price
	return l, true
}

// qtyFirst: QTY [UNIT] [x] [KW] CODE DESC..., or QTY UNIT DESC... [KW CODE].
func qtyFirst(t []string) (textLine, bool) {
	i := 0
	if qtyKeywords[strings.ToLower(t[0])] {
		i++
	}
	if i >= len(t) || !isQty(t[i]) {
		return textLine{}, false
	}
	var l textLine
	var err error
	if l.qty, err = parseQty(t[i]); err != nil {
		return textLine{}, false
	}
	i++
	unit, hasUnit := "", false
	if i < len(t) {
		unit, hasUnit = unitOf(t[i])
		if hasUnit {
			i++
		}
	}
	times := false
	if i < len(t) && isTimes(t[i]) {
		times = true
		i++
	}
	if !hasUnit && !times {
		return textLine{}, false
	}
	l.unit = unit
	if i < len(t) && t[i] == "-" {
		i++
	}
	if i < len(t) && itemKeywords[strings.ToLower(t[i])] {
		i++
	}
	if i < len(t) && isCode(cleanTok(t[i])) {
		l.item = cleanTok(t[i])
		l.desc = joinDesc(t[i+1:])
		return l, true
	}
	// The number after the description: "12 st Kaffe Brygg art. 4711".
	for k := i; k+1 < len(t); k++ {
		if itemKeywords[strings.ToLower(t[k])] && isCode(cleanTok(t[k+1])) {
			l.item = cleanTok(t[k+1])
			l.desc = joinDesc(append(append([]string{}, t[i:k]...), t[k+2:]...))
			return l, true
		}
	}
	// No item number: a line with a unit word and a description ("3
	// kartonger Kaffe Brygg") is kept as written, for matching to suggest
	// an item and the desk to decide.
	if hasUnit && i < len(t) && words(t[i:]) {
		l.desc = joinDesc(t[i:])
		return l, true
	}
	return textLine{}, false
}

// codeFirst: [KW] CODE [-] DESC... [-] [QTYKW] QTY UNIT, or
// [KW] CODE DESC... x QTY [UNIT].
func codeFirst(t []string) (textLine, bool) {
	i := 0
	kw := itemKeywords[strings.ToLower(t[0])]
	if kw {
		i++
	}
	if i >= len(t) || !isCode(cleanTok(t[i])) {
		return textLine{}, false
	}
	var l textLine
	l.item = cleanTok(t[i])
	rest := t[i+1:]
	n := len(rest)
	var err error
	switch {
	case n >= 2 && isQty(rest[n-2]):
		unit, ok := unitOf(rest[n-1])
		if !ok {
			return textLine{}, false
		}
		if l.qty, err = parseQty(rest[n-2]); err != nil {
			return textLine{}, false
		}
		l.unit = unit
		desc := rest[:n-2]
		if k := len(desc); k > 0 && isTimes(desc[k-1]) {
			desc = desc[:k-1]
		}
		if k := len(desc); k > 0 && qtyKeywords[strings.ToLower(desc[k-1])] {
			desc = desc[:k-1]
		}
		l.desc = joinDesc(desc)
	case n >= 2 && isTimes(rest[n-2]) && isQty(rest[n-1]):
		if l.qty, err = parseQty(rest[n-1]); err != nil {
			return textLine{}, false
		}
		l.desc = joinDesc(rest[:n-2])
	case n >= 3 && isTimes(rest[n-3]) && isQty(rest[n-2]):
		unit, ok := unitOf(rest[n-1])
		if !ok {
			return textLine{}, false
		}
		if l.qty, err = parseQty(rest[n-2]); err != nil {
			return textLine{}, false
		}
		l.unit = unit
		l.desc = joinDesc(rest[:n-3])
	case n >= 2 && qtyKeywords[strings.ToLower(strings.TrimRight(rest[n-2], ":"))] && isQty(rest[n-1]):
		if l.qty, err = parseQty(rest[n-1]); err != nil {
			return textLine{}, false
		}
		l.desc = joinDesc(rest[:n-2])
	default:
		return textLine{}, false
	}
	return l, true
}

// words reports a description made of words (letters), not numbers.
func words(t []string) bool {
	letters := 0
	for _, w := range t {
		if isQty(w) {
			return false
		}
		if strings.IndexFunc(w, func(r rune) bool { return r > '9' }) >= 0 {
			letters++
		}
	}
	return letters > 0 && len(t) <= 8
}

func joinDesc(t []string) string {
	for len(t) > 0 && (t[0] == "-" || isTimes(t[0])) {
		t = t[1:]
	}
	for len(t) > 0 && t[len(t)-1] == "-" {
		t = t[:len(t)-1]
	}
	return strings.Trim(strings.Join(t, " "), " ,;-")
}

func parseQty(s string) (order.Decimal, error) {
	return order.ParseDecimal(strings.ReplaceAll(s, ",", "."))
}
