package edifact

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
)

// TestOrdersShareNoLines: the orders of one document take their lines from
// shared slabs (slabs.linesFor), yet each order's lines are its own: an
// order larger than the one before it, a message lost half way (its lines
// written, then dropped) and the orders after them come out as sent, with
// nothing of a neighbour in them, and appending to an order's lines or to
// a line's identifiers writes into nobody else's.
func TestOrdersShareNoLines(t *testing.T) {
	body := func(msg, lines int, extra func(i int) []string) []string {
		b := []string{fmt.Sprintf("BGM+220+PO-%d+9", msg)}
		for i := 1; i <= lines; i++ {
			b = append(b, fmt.Sprintf("LIN+%d", i), fmt.Sprintf("PIA+5+M%d-%d:IN", msg, i), "QTY+21:2:PCE")
			if extra != nil {
				b = append(b, extra(i)...)
			}
		}
		return b
	}
	full := func(i int) []string {
		return []string{"IMD+F++:::Widget " + fmt.Sprint(i), "PRI+AAA:1.50", "RFF+LI:" + fmt.Sprint(i), "LOC+7+400123400001" + fmt.Sprint(i%10), "QTY+11:2"}
	}
	lost := body(4, 100, full)                                    // more lines than its room, too
	lost = append(lost, "LIN+101", "PIA+5+M4-101:IN", "QTY+21:x") // the message fails here
	data := interchange("UNOA:3",
		body(1, 3, full),
		body(2, 40, nil), // more lines than the order before: they outgrow their room
		body(3, 2, full),
		lost,
		body(5, 4, nil), // right after the lost message's lines
		body(6, 3, full),
		body(7, 600, nil),
		body(8, 1, nil),
		body(9, 1, nil),
	)
	res := parse(t, data)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "message 4") {
		t.Fatalf("errors: %v", res.Errors)
	}
	want := []struct {
		msg, lines int
		full       bool
	}{{1, 3, true}, {2, 40, false}, {3, 2, true}, {5, 4, false}, {6, 3, true}, {7, 600, false}, {8, 1, false}, {9, 1, false}}
	if len(res.Orders) != len(want) {
		t.Fatalf("%d orders, want %d", len(res.Orders), len(want))
	}
	for k, w := range want {
		o := res.Orders[k]
		if o.PONumber != fmt.Sprintf("PO-%d", w.msg) || len(o.Lines) != w.lines {
			t.Fatalf("order %d: %s with %d lines, want PO-%d with %d", k, o.PONumber, len(o.Lines), w.msg, w.lines)
		}
		for i := range o.Lines {
			l := &o.Lines[i]
			var ids []string
			for _, x := range l.Identifiers {
				ids = append(ids, x.Qualifier.String()+":"+x.Value)
			}
			got := fmt.Sprintf("%d %s %v %s %t %t %d %d", l.LineNo, l.BuyerItem, ids, l.Quantity, l.Description != "", l.UnitPrice != nil, len(l.References), len(l.Schedule().Deliveries))
			exp := fmt.Sprintf("%d M%d-%d [IN:M%d-%d] 2 %t %t %d %d", i+1, w.msg, i+1, w.msg, i+1, w.full, w.full, b2i(w.full), b2i(w.full))
			if got != exp {
				t.Fatalf("%s line %d = %s, want %s", o.PONumber, i+1, got, exp)
			}
		}
	}
	for k := 0; k+1 < len(res.Orders); k++ {
		next := res.Orders[k+1].Lines[0]
		_ = append(res.Orders[k].Lines, order.Line{LineNo: 99, BuyerItem: "appended"})
		l := &res.Orders[k].Lines[0]
		_ = append(l.Identifiers, order.ItemID{Qualifier: order.ItemTypeOf("SA"), Value: "appended"})
		if after := res.Orders[k+1].Lines[0]; after.LineNo != next.LineNo || after.BuyerItem != next.BuyerItem {
			t.Errorf("appending to %s's lines changed %s's first line: %+v", res.Orders[k].PONumber, res.Orders[k+1].PONumber, after)
		}
		if len(res.Orders[k].Lines) > 1 && res.Orders[k].Lines[1].Identifiers[0].Value != res.Orders[k].Lines[1].BuyerItem {
			t.Errorf("appending to a line's identifiers changed the next line's: %+v", res.Orders[k].Lines[1].Identifiers)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
