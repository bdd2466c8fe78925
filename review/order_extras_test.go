package review

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/auth"
)

// TestOrderPageShowsWhatTheLineWasSentWith: the order page shows what the
// parser kept beyond the table's columns, escaped: a line's further item
// identifications with their UNCL 7143 type, its delivery window, its
// split deliveries, and what the parser read around (a second QTY 21),
// which is why the order waits for the desk.
func TestOrderPageShowsWhatTheLineWasSentWith(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	if err := auth.AddUser(context.Background(), f.pool, "carl", "carl-password-1", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	segs := []string{"UNH+1+ORDERS:D:96A:UN:EAN008", "BGM+220+PO-SPLIT+9", "DTM+137:20261125:102",
		"NAD+BY+" + glnBrasserie + "::9",
		"LIN+1++" + gtinCoffee + ":EN", "PIA+1+9780141036144:IB+VN-<b>7:VN", "QTY+21:12:PCE", "QTY+21:13:PCE",
		"DTM+64:20261201:102", "DTM+63:20261205:102",
		"LOC+7+4001234000015::9", "QTY+11:5:PCE", "DTM+2:20261203:102",
		"LOC+7+4001234000022::9", "QTY+11:7:PCE", "DTM+2:20261204:102",
		"UNS+S"}
	segs = append(segs, fmt.Sprintf("UNT+%d+1", len(segs)+1))
	doc := "UNA:+.? 'UNB+UNOC:3+" + glnBrasserie + ":14+5498765000017:14+261125:0930+X1'" + strings.Join(segs, "'") + "'UNZ+1+X1'"
	o := f.send(t, doc)
	c := f.client(t, "carl", "carl-password-1")
	code, page := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil)
	if code != http.StatusOK {
		t.Fatalf("GET the order = %d", code)
	}
	for _, want := range []string{
		"our no. VN-&lt;b&gt;7", "also IB 9780141036144",
		"delivery not before 2026-12-01, not after 2026-12-05<", // the window, without the date it falls back to
		"split: 5 PCE to 4001234000015 on 2026-12-03; 7 PCE to 4001234000022 on 2026-12-04",
		// What the parser read around is a PARSE_ERROR of the order (one
		// per warning), shown with the order's exceptions.
		"second ordered quantity (QTY&#43;21) 13 PCE",
		"SPLIT_DELIVERY",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the order page does not show %q", want)
		}
	}
	if d := os.Getenv("ORDERGATE_PAGE_DUMP"); d != "" {
		os.WriteFile(d, []byte(page), 0o644)
	}
	if strings.Contains(page, "VN-<b>7") {
		t.Error("a vendor item number is written into the page unescaped")
	}
}
