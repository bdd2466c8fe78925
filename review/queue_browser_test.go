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

// TestQueueKeysAndNewOrders: j and k move the selection through the queue,
// / searches, ? shows the keys; an order arriving while the desk looks
// appears at the bottom without a reload, and the selected row stays.
func TestQueueKeysAndNewOrders(t *testing.T) {
	f := newDeskFixture(t)
	if err := auth.AddUser(context.Background(), f.pool, "anna", "correct horse battery", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	for _, po := range []string{"PO-Q1", "PO-Q2", "PO-Q3"} {
		f.send(t, ediOrder(po, po, glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	}
	b := newBrowser(t)
	f.loginAs(t, b, "anna", "correct horse battery")
	selected := func() string {
		return eval[string](t, b, `(document.querySelector("#queue tr.selected a") || {}).textContent || ""`)
	}
	do(t, b, "the queue", chromedp.WaitVisible(chromedp.CSS(`#queue tr.selected`)))
	if s := selected(); s != "PO-Q1" {
		t.Fatalf("first selected %q", s)
	}
	do(t, b, "j j k", chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k"))
	if s := selected(); s != "PO-Q2" {
		t.Fatalf("after j j k the selection is %q, want PO-Q2", s)
	}
	do(t, b, "? shows the keys", chromedp.KeyEvent("?"))
	if !eval[bool](t, b, `document.getElementById("keys").open`) {
		t.Fatal("? did not open the keys")
	}
	do(t, b, "close it", chromedp.KeyEvent(kb.Escape))
	do(t, b, "/ searches", chromedp.KeyEvent("/"))
	if id := eval[string](t, b, `document.activeElement.id`); id != "po-search" {
		t.Fatalf("/ focused %q", id)
	}
	do(t, b, "leave the field", chromedp.KeyEvent(kb.Escape))

	f.send(t, ediOrder("PO-Q4", "PO-Q4", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && eval[int](t, b, `document.querySelectorAll("#queue tr[data-href]").length`) < 4 {
		time.Sleep(200 * time.Millisecond)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#queue tr[data-href]").length`); n != 4 {
		t.Fatalf("the queue shows %d orders after a new one came, want 4 without a reload", n)
	}
	if last := eval[string](t, b, `Array.from(document.querySelectorAll("#queue tr[data-href] a")).pop().textContent`); last != "PO-Q4" {
		t.Fatalf("the new order is not at the bottom: %q", last)
	}
	if s := selected(); s != "PO-Q2" {
		t.Fatalf("the selection moved to %q when the new order came", s)
	}
}

// TestApproveAndRejectKeys: r on the order page opens the rejection with
// its reason field, and the order leaves the queue once the reason is
// given; in the queue r and a open the selected order with the rejection
// asked, or with Approve ready (Enter approves), and the page does nothing
// by itself: a link carrying the hash approves nothing.
func TestApproveAndRejectKeys(t *testing.T) {
	f := newDeskFixture(t)
	ctx := context.Background()
	if err := auth.AddUser(ctx, f.pool, "anna", "correct horse battery", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	// Café Lumière is on manual approval: each order waits for the desk.
	var ids []int64
	for _, po := range []string{"PO-K1", "PO-K2", "PO-K3"} {
		ids = append(ids, f.send(t, ediOrder(po, po, glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""})).ID)
	}
	b := newBrowser(t)
	f.loginAs(t, b, "anna", "correct horse battery")
	queueHas := func(po string) bool {
		return strings.Contains(eval[string](t, b, `(document.getElementById("queue-rows") || {}).textContent || ""`), po)
	}
	rejected := func(id int64, reason string) {
		t.Helper()
		o := f.state(t, id, intake.StateRejected)
		if o.ReviewReason != "rejected: "+reason {
			t.Fatalf("order %d rejected as %q", id, o.ReviewReason)
		}
	}
	rejectOpen := `document.querySelector('details[data-key-open="r"]').open && document.activeElement.name === "reason" && document.activeElement.closest('form[action$="/reject"]') !== null`

	// r on the order page.
	do(t, b, "open PO-K3", chromedp.Navigate(f.uiURL(fmt.Sprintf("/orders/%d", ids[2]))), chromedp.WaitVisible(chromedp.CSS(`#order-panel`)))
	do(t, b, "r opens the rejection", chromedp.KeyEvent("r"), waitJS(rejectOpen))
	screenshot(t, b, "order-reject")
	do(t, b, "give the reason and send it",
		chromedp.SendKeys(chromedp.CSS(`form[action$="/reject"] input[name="reason"]`), "sent twice"),
		chromedp.KeyEvent(kb.Enter),
		waitJS(`location.pathname === "/" && document.querySelector(".flash.notice") !== null`))
	if notice := text(t, b, `.flash.notice`); !strings.Contains(notice, "Rejected: PO-K3") {
		t.Fatalf("the notice says %q", notice)
	}
	if queueHas("PO-K3") {
		t.Fatal("the rejected order is still in the queue")
	}
	rejected(ids[2], "sent twice")

	// r in the queue rejects the selected order.
	do(t, b, "select PO-K2", chromedp.WaitVisible(chromedp.CSS(`#queue tr.selected`)), chromedp.KeyEvent("j"))
	if s := eval[string](t, b, `document.querySelector("#queue tr.selected a").textContent`); s != "PO-K2" {
		t.Fatalf("selected %q, want PO-K2", s)
	}
	do(t, b, "r opens the selected order with the rejection",
		chromedp.KeyEvent("r"),
		waitJS(fmt.Sprintf(`location.pathname === "/orders/%d" && location.hash === "" && %s`, ids[1], rejectOpen)))
	do(t, b, "give the reason and send it",
		chromedp.SendKeys(chromedp.CSS(`form[action$="/reject"] input[name="reason"]`), "the customer cancelled by phone"),
		chromedp.KeyEvent(kb.Enter),
		waitJS(`location.pathname === "/" && document.querySelector(".flash.notice") !== null`))
	if queueHas("PO-K2") || !queueHas("PO-K1") {
		t.Fatal("after rejecting PO-K2 from the queue it shows the wrong orders")
	}
	rejected(ids[1], "the customer cancelled by phone")

	// a in the queue opens the selected order ready to approve, and
	// approves nothing by itself.
	do(t, b, "a opens the selected order with Approve ready",
		chromedp.WaitVisible(chromedp.CSS(`#queue tr.selected`)),
		chromedp.KeyEvent("a"),
		waitJS(fmt.Sprintf(`location.pathname === "/orders/%d" && location.hash === "" && document.activeElement.dataset.key === "a"`, ids[0])))
	time.Sleep(300 * time.Millisecond)
	if o := f.state(t, ids[0], intake.StateReview); o.PO.DeskApproval != nil {
		t.Fatal("opening the order with a approved it")
	}
	screenshot(t, b, "order-approve-ready")
	do(t, b, "Enter approves: the warning is to be confirmed",
		chromedp.KeyEvent(kb.Enter),
		waitText(`#order-panel fieldset.confirm`, "MANUAL_APPROVAL"))
	do(t, b, "confirm with a reason",
		chromedp.Click(chromedp.CSS(`fieldset.confirm input[name="confirm"]`)),
		chromedp.SendKeys(chromedp.CSS(`fieldset.confirm input[name="reason"]`), "the owner called"),
		chromedp.KeyEvent(kb.Enter),
		waitJS(`location.pathname === "/" && document.querySelector(".flash.notice") !== null`))
	if o := f.state(t, ids[0], intake.StateDelivered); o.PO.DeskApproval == nil || o.PO.DeskApproval.Reason != "the owner called" {
		t.Fatalf("approval recorded as %+v", o.PO.DeskApproval)
	}

	// A link with the hash, opened from anywhere, approves nothing either.
	o := f.send(t, ediOrder("PO-K4", "PO-K4", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	do(t, b, "open a link with #approve",
		chromedp.Navigate(f.uiURL(fmt.Sprintf("/orders/%d#approve", o.ID))),
		waitJS(`document.activeElement.dataset.key === "a"`))
	time.Sleep(300 * time.Millisecond)
	if got := f.state(t, o.ID, intake.StateReview); got.PO.DeskApproval != nil {
		t.Fatal("a link with #approve approved the order")
	}
}
