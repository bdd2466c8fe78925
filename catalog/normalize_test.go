package catalog

import (
	"errors"
	"testing"
)

func TestParseGTIN(t *testing.T) {
	cases := []struct {
		in   string
		want string // 14-digit form, or "" for an error
		err  error
	}{
		{"4006381333931", "04006381333931", nil},    // GTIN-13
		{"04006381333931", "04006381333931", nil},   // GTIN-14 form of it
		{"036000291452", "00036000291452", nil},     // UPC-A (GTIN-12)
		{"0036000291452", "00036000291452", nil},    // same as EAN-13
		{"96385074", "00000096385074", nil},         // GTIN-8
		{"10614141000415", "10614141000415", nil},   // GTIN-14 case pack
		{" 4006381 333931 ", "04006381333931", nil}, // spaces ignored
		{"4006381333932", "", ErrGTINCheckDigit},
		{"400638133393", "", ErrGTINCheckDigit},
		{"40063813339", "", ErrGTINLength},
		{"400638133393100", "", ErrGTINLength},
		{"40063813339X1", "", ErrGTINDigits},
		{"", "", ErrGTINLength},
		{"00000000", "", ErrGTINCheckDigit},
	}
	for _, tc := range cases {
		v, err := ParseGTIN(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseGTIN(%q) error %v, want %v", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || FormatGTIN(v) != tc.want {
			t.Errorf("ParseGTIN(%q) = %s, %v; want %s", tc.in, FormatGTIN(v), err, tc.want)
		}
	}
	if c, _ := GTINCheckDigit("400638133393"); c != '1' {
		t.Errorf("check digit %c, want 1", c)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"ab-12.3": "AB123", " AB 12/3 ": "AB123", "x_y": "XY", "ÄB-1": "ÄB1"} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Anna <Anna@Example.COM>": "anna@example.com", " a@b.c ": "a@b.c", "nobody": "", "@x": ""} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if d := EmailDomain("A <a@Shop.Example>"); d != "shop.example" {
		t.Errorf("domain %q", d)
	}
	for in, want := range map[string]string{"ea": "PCE", "C62": "PCE", " pcs ": "PCE", "kg": "KGM", "ct": "CT", "ctn": "CT", "weird": "WEIRD", "": ""} {
		if got := NormalizeUnit(in); got != want {
			t.Errorf("NormalizeUnit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConvertUnit(t *testing.T) {
	cases := []struct {
		from, to, want string
		ok             bool
	}{
		{"GRM", "KGM", "0.001", true},
		{"TNE", "KGM", "1000", true},
		{"MLT", "LTR", "0.001", true},
		{"CMT", "MTR", "0.01", true},
		{"DZN", "PCE", "12", true},
		{"PCE", "PCE", "1", true},
		{"KGM", "PCE", "", false},
		{"CT", "PCE", "", false},
		{"CT", "BX", "", false},
	}
	for _, tc := range cases {
		f, ok := ConvertUnit(tc.from, tc.to)
		if ok != tc.ok || (ok && f.String() != tc.want) {
			t.Errorf("ConvertUnit(%s, %s) = %s, %v; want %s, %v", tc.from, tc.to, f, ok, tc.want, tc.ok)
		}
	}
}

func TestLookupsDoNotAllocate(t *testing.T) {
	s := mustBuild(t, smallData())
	g, _ := ParseGTIN("4006381333931")
	n := testing.AllocsPerRun(100, func() {
		s.ItemBySKU("ab-100")
		s.ItemByGTIN(g)
		s.CrossRef(0, "acme 1")
		s.UnitFactor(0, NormalizeUnit("ct"))
		s.Prices(ScopeCustomer, 0, 0)
		s.MayBuy(0, 0)
		s.StockTotal(0)
		s.PriorOrders(0, "po-1")
		ParseGTIN("4006381333931")
	})
	if n != 0 {
		t.Errorf("%v allocations per lookup round", n)
	}
}
