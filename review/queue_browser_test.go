package review

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ordergate/ordergate/auth"
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
