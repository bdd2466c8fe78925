package review

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// TestDeskSetsTheCustomersPONumber: an order whose PO number its parser
// made up (a mail's "please send 2 x COF-1", numbered NOPO-…) takes the
// customer's own number from the desk, through the API and on the order
// page; the number counts at once (a second order with it is a duplicate),
// and the history and the audit log say what was set. A placeholder for a
// message that could not be read takes none.
func TestDeskSetsTheCustomersPONumber(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	ctx := context.Background()
	mail := func(n int, qty string) intake.Order {
		t.Helper()
		raw := fmt.Sprintf("From: Kim <kim@somewhere.example>\r\nTo: orders@supplier.example\r\nSubject: order\r\n"+
			"Message-ID: <po-%d@somewhere.example>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nplease send\r\n%s x COF-1\r\n\r\nKim\r\n", n, qty)
		r, err := f.pipe.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: fmt.Sprintf("INBOX/1/%d", n), Data: []byte(raw),
			IdempotencyKey: fmt.Sprintf("mail:po-%d", n)})
		if err != nil {
			t.Fatal(err)
		}
		o := f.waitOrder(t, func(ctx context.Context) ([]intake.Order, error) {
			return intake.OrdersOfDocument(ctx, f.pool, r.DocumentID)
		})
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/customer", o.ID), `{"customer": "10001"}`); code != http.StatusOK {
			t.Fatalf("choose the customer = %d %v", code, body)
		}
		o, _ = intake.GetOrder(ctx, f.pool, o.ID)
		return o
	}

	o := mail(1, "2")
	if !strings.HasPrefix(o.PO.PONumber, "NOPO-") || o.PO.PONumberFrom != order.PONumberGenerated {
		t.Fatalf("the mail's order is numbered %q (%s)", o.PO.PONumber, o.PO.PONumberFrom)
	}
	for _, bad := range []string{`{}`, `{"po_number": "  "}`, `{"po_number": "` + strings.Repeat("9", 36) + `"}`, `{"po_number": "a\nb"}`} {
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/po-number", o.ID), bad); code != http.StatusBadRequest {
			t.Fatalf("set the PO number %s = %d %v", bad, code, body)
		}
	}
	code, body := f.post(t, fmt.Sprintf("/orders/%d/po-number", o.ID), `{"po_number": " PO-777 "}`)
	if code != http.StatusOK {
		t.Fatalf("set the PO number = %d %v", code, body)
	}
	o, _ = intake.GetOrder(ctx, f.pool, o.ID)
	if o.PO.PONumber != "PO-777" || o.PO.PONumberFrom != "" || strings.Contains(codesOf(o), "DUPLICATE_ORDER") {
		t.Fatalf("after setting it: PO %q (%s), %s", o.PO.PONumber, o.PO.PONumberFrom, codesOf(o))
	}
	var column string
	if err := f.pool.QueryRow(ctx, `SELECT po_number FROM orders WHERE id = $1`, o.ID).Scan(&column); err != nil || column != "PO-777" {
		t.Fatalf("the orders table says PO %q (%v)", column, err)
	}
	if n := auditCount(t, f.pool, "order.set_po_number", o.ID); n != 1 {
		t.Fatalf("%d audit entries for setting the PO number, want 1", n)
	}

	// On the order page: the second order takes the same number, and is
	// then a duplicate of the first.
	d := mail(2, "3")
	addUsers(t, f)
	c := f.client(t, "carl", "carl-password-1")
	code, page := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", d.ID), nil)
	if code != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`action="/orders/%d/po-number"`, d.ID)) || !strings.Contains(page, "made up from its content") {
		t.Fatalf("the order page (%d) does not offer to set the PO number", code)
	}
	if code, _ := f.call(t, c, "POST", fmt.Sprintf("/orders/%d/po-number", d.ID), url.Values{"po_number": {"PO-777"}}); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("set the PO number on the page = %d", code)
	}
	d, _ = intake.GetOrder(ctx, f.pool, d.ID)
	if d.PO.PONumber != "PO-777" || !strings.Contains(codesOf(d), "DUPLICATE_ORDER") {
		t.Fatalf("the second order with PO-777: PO %q, %s, want DUPLICATE_ORDER", d.PO.PONumber, codesOf(d))
	}
	_, page = f.call(t, c, "GET", fmt.Sprintf("/orders/%d", d.ID), nil)
	if !strings.Contains(page, "set the PO number to PO-777") {
		t.Error("the order's history does not say the PO number was set")
	}

	p := f.send(t, ediOrder("P1", "", glnBrasserie, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	if code, body := f.post(t, fmt.Sprintf("/orders/%d/po-number", p.ID), `{"po_number": "PO-1"}`); code != http.StatusConflict {
		t.Fatalf("set the PO number of a message that could not be read = %d %v", code, body)
	}
}
