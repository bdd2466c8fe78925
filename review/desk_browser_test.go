package review

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
)

// TestDeskClearsAnUnknownItemInTheBrowser is the desk's day in a real
// browser: log in; open the queue; open the order with UNKNOWN_ITEM; map
// the line through the item search with "remember"; approve; the order
// leaves the queue and its history shows what was done; the customer's
// next order with the same item code goes through without the desk.
func TestDeskClearsAnUnknownItemInTheBrowser(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	if err := auth.AddUser(ctx, f.pool, "anna", "correct horse battery", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	o := f.send(t, ediOrder("U1", "PO-NEW-7", glnBrasserie, ediLine{"BR-ESP", "", "6", "PCE", "14.50", ""}))
	if codesOf(o) != "UNKNOWN_ITEM@1" {
		t.Fatalf("order %s %s, want UNKNOWN_ITEM", o.State, codesOf(o))
	}
	b := newBrowser(t)
	f.loginAs(t, b, "anna", "correct horse battery")

	do(t, b, "the queue", chromedp.WaitVisible(chromedp.CSS(`#queue tbody tr[data-href]`)))
	if queue := text(t, b, `#queue`); !strings.Contains(queue, "PO-NEW-7") || !strings.Contains(queue, "UNKNOWN_ITEM") {
		t.Fatalf("the queue shows %q", queue)
	}
	screenshot(t, b, "queue")

	// Keyboard: the first row is selected; Enter opens it.
	do(t, b, "Enter opens the order", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`#order-panel`)))
	if path := eval[string](t, b, `location.pathname`); path != fmt.Sprintf("/orders/%d", o.ID) {
		t.Fatalf("Enter opened %q", path)
	}
	screenshot(t, b, "order-unknown-item")

	// Map the line: type words of the description, pick the hit.
	do(t, b, "the item search offers COF-1",
		chromedp.Click(chromedp.CSS(`input.item-search`)),
		chromedp.SendKeys(chromedp.CSS(`input.item-search`), "espresso"),
		chromedp.WaitVisible(chromedp.CSS(`.hits .hit[data-pick="COF-1"]`)),
	)
	screenshot(t, b, "order-item-search")
	do(t, b, "pick the hit", chromedp.Click(chromedp.CSS(`.hits .hit[data-pick="COF-1"]`)))
	if !eval[bool](t, b, `document.querySelector('input[name="remember"]').checked && document.querySelector('input.item-search').value === "COF-1"`) {
		t.Fatal("picking the hit did not fill the item, or remember is not checked")
	}
	do(t, b, "map the line", chromedp.Click(chromedp.CSS(`form.map button[type="submit"]`)), waitText(`#order-panel .lines`, "ok"))
	if lines := text(t, b, `#order-panel .lines`); !strings.Contains(lines, "COF-1") || strings.Contains(lines, "UNKNOWN_ITEM") {
		t.Fatalf("after mapping the lines say %q", lines)
	}
	screenshot(t, b, "order-mapped")

	// Approve with the keyboard: back in the queue, without the order.
	do(t, b, "approve with a", chromedp.KeyEvent("a"), waitJS(`location.pathname === "/" && document.querySelector(".flash.notice") !== null`))
	if path := eval[string](t, b, `location.pathname`); path != "/" {
		t.Fatalf("approving left the browser at %q", path)
	}
	if notice := text(t, b, `.flash.notice`); !strings.Contains(notice, "PO-NEW-7") {
		t.Fatalf("the notice says %q", notice)
	}
	if queue := eval[string](t, b, `document.getElementById("queue-rows").textContent`); strings.Contains(queue, "PO-NEW-7") {
		t.Fatalf("the queue still shows the order: %q", queue)
	}
	screenshot(t, b, "queue-after-approve")
	f.state(t, o.ID, intake.StateDelivered)

	// Its history says what the desk did.
	do(t, b, "the order's history",
		chromedp.Navigate(f.uiURL(fmt.Sprintf("/orders/%d", o.ID))),
		chromedp.WaitVisible(chromedp.CSS(`details.history`)),
		chromedp.Click(chromedp.CSS(`details.history summary`)),
	)
	history := text(t, b, `details.history`)
	for _, want := range []string{"anna", "mapped line 1 to COF-1; learned BR-ESP = COF-1", "approved", "delivered"} {
		if !strings.Contains(history, want) {
			t.Errorf("the history does not say %q:\n%s", want, history)
		}
	}
	screenshot(t, b, "order-history")

	// The next order with BR-ESP resolves by the learned cross-reference.
	var version int64
	if err := f.pool.QueryRow(ctx, `SELECT version FROM masterdata_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for f.live.Version() < version && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	next := f.send(t, ediOrder("U2", "PO-NEW-8", glnBrasserie, ediLine{"BR-ESP", "", "2", "PCE", "14.50", ""}))
	next = f.state(t, next.ID, intake.StateDelivered, intake.StateReview)
	if next.State != intake.StateDelivered || !strings.HasPrefix(next.PO.Lines[0].ResolvedBy, "cross-reference learned from order") {
		t.Fatalf("the next order is %s %s, resolved by %q", next.State, codesOf(next), next.PO.Lines[0].ResolvedBy)
	}
}
