package order

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	ok := map[string]string{
		"12": "12", "12.50": "12.5", "12,50": "12.5", "-0.5": "-0.5", "+3": "3", " 7 ": "7",
		".5": "0.5", "5.": "5", "0.000001": "0.000001", "1234567.123456": "1234567.123456", "000": "0",
	}
	for in, want := range ok {
		d, err := ParseDecimal(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "-", ".", "1.234,5", "1,234.5", "12a", "1e3", "0.0000001", "99999999999999999999", "١٢"} {
		if d, err := ParseDecimal(in); !errors.Is(err, ErrDecimal) {
			t.Errorf("ParseDecimal(%q) = %s, %v; want an error", in, d, err)
		}
	}
	if _, err := ParseDecimalMark("12,5", '.'); err == nil {
		t.Error("a comma must be refused when the declared mark is '.'")
	}
	if d, err := ParseDecimalMark("12,5", ','); err != nil || d.String() != "12.5" {
		t.Errorf("ParseDecimalMark(12,5 ,) = %s, %v", d, err)
	}
}

func TestDecimalArithmetic(t *testing.T) {
	m := MustDecimal
	must := func(d Decimal, ok bool) string {
		if !ok {
			return "out of range"
		}
		return d.String()
	}
	cases := []struct{ got, want string }{
		{must(m("1.1").Add(m("2.2"))), "3.3"},
		{must(m("1").Sub(m("2.5"))), "-1.5"},
		{must(m("12.5").Mul(m("3"))), "37.5"},
		{must(m("0.000001").Mul(m("0.5"))), "0.000001"}, // half away from zero
		{must(m("-0.000001").Mul(m("0.5"))), "-0.000001"},
		{must(m("19.99").Mul(m("1000000"))), "19990000"},
		{must(m("10").Div(m("3"))), "3.333333"},
		{must(m("2").Div(m("3"))), "0.666667"},
		{must(m("-2").Div(m("3"))), "-0.666667"},
		{must(m("1").Div(Decimal{})), "out of range"}, // division by zero
		{must(m("-2.5").Neg()), "2.5"},
		{must(m("-2.5").Abs()), "2.5"},
		{m("1").Text(','), "1"},
		{m("-2.25").Text(','), "-2,25"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %s, want %s", i, c.got, c.want)
		}
	}
	if m("1.5").Cmp(m("1.50")) != 0 || m("-1").Cmp(m("1")) != -1 || !m("4").IsInteger() || m("4.1").IsInteger() {
		t.Error("comparison helpers wrong")
	}
}

// TestDecimalOverflowIsReported walks the edges of the range: every
// operation whose exact result does not fit says so instead of wrapping or
// clamping.
func TestDecimalOverflowIsReported(t *testing.T) {
	m := MustDecimal
	units := DecimalFromUnits
	max, min := MaxDecimal, units(-math.MaxInt64)
	tiny := units(1)
	type op struct {
		name string
		got  func() (Decimal, bool)
		want string // "" for out of range
	}
	ops := []op{
		// Add and Sub at the edges, both signs.
		{"max+0", func() (Decimal, bool) { return max.Add(Decimal{}) }, max.String()},
		{"max+tiny", func() (Decimal, bool) { return max.Add(tiny) }, ""},
		{"(max-tiny)+tiny", func() (Decimal, bool) { return units(math.MaxInt64 - 1).Add(tiny) }, max.String()},
		{"min-tiny", func() (Decimal, bool) { return min.Sub(tiny) }, ""}, // would be the int64 minimum
		{"min+min", func() (Decimal, bool) { return min.Add(min) }, ""},
		{"max-min", func() (Decimal, bool) { return max.Sub(min) }, ""},
		{"0-min", func() (Decimal, bool) { return Decimal{}.Sub(min) }, max.String()},
		{"0-int64min", func() (Decimal, bool) { return Decimal{}.Sub(units(math.MinInt64)) }, ""},
		{"max+min", func() (Decimal, bool) { return max.Add(min) }, "0"},
		{"-1-max", func() (Decimal, bool) { return units(-1).Sub(max) }, ""},
		// Neg and Abs of the int64 minimum.
		{"-int64min", func() (Decimal, bool) { return units(math.MinInt64).Neg() }, ""},
		{"|int64min|", func() (Decimal, bool) { return units(math.MinInt64).Abs() }, ""},
		{"|min|", func() (Decimal, bool) { return min.Abs() }, max.String()},
		// Mul: the reported case, just inside and just outside.
		{"5e9*2000", func() (Decimal, bool) { return m("5000000000").Mul(m("2000.00")) }, ""},
		{"-5e9*2000", func() (Decimal, bool) { return m("-5000000000").Mul(m("2000")) }, ""},
		{"4611686018427*2", func() (Decimal, bool) { return m("4611686018427").Mul(m("2")) }, "9223372036854"},
		{"max*1", func() (Decimal, bool) { return max.Mul(m("1")) }, max.String()},
		{"max*-1", func() (Decimal, bool) { return max.Mul(m("-1")) }, min.String()},
		{"max*1.000001", func() (Decimal, bool) { return max.Mul(m("1.000001")) }, ""},
		{"int64min*1", func() (Decimal, bool) { return units(math.MinInt64).Mul(m("1")) }, ""},
		{"max*0.5", func() (Decimal, bool) { return max.Mul(m("0.5")) }, "4611686018427.387904"},
		{"max*max", func() (Decimal, bool) { return max.Mul(max) }, ""},
		// A product whose 128-bit quotient fits 64 bits but not 63 (it
		// used to turn negative).
		{"1e7*1e6", func() (Decimal, bool) { return m("10000000").Mul(m("1000000")) }, ""},
		{"max*0.999999 rounds", func() (Decimal, bool) { return max.Mul(m("0.999999")) }, "9223362813482.738952"},
		// Div: by zero, by small numbers, at the edges.
		{"1/0", func() (Decimal, bool) { return m("1").Div(Decimal{}) }, ""},
		{"max/0.000001", func() (Decimal, bool) { return max.Div(tiny) }, ""},
		{"max/1", func() (Decimal, bool) { return max.Div(m("1")) }, max.String()},
		{"max/-1", func() (Decimal, bool) { return max.Div(m("-1")) }, min.String()},
		{"int64min/1", func() (Decimal, bool) { return units(math.MinInt64).Div(m("1")) }, ""},
		{"int64min/-1", func() (Decimal, bool) { return units(math.MinInt64).Div(m("-1")) }, ""},
		{"9223372036854/0.999999", func() (Decimal, bool) { return m("9223372036854").Div(m("0.999999")) }, ""},
		{"1/int64min", func() (Decimal, bool) { return m("1").Div(units(math.MinInt64)) }, "0"},
		{"max/max", func() (Decimal, bool) { return max.Div(max) }, "1"},
	}
	for _, o := range ops {
		d, ok := o.got()
		switch {
		case o.want == "" && ok:
			t.Errorf("%s = %s, want out of range", o.name, d)
		case o.want != "" && !ok:
			t.Errorf("%s: out of range, want %s", o.name, o.want)
		case ok && d.String() != o.want:
			t.Errorf("%s = %s, want %s", o.name, d, o.want)
		}
	}
	if MaxDecimal.String() != "9223372036854.775807" {
		t.Errorf("MaxDecimal = %s", MaxDecimal)
	}
	for _, s := range []string{"9223372036854.775807", "-9223372036854.775807"} {
		if d, err := ParseDecimal(s); err != nil || d.String() != s {
			t.Errorf("ParseDecimal(%s) = %s, %v", s, d, err)
		}
	}
	for _, s := range []string{"9223372036854.775808", "-9223372036854.775808"} {
		if _, err := ParseDecimal(s); !errors.Is(err, ErrDecimal) {
			t.Errorf("ParseDecimal(%s): %v, want too large", s, err)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("NewDecimal(9223372036855) did not panic")
			}
		}()
		NewDecimal(9223372036855)
	}()
	if NewDecimal(-9223372036854).String() != "-9223372036854" {
		t.Error("NewDecimal at the edge")
	}
}

// exact computes an operation in big.Rat, rounds half away from zero to
// Scale places, and reports whether it fits the range of results.
func exact(op byte, a, b Decimal) (int64, bool) {
	x := new(big.Rat).SetFrac64(a.units, scaleFactor)
	y := new(big.Rat).SetFrac64(b.units, scaleFactor)
	z := new(big.Rat)
	switch op {
	case '+':
		z.Add(x, y)
	case '-':
		z.Sub(x, y)
	case '*':
		z.Mul(x, y)
	case '/':
		if y.Sign() == 0 {
			return 0, false
		}
		z.Quo(x, y)
	}
	z.Mul(z, new(big.Rat).SetInt64(scaleFactor))
	// Round half away from zero: trunc(|z| + 1/2) with z's sign.
	neg := z.Sign() < 0
	z.Abs(z)
	z.Add(z, big.NewRat(1, 2))
	q := new(big.Int).Quo(z.Num(), z.Denom())
	if neg {
		q.Neg(q)
	}
	if !q.IsInt64() || q.Int64() == math.MinInt64 {
		return 0, false
	}
	return q.Int64(), true
}

// FuzzDecimalArithmetic checks every checked operation against exact
// rational arithmetic: the result is the exactly rounded value when that
// fits, and out of range exactly when it does not.
func FuzzDecimalArithmetic(f *testing.F) {
	for _, c := range [][2]int64{
		{5_000_000_000_000_000, 2_000_000_000}, {math.MaxInt64, 1}, {math.MaxInt64, -math.MaxInt64},
		{math.MinInt64, 1_000_000}, {math.MinInt64, -1_000_000}, {1, 0}, {-1, 3}, {10_000_000_000_000, 1_000_000_000_000},
		{math.MaxInt64, 999_999}, {math.MaxInt64 / 2, 2_000_000}, {-7, 2},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, a, b int64) {
		x, y := DecimalFromUnits(a), DecimalFromUnits(b)
		for _, op := range []struct {
			sym byte
			fn  func(Decimal, Decimal) (Decimal, bool)
		}{{'+', Decimal.Add}, {'-', Decimal.Sub}, {'*', Decimal.Mul}, {'/', Decimal.Div}} {
			got, ok := op.fn(x, y)
			want, wantOK := exact(op.sym, x, y)
			if ok != wantOK || ok && got.units != want {
				t.Fatalf("%d %c %d (units) = %d, %v; want %d, %v", a, op.sym, b, got.units, ok, want, wantOK)
			}
		}
		n, ok := x.Neg()
		if ok != (a != math.MinInt64) || ok && n.units != -a {
			t.Fatalf("-(%d) = %d, %v", a, n.units, ok)
		}
		abs, ok := x.Abs()
		if ok != (a != math.MinInt64) || ok && (abs.units < 0 || abs.units != a && abs.units != -a) {
			t.Fatalf("|%d| = %d, %v", a, abs.units, ok)
		}
	})
}

func TestDecimalJSON(t *testing.T) {
	var v struct {
		A Decimal  `json:"a"`
		B Decimal  `json:"b"`
		C *Decimal `json:"c,omitempty"`
	}
	if err := json.Unmarshal([]byte(`{"a": 12.50, "b": "0.1"}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":12.5,"b":0.1}` {
		t.Fatalf("marshal = %s", out)
	}
	for _, bad := range []string{`{"a": 1e3}`, `{"a": "x"}`, `{"a": true}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil || d.String() != "2026-02-28" {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("impossible date accepted")
	}
	var o PurchaseOrder
	b, _ := json.Marshal(o)
	if strings.Contains(string(b), "order_date") {
		t.Errorf("zero dates must be omitted: %s", b)
	}
	o.OrderDate = d
	b, _ = json.Marshal(o)
	if !strings.Contains(string(b), `"order_date":"2026-02-28"`) {
		t.Errorf("date JSON: %s", b)
	}
}

func TestSourcesJSONKeepsFieldsAndOrder(t *testing.T) {
	var s Sources
	s.Set("po_number", Source{Segment: TagOf("BGM"), Index: 2, Element: 2, Component: 1})
	s.Set("quantity", CellSource(1, 4, 3))
	s.Set("po_number", Source{Segment: TagOf("BGM"), Index: 3, Element: 2, Component: 1}) // replaces
	s.Set("notes[12]", LineSource(7))
	s.Set("ship_to.unheard_of", CellSource(0, 1, 28))
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"po_number":{"segment":"BGM","index":3,"element":2,"component":1},"quantity":{"sheet":1,"cell":"C4"},` +
		`"notes[12]":{"line":7},"ship_to.unheard_of":{"cell":"AB1"}}`
	if string(b) != want {
		t.Fatalf("marshal = %s\nwant      %s", b, want)
	}
	var back Sources
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 4 || back.Get("po_number").String() != "BGM #3 element 2.1" || back.Get("quantity").String() != "sheet 1 C4" ||
		back.Get("notes[12]").Line() != 7 || back.Get("ship_to.unheard_of").Cell() != "AB1" {
		t.Fatalf("round trip = %+v", back)
	}
	if back.Get("missing") != (Source{}) {
		t.Fatal("Get of a missing field")
	}
}

func TestValidate(t *testing.T) {
	o := PurchaseOrder{Function: "bogus", Lines: []Line{{LineNo: 1, Quantity: MustDecimal("-1")}}}
	probs := strings.Join(o.Validate(), "; ")
	for _, want := range []string{"no purchase order number", `unknown document function "bogus"`, "line 1: quantity -1 is not a positive number"} {
		if !strings.Contains(probs, want) {
			t.Errorf("Validate() = %q, lacks %q", probs, want)
		}
	}
	c := PurchaseOrder{PONumber: "1", Function: FunctionCancellation}
	if p := c.Validate(); len(p) != 0 {
		t.Errorf("a cancellation without lines is valid: %v", p)
	}
}
