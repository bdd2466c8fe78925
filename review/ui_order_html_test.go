package review

import (
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
)

// TestRowsWrittenInGoAreEscaped: the source pane's segments and the lines'
// rows, written without the template, escape every value from outside as
// the template would, in text and in attributes.
func TestRowsWrittenInGoAreEscaped(t *testing.T) {
	const evil = `<script>alert("x")</script>' onmouseover='x`
	seg := string(segmentsHTML([]segmentView{{Index: 3, Text: "FTX+AAI+++" + evil, Problem: true, Line: true}}))
	lv := &lineView{Line: order.Line{LineNo: 7, BuyerItem: evil, GTIN: evil, SupplierItem: evil, Description: evil,
		SKU: evil, ResolvedBy: evil}, Also: evil, When: evil, Deliveries: []string{evil, evil}, ItemName: evil,
		Qty: evil, Unit: evil, Price: evil, Agreed: evil, SentQty: evil,
		Exceptions: []exceptionView{{Exception: order.Exception{Code: evil, Message: evil}, Class: "block"}}}
	row := string(lineRowHTML(lv))
	for name, out := range map[string]string{"segments": seg, "line": row} {
		if strings.Contains(out, "<script") || strings.Contains(out, `"x")`) || strings.Contains(out, "' onmouseover") {
			t.Errorf("%s: a value came through unescaped: %s", name, out)
		}
		if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39; onmouseover=&#39;x") {
			t.Errorf("%s: the value does not show escaped: %s", name, out)
		}
	}
	if !strings.Contains(seg, `<li id="seg-3" data-seg="3" class="problem line-seg">`) {
		t.Errorf("segment markup: %s", seg)
	}
	if n := strings.Count(row, "&lt;script&gt;"); n != 18 {
		t.Errorf("the row shows the value %d times, want every one of its 18 places: %s", n, row)
	}
}
