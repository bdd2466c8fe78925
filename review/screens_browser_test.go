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
	// The desk held PO-WAIT a while: the dashboard says what it changed.
	if _, err := f.pipe.Hold(ctx, intake.Actor{Name: "ada"}, waiting.ID, "asking the buyer"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pipe.Release(ctx, intake.Actor{Name: "ada"}, waiting.ID); err != nil {
		t.Fatal(err)
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
	// figure is what a chart writes (its legend, labels and figures), "|"
	// between them.
	figure := func(caption string) string {
		return eval[string](t, b, `Array.from(((Array.from(document.querySelectorAll(".charts figure")).find((f) => f.querySelector("figcaption").textContent.includes(`+
			"`"+caption+"`"+`)) || document.createElement("figure")).querySelectorAll("svg > text, p"))).map((t) => t.textContent).join("|")`)
	}
	// Today, 7 and 30 days side by side, by channel and by customer: one
	// of the two files today, the same over the week and the month.
	if s, want := figure("by channel"), "today|7 days|30 days|file|50% of 2|50% of 2|50% of 2"; s != want {
		t.Errorf("the touchless rate by channel says %q, want %q", s, want)
	}
	if s, want := figure("by customer"), "today|7 days|30 days|10001|100% of 1|100% of 1|100% of 1|10002|0% of 1|0% of 1|0% of 1"; s != want {
		t.Errorf("the touchless rate by customer says %q, want %q", s, want)
	}
	if s, want := figure("What the desk changed"), "order held|1 time|The desk touched 50% of the orders of the last 30 days."; s != want {
		t.Errorf("what the desk changed says %q, want %q (what was changed, not the actions' names)", s, want)
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
