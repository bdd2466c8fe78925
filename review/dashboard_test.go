package review

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// TestDashboardFigures puts orders of two customers through two channels
// today, three days and twenty days ago, has the desk work some of them,
// and checks the dashboard's figures against PostgreSQL: the touchless
// rate of today, 7 and 30 days by channel and by customer, and what the
// desk changed named by what it changed (not by its action's name).
func TestDashboardFigures(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	ctx := context.Background()
	if err := auth.AddUser(ctx, f.pool, "vera", "vera-password-1", auth.RoleViewer); err != nil {
		t.Fatal(err)
	}
	anna := intake.Actor{Name: "anna"}
	via := func(channel, doc string) intake.Order {
		t.Helper()
		r, err := f.pipe.Receive(ctx, intake.Inbound{Channel: channel, SourceRef: "test", Data: []byte(doc)})
		if err != nil {
			t.Fatal(err)
		}
		return f.waitOrder(t, func(ctx context.Context) ([]intake.Order, error) {
			return intake.OrdersOfDocument(ctx, f.pool, r.DocumentID)
		})
	}
	must := func(_ intake.Order, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ago := func(o intake.Order, d time.Duration) {
		t.Helper()
		if _, err := f.pool.Exec(ctx, `UPDATE orders SET created_at = now() - $2::interval WHERE id = $1`, o.ID, d.String()); err != nil {
			t.Fatal(err)
		}
	}
	qty := func(s string) *order.Decimal {
		d, err := order.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}

	// Today: two untouched (a file and an upload of Brasserie), two the
	// desk worked (Café's by file, Brasserie's by upload).
	f.state(t, via(intake.ChannelFile, ediOrder("T1", "PO-T1", glnBrasserie, ediLine{"", gtinCoffee, "1", "PCE", "", ""})).ID, intake.StateDelivered)
	f.state(t, via(intake.ChannelUpload, ediOrder("T2", "PO-T2", glnBrasserie, ediLine{"", gtinCups, "1", "PCE", "", ""})).ID, intake.StateDelivered)
	c := via(intake.ChannelFile, ediOrder("T3", "PO-T3", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	must(f.pipe.Hold(ctx, anna, c.ID, "asking the owner"))
	must(f.pipe.Release(ctx, anna, c.ID))
	must(f.pipe.Approve(ctx, anna, c.ID, intake.Approval{Confirm: true, Reason: "the owner called"}))
	d := via(intake.ChannelUpload, ediOrder("T4", "PO-T4", glnBrasserie,
		ediLine{"BR-D", "", "1", "PCE", "", ""}, ediLine{"", gtinCoffee, "7", "PCE", "10.00", ""}, ediLine{"", gtinCups, "1", "PCE", "", ""}))
	if codesOf(d) != "UNKNOWN_ITEM@1,PRICE_MISMATCH@2" {
		t.Fatalf("PO-T4: %s", codesOf(d))
	}
	must(f.pipe.MapLine(ctx, anna, d.ID, 1, intake.LineMapping{SKU: "COF-1", Remember: true}))
	must(f.pipe.ChangeLine(ctx, anna, d.ID, 2, intake.LineChange{Quantity: qty("12")}))
	must(f.pipe.ChangeLine(ctx, anna, d.ID, 2, intake.LineChange{Quantity: qty("2"), Unit: "CT"}))
	must(f.pipe.AcceptPrice(ctx, anna, d.ID, 2))
	must(f.pipe.DeleteLine(ctx, anna, d.ID, 3))
	must(f.pipe.Assign(ctx, anna, d.ID, "", false)) // not a change of the order
	must(f.pipe.Approve(ctx, anna, d.ID, intake.Approval{Confirm: true, Reason: "their old price"}))
	f.state(t, c.ID, intake.StateDelivered)
	f.state(t, d.ID, intake.StateDelivered)
	// Three days ago: an untouched file of Brasserie.
	e := via(intake.ChannelFile, ediOrder("T5", "PO-T5", glnBrasserie, ediLine{"", gtinCoffee, "2", "PCE", "", ""}))
	ago(f.state(t, e.ID, intake.StateDelivered), 72*time.Hour)
	// Twenty days ago: an upload from an unknown sender, Café's, rejected.
	g := via(intake.ChannelUpload, ediOrder("T6", "PO-T6", "4000000000006", ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
	must(f.pipe.ChooseCustomer(ctx, anna, g.ID, "10002"))
	must(f.pipe.Reject(ctx, anna, g.ID, "sent by mistake"))
	ago(g, 20*24*time.Hour)
	// Entries written before a change of a line said what the desk set and
	// an approval what it confirmed: read from the line before and after,
	// and from the reason.
	if _, err := f.pool.Exec(ctx, `INSERT INTO order_events (order_id, actor, kind, detail) VALUES
		($1, 'ben', 'change_line', '{"before": {"state": "review", "line": {"line_no": 1, "quantity": "1", "unit": "PCE"}}, "after": {"state": "review", "line": {"line_no": 1, "quantity": "1", "unit": "CT"}}}'),
		($1, 'ben', 'approve', '{"before": {"state": "review"}, "after": {"state": "approved"}, "reason": "the owner called"}')`, g.ID); err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	periods, err := intake.TouchlessByPeriod(ctx, f.pool, []intake.Period{
		{Label: "today", Since: startOfDay(now)}, {Label: "7 days", Since: now.AddDate(0, 0, -7)}, {Label: "30 days", Since: now.AddDate(0, 0, -30)}})
	if err != nil {
		t.Fatal(err)
	}
	rates := func(ts []intake.Touchless) string {
		var s []string
		for _, t := range ts {
			s = append(s, fmt.Sprintf("%s %d/%d", t.Key, t.Touchless, t.Total))
		}
		return strings.Join(s, ", ")
	}
	for i, want := range []struct{ all, channels, customers string }{
		{"2/4", "file 1/2, upload 1/2", "10001 2/3, 10002 0/1"},
		{"3/5", "file 2/3, upload 1/2", "10001 3/4, 10002 0/1"},
		{"3/6", "file 2/3, upload 1/3", "10001 3/4, 10002 0/2"},
	} {
		p := periods[i]
		if all := fmt.Sprintf("%d/%d", p.All.Touchless, p.All.Total); all != want.all || rates(p.ByChannel) != want.channels || rates(p.ByCustomer) != want.customers {
			t.Errorf("%s: %s untouched, by channel %s, by customer %s; want %s, %s, %s",
				p.Label, all, rates(p.ByChannel), rates(p.ByCustomer), want.all, want.channels, want.customers)
		}
	}

	changes, share, err := intake.DeskActions(ctx, f.pool, now.AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range changes {
		got[c.Label] = c.N
	}
	want := map[string]int{
		intake.ChangeItemMapped: 1, intake.ChangeItemLearned: 1, intake.ChangeQuantity: 2, intake.ChangeUnit: 2,
		intake.ChangeLineDeleted: 1, intake.ChangePriceAccepted: 1, intake.ChangeCustomerChosen: 1,
		intake.ChangeConfirmed: 3, intake.ChangeRejected: 1, intake.ChangeHeld: 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("what the desk changed: %v\nwant %v", got, want)
	}
	if share != 0.5 {
		t.Errorf("the desk touched %.2f of the orders, want 0.50 (3 of 6)", share)
	}

	// The page shows each of them.
	code, page := f.call(t, f.client(t, "vera", "vera-password-1"), "GET", "/dashboard", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /dashboard = %d", code)
	}
	for _, want := range []string{
		"2 of 4 orders reached the ERP untouched", "3 of 5 orders", "3 of 6 orders",
		"<title>file, today: 50% of 2</title>", "<title>upload, 7 days: 50% of 2</title>", "<title>upload, 30 days: 33% of 3</title>",
		"<title>10001, today: 67% of 3</title>", "<title>10002, 7 days: 0% of 1</title>", "<title>10002, 30 days: 0% of 2</title>",
		"<title>quantity changed: 2 times</title>", "<title>item mapped: 1 time</title>", "<title>price difference accepted: 1 time</title>",
		"<title>customer chosen: 1 time</title>", "<title>warnings confirmed to approve: 3 times</title>",
		"The desk touched 50% of the orders",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard does not show %q", want)
		}
	}
	for _, raw := range []string{"map_line", "change_line", "accept_price", "choose_customer", "delete_line"} {
		if strings.Contains(page, raw) {
			t.Errorf("the dashboard shows the action name %q, not what was changed", raw)
		}
	}
}
