package order

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Scale is the number of decimal places a Decimal keeps. Six places hold
// every price and quantity seen in B2B orders (prices per unit of 0.000001)
// while keeping arithmetic in one int64.
const Scale = 6

const scaleFactor = 1_000_000

// Decimal is an exact fixed-point number with Scale decimal places, used for
// quantities, prices and amounts. It never goes through float64, so cents are
// never lost. The zero value is 0.
//
// In JSON a Decimal is written as a number with its significant decimals
// ("12.5", "3") and read from a number or a decimal string.
type Decimal struct {
	units int64 // value * 10^Scale
}

// ErrDecimal is wrapped by every error ParseDecimal returns.
var ErrDecimal = errors.New("invalid decimal")

// maxInteger is the largest integer a Decimal holds.
const maxInteger = math.MaxInt64 / scaleFactor

// NewDecimal returns the Decimal for an integer. It is meant for constants
// and panics when |i| is above 9223372036854 (the integer part of
// MaxDecimal); values read from input go through ParseDecimal, which
// reports it.
func NewDecimal(i int64) Decimal {
	if i > maxInteger || i < -maxInteger {
		panic(fmt.Sprintf("order: NewDecimal(%d) is out of range", i))
	}
	return Decimal{units: i * scaleFactor}
}

// DecimalFromUnits returns the Decimal whose value is units / 10^Scale.
func DecimalFromUnits(units int64) Decimal { return Decimal{units: units} }

// Units returns the value * 10^Scale.
func (d Decimal) Units() int64 { return d.units }

// ParseDecimal parses a decimal number such as "12", "-0.5", "1234.567" or
// "12,50" (a comma is accepted as the decimal mark, as EDIFACT and European
// spreadsheets use it). Thousands separators are not accepted: "1.234,5" is
// an error, because guessing would risk a wrong quantity.
func ParseDecimal(s string) (Decimal, error) {
	return parseDecimal(s, 0)
}

// ParseDecimalMark is ParseDecimal with an explicit decimal mark ('.' or ',').
// Use it when the sender declared its decimal mark (EDIFACT UNA).
func ParseDecimalMark(s string, mark byte) (Decimal, error) {
	return parseDecimal(s, mark)
}

func parseDecimal(s string, mark byte) (Decimal, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Decimal{}, fmt.Errorf("%w: empty", ErrDecimal)
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	var intPart, frac string
	sep := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if (c == '.' || c == ',') && sep < 0 && (mark == 0 || c == mark) {
			sep = i
			continue
		}
		return Decimal{}, fmt.Errorf("%w: %q is not a number", ErrDecimal, orig)
	}
	if sep >= 0 {
		intPart, frac = s[:sep], s[sep+1:]
	} else {
		intPart = s
	}
	if intPart == "" && frac == "" {
		return Decimal{}, fmt.Errorf("%w: %q is not a number", ErrDecimal, orig)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > Scale {
		return Decimal{}, fmt.Errorf("%w: %q has more than %d decimal places", ErrDecimal, orig, Scale)
	}
	var units uint64
	for i := 0; i < len(intPart); i++ {
		hi, lo := bits.Mul64(units, 10)
		if hi != 0 {
			return Decimal{}, fmt.Errorf("%w: %q is too large", ErrDecimal, orig)
		}
		units = lo + uint64(intPart[i]-'0')
	}
	hi, units := bits.Mul64(units, scaleFactor)
	if hi != 0 {
		return Decimal{}, fmt.Errorf("%w: %q is too large", ErrDecimal, orig)
	}
	var f uint64
	for i := 0; i < Scale; i++ {
		f *= 10
		if i < len(frac) {
			f += uint64(frac[i] - '0')
		}
	}
	units += f
	if units > math.MaxInt64 {
		return Decimal{}, fmt.Errorf("%w: %q is too large", ErrDecimal, orig)
	}
	v := int64(units)
	if neg {
		v = -v
	}
	return Decimal{units: v}, nil
}

// MustDecimal is ParseDecimal that panics; for tests and constants.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String returns the shortest exact decimal text: "12.5", "3", "-0.001".
func (d Decimal) String() string {
	return string(d.appendText(nil, '.'))
}

// Text returns the value with the given decimal mark, for writing EDIFACT with
// a partner's decimal notation.
func (d Decimal) Text(mark byte) string {
	return string(d.appendText(nil, mark))
}

func (d Decimal) appendText(b []byte, mark byte) []byte {
	if d.units < 0 {
		b = append(b, '-')
	}
	abs := d.magnitude()
	b = strconv.AppendUint(b, abs/scaleFactor, 10)
	frac := abs % scaleFactor
	if frac == 0 {
		return b
	}
	var buf [Scale]byte
	for i := Scale - 1; i >= 0; i-- {
		buf[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := Scale
	for n > 0 && buf[n-1] == '0' {
		n--
	}
	b = append(b, mark)
	return append(b, buf[:n]...)
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Sign returns -1, 0 or 1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// Cmp compares d and e: -1 if d < e, 0 if equal, 1 if d > e.
func (d Decimal) Cmp(e Decimal) int {
	switch {
	case d.units < e.units:
		return -1
	case d.units > e.units:
		return 1
	}
	return 0
}

// The arithmetic below is checked: every operation returns its result and
// whether it fits. A result outside [-MaxDecimal, MaxDecimal] is reported,
// never wrapped or clamped, so an amount that cannot be computed can never
// pass for a small (or negative) one. Callers on money paths (matching)
// turn a false into an exception that sends the order to review.

// MaxDecimal is the largest Decimal, 9223372036854.775807; -MaxDecimal is
// the smallest result of an operation (the int64 minimum has no positive
// counterpart, so it is outside the range operations return).
var MaxDecimal = Decimal{units: math.MaxInt64}

// fits wraps a result computed without loss in a Decimal when it is inside
// the range.
func fits(v int64) (Decimal, bool) {
	if v == math.MinInt64 {
		return Decimal{}, false
	}
	return Decimal{units: v}, true
}

// Add returns d+e, and false when the sum is out of range.
func (d Decimal) Add(e Decimal) (Decimal, bool) {
	v := d.units + e.units // wraps on overflow (Go's integers are two's complement)
	// Signed overflow: both operands have the same sign and the sum's
	// differs.
	if (d.units >= 0) == (e.units >= 0) && (v >= 0) != (d.units >= 0) {
		return Decimal{}, false
	}
	return fits(v)
}

// Sub returns d-e, and false when the difference is out of range.
func (d Decimal) Sub(e Decimal) (Decimal, bool) {
	v := d.units - e.units
	// Signed overflow: the operands have different signs and the result's
	// sign is not d's.
	if (d.units >= 0) != (e.units >= 0) && (v >= 0) != (d.units >= 0) {
		return Decimal{}, false
	}
	return fits(v)
}

// Neg returns -d, and false for the one value without a negation (the
// int64 minimum, which only DecimalFromUnits can make).
func (d Decimal) Neg() (Decimal, bool) {
	if d.units == math.MinInt64 {
		return Decimal{}, false
	}
	return Decimal{units: -d.units}, true
}

// Abs returns |d|, and false as Neg does.
func (d Decimal) Abs() (Decimal, bool) {
	if d.units < 0 {
		return d.Neg()
	}
	return d, true
}

// magnitude returns |d| as an unsigned number (exact for every int64).
func (d Decimal) magnitude() uint64 {
	if d.units < 0 {
		return -uint64(d.units)
	}
	return uint64(d.units)
}

// signed applies a sign to a magnitude, and reports false when it is out
// of range.
func signed(q uint64, neg bool) (Decimal, bool) {
	if q > math.MaxInt64 {
		return Decimal{}, false
	}
	v := int64(q)
	if neg {
		v = -v
	}
	return Decimal{units: v}, true
}

// Mul returns d*e rounded half away from zero to Scale places, and false
// when the product is out of range. The 128-bit intermediate means only
// the result itself can be out of range.
func (d Decimal) Mul(e Decimal) (Decimal, bool) {
	neg := (d.units < 0) != (e.units < 0)
	hi, lo := bits.Mul64(d.magnitude(), e.magnitude())
	if hi >= scaleFactor {
		return Decimal{}, false // the quotient needs more than 64 bits
	}
	q, r := bits.Div64(hi, lo, scaleFactor)
	if r >= scaleFactor-r { // r*2 >= scaleFactor without overflow
		if q == math.MaxUint64 {
			return Decimal{}, false
		}
		q++
	}
	return signed(q, neg)
}

// Div returns d/e rounded half away from zero to Scale places, and false
// when e is zero or the quotient is out of range.
func (d Decimal) Div(e Decimal) (Decimal, bool) {
	if e.units == 0 {
		return Decimal{}, false
	}
	neg := (d.units < 0) != (e.units < 0)
	b := e.magnitude()
	hi, lo := bits.Mul64(d.magnitude(), scaleFactor)
	if hi >= b {
		return Decimal{}, false // the quotient needs more than 64 bits
	}
	q, r := bits.Div64(hi, lo, b)
	if r >= b-r { // r*2 >= b without overflow
		if q == math.MaxUint64 {
			return Decimal{}, false
		}
		q++
	}
	return signed(q, neg)
}

// IsInteger reports whether d has no fractional part.
func (d Decimal) IsInteger() bool { return d.units%scaleFactor == 0 }

// MarshalJSON writes d as a JSON number with its exact decimals.
func (d Decimal) MarshalJSON() ([]byte, error) { return d.appendText(nil, '.'), nil }

// UnmarshalJSON reads a JSON number or a decimal string.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrDecimal, s)
		}
		s = u
	} else if strings.ContainsAny(s, "eE") {
		return fmt.Errorf("%w: exponent notation %s is not accepted", ErrDecimal, s)
	}
	v, err := ParseDecimalMark(s, '.')
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler (used for map keys, YAML).
func (d Decimal) MarshalText() ([]byte, error) { return d.appendText(nil, '.'), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := ParseDecimal(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
