package order

import (
	"encoding/json"
	"errors"
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
	cases := []struct{ got, want string }{
		{m("1.1").Add(m("2.2")).String(), "3.3"},
		{m("1").Sub(m("2.5")).String(), "-1.5"},
		{m("12.5").Mul(m("3")).String(), "37.5"},
		{m("0.000001").Mul(m("0.5")).String(), "0.000001"}, // half away from zero
		{m("-0.000001").Mul(m("0.5")).String(), "-0.000001"},
		{m("19.99").Mul(m("1000000")).String(), "19990000"},
		{m("1").Text(','), "1"},
		{m("-2.25").Text(','), "-2,25"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %s, want %s", i, c.got, c.want)
		}
	}
	q, ok := m("10").Div(m("3"))
	if !ok || q.String() != "3.333333" {
		t.Errorf("10/3 = %s", q)
	}
	q, _ = m("2").Div(m("3"))
	if q.String() != "0.666667" {
		t.Errorf("2/3 = %s", q)
	}
	if _, ok := m("1").Div(Decimal{}); ok {
		t.Error("division by zero reported ok")
	}
	if m("1.5").Cmp(m("1.50")) != 0 || m("-1").Cmp(m("1")) != -1 || !m("4").IsInteger() || m("4.1").IsInteger() {
		t.Error("comparison helpers wrong")
	}
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
