package review

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
)

// TestDeskScreens opens every screen an admin has, in the browser, and
// checks each says what it is for: the failed documents with their reason,
// the dashboard's figures, adding a user, searching the audit log, and the
// queue's filters; the order page also at a wide screen's size.
func TestDeskScreens(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	if err := auth.AddUser(ctx, f.pool, "ada", "ada-password-1", auth.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	f.send(t, ediOrder("S1", "PO-OK", glnBrasserie, ediLine{"", gtinCoffee, "2", "PCE", "14.50", ""}))
	waiting := f.send(t, ediOrder("S2", "PO-WAIT", glnCafe, ediLine{"", gtinCups, "4", "PCE", "30.00", "Paper cups"}))
	r, err := f.pipe.Receive(ctx, intake.Inbound{Channel: intake.ChannelUpload, SourceRef: "test", FileName: "notes.pdf", Data: []byte("%PDF-1.7 not an order")})
	if err != nil {
		t.Fatal(err)
	}
	for d, _ := intake.GetDocument(ctx, f.pool, r.DocumentID); d.State != intake.DocFailed; d, _ = intake.GetDocument(ctx, f.pool, r.DocumentID) {
	}
	b := newBrowser(t)
	f.loginAs(t, b, "ada", "ada-password-1")

	do(t, b, "failed documents", chromedp.Navigate(f.uiURL("/documents/failed")), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	if s := text(t, b, `table.list`); !strings.Contains(s, "notes.pdf") || !strings.Contains(s, "PDF") {
		t.Errorf("the failed documents say %q", s)
	}
	screenshot(t, b, "failed")

	do(t, b, "dashboard", chromedp.Navigate(f.uiURL("/dashboard")), chromedp.WaitVisible(chromedp.CSS(`.charts svg`)))
	if s := text(t, b, `.cards`); !strings.Contains(s, "Touchless today") || !strings.Contains(s, "1 of 2 orders") {
		t.Errorf("the dashboard says %q", s)
	}
	if n := eval[int](t, b, `document.querySelectorAll(".charts svg rect.bar").length`); n == 0 {
		t.Error("the dashboard draws no bars")
	}
	screenshot(t, b, "dashboard")

	do(t, b, "add a user",
		chromedp.Navigate(f.uiURL("/users")),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "ben"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "ben-password-1"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		waitText(`.flash.notice`, "Added ben (clerk)"),
	)
	if u, err := auth.GetUser(ctx, f.pool, "ben"); err != nil || u.Role != auth.RoleClerk {
		t.Fatalf("ben: %+v %v", u, err)
	}
	screenshot(t, b, "users")

	do(t, b, "search the audit log",
		chromedp.Navigate(f.uiURL("/audit?action=user.")),
		chromedp.WaitVisible(chromedp.CSS(`table.audit`)),
	)
	if s := text(t, b, `table.audit`); !strings.Contains(s, "user.add") || !strings.Contains(s, "user=ben") || strings.Contains(s, "login") {
		t.Errorf("the audit log for user. says %q", s)
	}
	screenshot(t, b, "audit")

	do(t, b, "filter the queue",
		chromedp.Navigate(f.uiURL("/?code=MANUAL_APPROVAL")),
		chromedp.WaitVisible(chromedp.CSS(`#queue`)),
	)
	if s := text(t, b, `#queue`); !strings.Contains(s, "PO-WAIT") {
		t.Errorf("the queue filtered by MANUAL_APPROVAL says %q", s)
	}
	do(t, b, "filter the queue by a code nothing has", chromedp.Navigate(f.uiURL("/?code=CREDIT_LIMIT")), chromedp.WaitVisible(chromedp.CSS(`.empty`)))

	do(t, b, "a wide screen", chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(f.uiURL("/orders/"+waiting.IDString())),
		chromedp.WaitVisible(chromedp.CSS(`#order-panel`)))
	screenshot(t, b, "order-1920")
	do(t, b, "a laptop screen", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(f.uiURL("/orders/"+waiting.IDString())),
		chromedp.WaitVisible(chromedp.CSS(`#order-panel`)))
	screenshot(t, b, "order-1366")
}
