package review

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
)

// TestUploadQuickOrderAndLinkInTheBrowser: the desk uploads a customer's
// sheet (preview, then submit) and types a quick order with the item
// search; a buyer orders through the customer's link, and a revoked link
// is refused. Each order goes through the pipeline to the ERP.
func TestUploadQuickOrderAndLinkInTheBrowser(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	if err := auth.AddUser(ctx, f.pool, "anna", "correct horse battery", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	f.loginAs(t, b, "anna", "correct horse battery")

	// Upload: a semicolon CSV of the kind customers export.
	sheetPath := filepath.Join(t.TempDir(), "bestellung-4711.csv")
	if err := os.WriteFile(sheetPath, []byte("Bestellnummer;PO-SHEET-1\n\nArtikelnummer;Bezeichnung;Menge;Einheit\nCOF-1;Espresso;3;PCE\nCUP-8;Becher;2;PCE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, b, "preview the sheet",
		chromedp.Navigate(f.uiURL("/upload")),
		chromedp.SendKeys(chromedp.CSS(`form.upload input[name="customer"]`), "10001"),
		chromedp.SetUploadFiles(chromedp.CSS(`form.upload input[type="file"]`), []string{sheetPath}),
		chromedp.Click(chromedp.CSS(`form.upload button[hx-post="/upload/preview"]`)),
		waitText(`#preview`, "PO-SHEET-1"),
	)
	if p := text(t, b, `#preview`); !strings.Contains(p, "COF-1") || !strings.Contains(p, "CUP-8") || !strings.Contains(p, "quantity") {
		t.Fatalf("the preview says %q", p)
	}
	screenshot(t, b, "upload-preview")
	do(t, b, "submit the sheet", chromedp.Click(chromedp.CSS(`form.upload button[type="submit"]`)), waitJS(`location.pathname.startsWith("/orders/")`))
	sheetOrder := f.orderFromPage(t, b)
	if o := f.state(t, sheetOrder, intake.StateDelivered, intake.StateReview); o.State != intake.StateDelivered || o.PO.PONumber != "PO-SHEET-1" {
		t.Fatalf("the uploaded sheet's order is %s %s (%s)", o.State, codesOf(o), o.PO.PONumber)
	}

	// Quick order: the item search, the line's price, send.
	do(t, b, "type a quick order",
		chromedp.Navigate(f.uiURL("/quick")),
		chromedp.SendKeys(chromedp.CSS(`#quick-customer`), "10001"),
		chromedp.SendKeys(chromedp.CSS(`input[name="po"]`), "PO-PHONE-1"),
		chromedp.SendKeys(chromedp.CSS(`tr.qrow:first-child input.qitem`), "espresso"),
		chromedp.WaitVisible(chromedp.CSS(`tr.qrow:first-child .hits .hit[data-pick="COF-1"]`)),
		chromedp.Click(chromedp.CSS(`tr.qrow:first-child .hits .hit[data-pick="COF-1"]`)),
		chromedp.SendKeys(chromedp.CSS(`tr.qrow:first-child input.qqty`), "4"),
		chromedp.Click(chromedp.CSS(`input[name="po"]`)),
		waitText(`tr.qrow:first-child .qinfo`, "14.50 EUR/PCE"),
	)
	screenshot(t, b, "quick-order")
	do(t, b, "send the quick order", chromedp.Click(chromedp.CSS(`#quick-form button[type="submit"]`)), waitJS(`location.pathname.startsWith("/orders/")`))
	phone := f.orderFromPage(t, b)
	if o := f.state(t, phone, intake.StateDelivered, intake.StateReview); o.State != intake.StateDelivered || o.PO.Lines[0].SKU != "COF-1" {
		t.Fatalf("the quick order is %s %s, line %+v", o.State, codesOf(o), o.PO.Lines[0])
	}

	// The customer's link: created by the desk, used by the buyer.
	do(t, b, "create a link",
		chromedp.Navigate(f.uiURL("/links")),
		chromedp.SendKeys(chromedp.CSS(`form.filters input[name="customer"]`), "10001"),
		chromedp.Submit(chromedp.CSS(`form.filters input[name="customer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`code.link-url`)),
	)
	url := text(t, b, `code.link-url`)
	if !regexp.MustCompile(`^http://localhost:\d+/l/\S+$`).MatchString(url) {
		t.Fatalf("the new link is %q", url)
	}
	screenshot(t, b, "links")
	do(t, b, "order through the link",
		chromedp.Navigate(url),
		chromedp.SendKeys(chromedp.CSS(`input[name="po"]`), "PO-LINK-1"),
		chromedp.SendKeys(chromedp.CSS(`tr.qrow:first-child input.qitem`), "COF-1"),
		chromedp.SendKeys(chromedp.CSS(`tr.qrow:first-child input.qqty`), "2"),
		chromedp.Click(chromedp.CSS(`#quick-form button[type="submit"]`)),
		waitText(`.flash.notice`, "your order PO-LINK-1 is received"),
	)
	var linked intake.Order
	deadline := 0
	for linked.State != intake.StateDelivered && deadline < 300 {
		_ = f.pool.QueryRow(ctx, `SELECT id FROM orders WHERE po_number = 'PO-LINK-1'`).Scan(&linked.ID)
		if linked.ID > 0 {
			linked, _ = intake.GetOrder(ctx, f.pool, linked.ID)
		}
		deadline++
		chromedp.Do(b, chromedp.Sleep(100e6))
	}
	if linked.State != intake.StateDelivered {
		t.Fatalf("the link's order is %s", linked.State)
	}
	do(t, b, "revoke the link",
		chromedp.Navigate(f.uiURL("/links")),
		chromedp.Click(chromedp.CSS(`table.list button.danger`)),
		waitText(`table.list`, "revoked"),
		chromedp.Navigate(url),
		waitText(`.flash.error`, "withdrawn"),
	)
}

// orderFromPage is the id of the order the browser shows.
func (f *deskFixture) orderFromPage(t *testing.T, b context.Context) int64 {
	t.Helper()
	path := eval[string](t, b, `location.pathname`)
	var id int64
	for _, c := range strings.TrimPrefix(path, "/orders/") {
		id = id*10 + int64(c-'0')
	}
	return id
}
