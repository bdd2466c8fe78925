package review

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers/sheet"
)

// sendSheet receives a CSV for customer 10001 as an upload and waits for
// its one order.
func (f *deskFixture) sendSheet(t *testing.T, name, csv string) intake.Order {
	t.Helper()
	r, err := f.pipe.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "desk:carl",
		CustomerNumber: "10001", FileName: name, Data: []byte(csv)})
	if err != nil {
		t.Fatal(err)
	}
	return f.waitOrder(t, func(ctx context.Context) ([]intake.Order, error) {
		return intake.OrdersOfDocument(ctx, f.pool, r.DocumentID)
	})
}

// TestLayoutEditedOnTheUploadScreen: a stored layout that reads the wrong
// column as the quantity is corrected in its edit form on the upload
// screen, without a file to preview; the customer's next sheet of that
// header is read with the corrected columns. A layout without a quantity
// is refused and the stored one stays.
func TestLayoutEditedOnTheUploadScreen(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	ctx := context.Background()
	wrong, err := intake.SaveSheetLayout(ctx, f.pool, sheet.Layout{Customer: "10001", Shape: "nummer|vad|hurmanga|kronor",
		Header:  []string{"Nummer", "Vad", "Hur många", "Kronor"},
		Columns: []sheet.LayoutColumn{{Index: 1, Field: "gtin"}, {Index: 2, Field: "description"}, {Index: 4, Field: "quantity"}}}, "ada")
	if err != nil {
		t.Fatal(err)
	}
	csv := "Ordernr;L-%d\n\nNummer;Vad;Hur många;Kronor\n" + gtinCups + ";Muggar;3;32\n"
	if o := f.sendSheet(t, "l1.csv", fmt.Sprintf(csv, 1)); o.PO.Lines[0].Quantity.String() != "32" {
		t.Fatalf("with the wrong layout the quantity is %s, want 32 (the price column)", o.PO.Lines[0].Quantity)
	}

	c := f.client(t, "carl", "carl-password-1")
	code, page := f.call(t, c, "GET", "/upload?customer=10001", nil)
	action := fmt.Sprintf(`action="/upload/layouts/10001/%d"`, wrong.ID)
	if code != http.StatusOK || !strings.Contains(page, action) || !strings.Contains(page, "Hur många") {
		t.Fatalf("upload screen %d: no edit form for layout %d:\n%s", code, wrong.ID, page)
	}
	if !strings.Contains(page, `aria-label="column D holds"><option value="">(not read)</option>`) ||
		!strings.Contains(page, `<option value="quantity" selected>`) {
		t.Errorf("the edit form does not show column D read as the quantity")
	}
	site := []string{"Origin: " + f.srv.URL, "Sec-Fetch-Site: same-origin"}
	edit := func(fields ...string) int {
		form := url.Values{}
		for i, fl := range fields {
			form.Add("index", fmt.Sprint(i+1))
			form.Add("field", fl)
		}
		code, _ := f.call(t, c, "POST", fmt.Sprintf("/upload/layouts/10001/%d", wrong.ID), form, site...)
		return code
	}
	if code := edit("gtin", "description", "", ""); code != http.StatusSeeOther {
		t.Fatalf("edit without a quantity: %d", code)
	}
	if _, page := f.call(t, c, "GET", "/upload?customer=10001", nil); !strings.Contains(page, "Not saved: the layout has no quantity column") {
		t.Errorf("a layout without a quantity was not refused in words")
	}
	if l, _ := intake.GetSheetLayout(ctx, f.pool, "10001", wrong.ID); len(l.Columns) != 3 || l.UpdatedBy != "ada" {
		t.Fatalf("a refused edit changed the layout: %+v", l)
	}
	if code := edit("gtin", "description", "quantity", "unit_price"); code != http.StatusSeeOther {
		t.Fatalf("edit: %d", code)
	}
	l, err := intake.GetSheetLayout(ctx, f.pool, "10001", wrong.ID)
	if err != nil || l.UpdatedBy != "carl" || fmt.Sprint(l.Columns) != "[{1 Nummer gtin} {2 Vad description} {3 Hur många quantity} {4 Kronor unit_price}]" {
		t.Fatalf("after the edit: %v %+v", err, l)
	}
	o := f.sendSheet(t, "l2.csv", fmt.Sprintf(csv, 2))
	if ln := o.PO.Lines[0]; ln.Quantity.String() != "3" || ln.UnitPrice == nil || ln.UnitPrice.String() != "32" || o.State != intake.StateDelivered {
		t.Errorf("the next sheet: %s, quantity %s, price %v, %v", o.State, ln.Quantity, ln.UnitPrice, o.PO.Exceptions)
	}
	if code := func() int {
		code, _ := f.call(t, f.client(t, "vera", "vera-password-1"), "POST", fmt.Sprintf("/upload/layouts/10001/%d", wrong.ID),
			url.Values{"index": {"1"}, "field": {"quantity"}}, site...)
		return code
	}(); code != http.StatusForbidden {
		t.Errorf("a viewer edited a layout: %d", code)
	}
	var audits int
	f.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'sheet_layout.save' AND target = 'customer=10001'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d audit entries for the edit, want 1", audits)
	}
}

// TestOrderPageShowsWhatReadingNoted: the rows a sheet's reading skipped
// and the line held for a forgotten quantity are on the order's page for
// the desk, escaped.
func TestOrderPageShowsWhatReadingNoted(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	addUsers(t, f)
	o := f.sendSheet(t, "order.csv", "EAN;Antal;Benämning\n"+gtinCoffee+";6;Kaffe\n"+gtinCups+";;<b>Muggar</b>\nSumma;6;\n")
	if o.State != intake.StateReview {
		t.Fatalf("order %s %v", o.State, o.PO.Exceptions)
	}
	c := f.client(t, "carl", "carl-password-1")
	code, page := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil)
	for _, want := range []string{
		"row 3 (" + gtinCups + ") has no quantity: it is line 2 with quantity 0; set the quantity or delete the line",
		"the file: 1 row skipped: row 4: a total, tax or freight row",
		"the file has no order number, and the file&#39;s name is not one; the order is numbered " + o.PO.PONumber,
	} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("order page %d lacks %q", code, want)
		}
	}
	if strings.Contains(page, "<b>Muggar") {
		t.Errorf("a cell's markup reached the page")
	}
}
