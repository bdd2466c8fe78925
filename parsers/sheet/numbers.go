package sheet

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ordergate/ordergate/order"
)

// Numbers in customers' sheets are written as their spreadsheet and
// locale write them: "1200", "1 200", "1.200,50", "1,200.50", "12,5",
// "12:-" (Swedish kronor). A decimal mark is decided per column from all
// its values (one "12,50" makes the column's "1.200" twelve hundred), then
// from the rest of the document; a value that stays ambiguous ("1.200" in
// a column and a document that say nothing else) is refused rather than
// read as 1200 or 1.2.

// numberText splits a cell into its number and what follows it (a unit
// such as "st" or "kg" in "10 st"), dropping currency signs and codes and
// the Nordic ":-" and ",-" of whole amounts. ok is false when the cell
// does not start with a number.
func numberText(s string) (num, rest string, ok bool) {
	s = strings.TrimSpace(s)
	for _, c := range currencyTokens {
		if len(s) > len(c) && strings.EqualFold(s[:len(c)], c) {
			s = strings.TrimSpace(s[len(c):])
			break
		}
	}
	end := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '\'', r == '’', isSpace(r):
		case (r == '-' || r == '+' || r == '−') && i == 0:
		default:
			goto done
		}
		end = i + len(string(r))
	}
done:
	num, rest = strings.TrimRightFunc(s[:end], isSpace), strings.TrimSpace(s[end:])
	if strings.HasPrefix(rest, ":-") || strings.HasPrefix(rest, "-") && (strings.HasSuffix(num, ",") || strings.HasSuffix(num, ".")) {
		rest = strings.TrimSpace(strings.TrimLeft(rest, ":-"))
		num = strings.TrimRight(num, ",.")
	}
	for _, c := range currencyTokens {
		if strings.EqualFold(rest, c) {
			rest = ""
		}
	}
	num = strings.TrimSpace(strings.Replace(num, "−", "-", 1))
	if strings.IndexFunc(num, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return "", "", false
	}
	return num, rest, true
}

var currencyTokens = []string{"EUR", "SEK", "NOK", "DKK", "USD", "GBP", "CHF", "kr.", "kr", "€", "$", "£"}

func isSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\t'
}

// markOf says what a number's text shows of the decimal mark: sure is the
// mark when the text decides it ("12,50", "1.200,5", "1,200,000" says '.'),
// ambiguous the one separator that could be either ("1.200", "1,250").
func markOf(num string) (sure, ambiguous byte) {
	grouped := strings.ContainsFunc(num, func(r rune) bool { return isSpace(r) || r == '\'' || r == '’' })
	digits := strings.TrimLeft(num, "+-")
	dots, commas := strings.Count(digits, "."), strings.Count(digits, ",")
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndexByte(digits, '.') > strings.LastIndexByte(digits, ',') {
			return '.', 0
		}
		return ',', 0
	case dots > 1:
		return ',', 0
	case commas > 1:
		return '.', 0
	case dots+commas == 0:
		return 0, 0
	}
	sep := byte('.')
	if commas == 1 {
		sep = ','
	}
	i := strings.IndexByte(digits, sep)
	before, after := strings.TrimFunc(digits[:i], isGroup), digits[i+1:]
	if len(after) != 3 || before == "" || before == "0" || grouped || strings.ContainsFunc(after, isGroup) {
		return sep, 0
	}
	return 0, sep
}

func isGroup(r rune) bool { return isSpace(r) || r == '\'' || r == '’' }

// parseNumber reads a number's text with the decimal mark given ('.' or
// ','); the other separator, spaces and apostrophes group thousands.
func parseNumber(num string, mark byte) (order.Decimal, error) {
	other := byte(',')
	if mark == ',' {
		other = '.'
	}
	var b strings.Builder
	for _, r := range num {
		switch {
		case isGroup(r), r == rune(other):
		case r == rune(mark):
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
	}
	return order.ParseDecimalMark(b.String(), '.')
}

// storedNumber reads a number as a workbook stores it (the XML value of
// a numeric cell: "12.5", "1.2E-3", or "12.300000000000001" for a formula's
// result), rounded to order.Scale decimals.
func storedNumber(raw string) (order.Decimal, bool) {
	if d, err := order.ParseDecimalMark(raw, '.'); err == nil {
		return d, true
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return order.Decimal{}, false
	}
	d, err := order.ParseDecimalMark(strconv.FormatFloat(f, 'f', order.Scale, 64), '.')
	return d, err == nil
}

// markVote gathers what a column's values show of its decimal mark.
type markVote struct {
	dot, comma   string // a value that shows the mark, for messages
	ambiguous    string // a value that could be read either way
	ambiguousRow int
	ambiguousSep byte
}

func (v *markVote) add(text string, row int) {
	num, _, ok := numberText(text)
	if !ok {
		return
	}
	sure, amb := markOf(num)
	switch {
	case sure == '.' && v.dot == "":
		v.dot = text
	case sure == ',' && v.comma == "":
		v.comma = text
	case amb != 0 && v.ambiguous == "":
		v.ambiguous, v.ambiguousRow, v.ambiguousSep = text, row, amb
	}
}

// decided returns the column's mark, or 0; conflict is set when values
// show both marks.
func (v *markVote) decided() (mark byte, conflict bool) {
	switch {
	case v.dot != "" && v.comma != "":
		return 0, true
	case v.dot != "":
		return '.', false
	case v.comma != "":
		return ',', false
	}
	return 0, false
}

// ambiguity says why a number cannot be read, for the desk.
func ambiguity(text string, sep byte) string {
	num, _, _ := numberText(text)
	alt := strings.ReplaceAll(num, string(sep), "")
	dec := strings.ReplaceAll(num, string(sep), ".")
	if sep == '.' {
		dec = num
	}
	return fmt.Sprintf("%q could be %s or %s and nothing else in the sheet says which; write it without a thousands separator, "+
		"or with its decimals (%s0), and send it again", text, alt, strings.TrimRight(strings.TrimRight(dec, "0"), "."), num)
}
