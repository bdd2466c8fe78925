package review

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/erp/erptest"
	"github.com/ordergate/ordergate/intake"
)

// TestDeskActionsThroughTheAPI runs every desk action through the JSON API
// on the real pipeline: each answers with the order matched again, writes
// the order's history and the audit log, and only Approve sends an order on.
func TestDeskActionsThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	ctx := context.Background()

	t.Run("approve confirms warnings, with a reason", func(t *testing.T) {
		o := f.send(t, ediOrder("A1", "PO-A1", glnCafe, ediLine{"", gtinCoffee, "2", "PCE", "14.50", ""}))
		if codesOf(o) != "MANUAL_APPROVAL" {
			t.Fatalf("order %s %s, want MANUAL_APPROVAL", o.State, codesOf(o))
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{}`)
		if code != http.StatusConflict || exceptionsOf(body, "confirm") != "MANUAL_APPROVAL" {
			t.Fatalf("approve without a confirmation = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true}`); code != http.StatusConflict {
			t.Fatalf("approve confirmed without a reason = %d %v", code, body)
		}
		code, body = f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true, "reason": "the owner called"}`)
		if code != http.StatusOK || body["status"] != intake.StateApproved {
			t.Fatalf("approve = %d %v", code, body)
		}
		o = f.state(t, o.ID, intake.StateDelivered)
		if o.PO.DeskApproval == nil || o.PO.DeskApproval.By != "api:desk" || o.PO.DeskApproval.Reason != "the owner called" {
			t.Fatalf("desk approval recorded as %+v", o.PO.DeskApproval)
		}
		if n := auditCount(t, f.pool, "order.approve", o.ID); n != 3 {
			t.Fatalf("%d audit entries for the approvals, want 3 (two refused, one done)", n)
		}
	})

	t.Run("approve refuses what blocks; map the line and it goes", func(t *testing.T) {
		o := f.send(t, ediOrder("B1", "PO-B1", glnBrasserie, ediLine{"BR-77", "", "3", "PCE", "", ""}))
		if codesOf(o) != "UNKNOWN_ITEM@1" {
			t.Fatalf("order %s %s, want UNKNOWN_ITEM", o.State, codesOf(o))
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true, "reason": "go"}`)
		if code != http.StatusConflict || exceptionsOf(body, "blocking") != "UNKNOWN_ITEM@1" {
			t.Fatalf("approve with an unknown item = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/lines/1/map", o.ID), `{"sku": "NOPE"}`); code != http.StatusBadRequest {
			t.Fatalf("map to an unknown SKU = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/lines/9/map", o.ID), `{"sku": "COF-1"}`); code != http.StatusNotFound {
			t.Fatalf("map a missing line = %d %v", code, body)
		}
		code, body = f.post(t, fmt.Sprintf("/orders/%d/lines/1/map", o.ID), `{"sku": "cof-1", "remember": true}`)
		if code != http.StatusOK || body["status"] != intake.StateReview {
			t.Fatalf("map = %d %v", code, body)
		}
		o, _ = intake.GetOrder(ctx, f.pool, o.ID)
		if codesOf(o) != "" || o.PO.Lines[0].SKU != "COF-1" || o.PO.Lines[0].ResolvedBy != "chosen by api:desk" {
			t.Fatalf("after mapping: %s, line %+v", codesOf(o), o.PO.Lines[0])
		}
		var learned string
		if err := f.pool.QueryRow(ctx, `SELECT sku FROM crossrefs WHERE customer = '10001' AND customer_item = 'BR-77' AND source = 'learned'`).Scan(&learned); err != nil || learned != "COF-1" {
			t.Fatalf("learned cross-reference %q, %v", learned, err)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{}`); code != http.StatusOK {
			t.Fatalf("approve after the fix = %d %v", code, body)
		}
		f.state(t, o.ID, intake.StateDelivered)
	})

	t.Run("change a line, delete a line, accept a price", func(t *testing.T) {
		o := f.send(t, ediOrder("C1", "PO-C1", glnBrasserie,
			ediLine{"", gtinCoffee, "7", "PCE", "14.50", ""}, // not whole cartons? the item has no order multiple: fine
			ediLine{"", gtinCups, "500", "PCE", "32.00", ""}, // more than the 100 in stock
			ediLine{"", gtinCoffee, "1", "CT", "80.00", ""})) // 6 x 14.50 = 87.00 agreed
		if codesOf(o) != "INSUFFICIENT_STOCK@2,PRICE_MISMATCH@3" {
			t.Fatalf("order %s %s", o.State, codesOf(o))
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/lines/2/change", o.ID), `{"quantity": 50}`)
		if code != http.StatusOK {
			t.Fatalf("change = %d %v", code, body)
		}
		o, _ = intake.GetOrder(ctx, f.pool, o.ID)
		if codesOf(o) != "PRICE_MISMATCH@3" || o.PO.Lines[1].Quantity.String() != "500" || o.PO.Lines[1].SalesQuantity.String() != "50" {
			t.Fatalf("after the change: %s; line 2 sent %s, ordered %s", codesOf(o), o.PO.Lines[1].Quantity, o.PO.Lines[1].SalesQuantity)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/lines/3/accept-price", o.ID), ``); code != http.StatusOK {
			t.Fatalf("accept the price = %d %v", code, body)
		}
		code, body = f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{}`)
		if code != http.StatusConflict || exceptionsOf(body, "confirm") != "PRICE_MISMATCH@3" {
			t.Fatalf("approve with an accepted price = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/lines/1/delete", o.ID), ``); code != http.StatusOK {
			t.Fatalf("delete = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true, "reason": "their old price list"}`); code != http.StatusOK {
			t.Fatalf("approve = %d %v", code, body)
		}
		f.state(t, o.ID, intake.StateDelivered)
		var got []string
		for _, d := range f.erp.Deliveries() {
			if d.Payload.Order.PONumber == "PO-C1" {
				for _, l := range d.Payload.Order.Lines {
					q, u := l.Ordered()
					got = append(got, fmt.Sprintf("%d:%s:%s %s", l.LineNo, l.SKU, q, u))
				}
			}
		}
		if strings.Join(got, " ") != "2:CUP-8:50 PCE 3:COF-1:1 CT" {
			t.Fatalf("the ERP got lines %v, want line 2 at 50 and line 3, without the deleted line 1", got)
		}
	})

	t.Run("choose the customer, hold and release, reject", func(t *testing.T) {
		o := f.send(t, ediOrder("D1", "PO-D1", "4000000000006", ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
		if codesOf(o) != "UNKNOWN_CUSTOMER" {
			t.Fatalf("order %s %s", o.State, codesOf(o))
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/customer", o.ID), `{"customer": "10001"}`)
		if code != http.StatusOK {
			t.Fatalf("choose the customer = %d %v", code, body)
		}
		o, _ = intake.GetOrder(ctx, f.pool, o.ID)
		if o.PO.ChosenCustomer != "10001" || o.PO.CustomerNumber != "10001" || codesOf(o) != "" {
			t.Fatalf("after choosing: chosen %q, customer %q, %s", o.PO.ChosenCustomer, o.PO.CustomerNumber, codesOf(o))
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/hold", o.ID), `{}`); code != http.StatusBadRequest {
			t.Fatalf("hold without a reason = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/hold", o.ID), `{"reason": "asking the customer about the date"}`); code != http.StatusOK {
			t.Fatalf("hold = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{}`); code != http.StatusConflict || !strings.Contains(body["error"].(string), "held") {
			t.Fatalf("approve a held order = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/release", o.ID), ``); code != http.StatusOK {
			t.Fatalf("release = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/reject", o.ID), `{"reason": "sent by mistake"}`); code != http.StatusOK || body["status"] != intake.StateRejected {
			t.Fatalf("reject = %d %v", code, body)
		}
		code, body = f.do(t, "GET", fmt.Sprintf("/api/v1/orders/%d/history", o.ID), "", nil, f.key)
		if code != http.StatusOK {
			t.Fatalf("history = %d %v", code, body)
		}
		var kinds []string
		for _, e := range body["history"].([]any) {
			kinds = append(kinds, e.(map[string]any)["kind"].(string))
		}
		want := "received state choose_customer hold release state reject"
		if strings.Join(kinds, " ") != want {
			t.Fatalf("history %v, want %s", kinds, want)
		}
		var choose struct {
			Actor  string
			Detail struct {
				Before, After struct {
					State, Customer string
					Exceptions      []string
				}
			}
		}
		for _, e := range body["history"].([]any) {
			if m := e.(map[string]any); m["kind"] == "choose_customer" {
				b, _ := json.Marshal(m)
				if err := json.Unmarshal(b, &choose); err != nil {
					t.Fatal(err)
				}
			}
		}
		if choose.Actor != "api:desk" || strings.Join(choose.Detail.Before.Exceptions, ",") != "UNKNOWN_CUSTOMER" ||
			choose.Detail.Before.Customer != "" || choose.Detail.After.Customer != "10001" || len(choose.Detail.After.Exceptions) != 0 {
			t.Fatalf("the history of choosing the customer says %+v", choose)
		}
	})

	t.Run("two clerks never work one order unknowingly", func(t *testing.T) {
		if _, err := f.pool.Exec(ctx, `INSERT INTO users (name, password_hash, role) VALUES ('anna', 'x', 'clerk'), ('ben', 'x', 'clerk')`); err != nil {
			t.Fatal(err)
		}
		o := f.send(t, ediOrder("E1", "PO-E1", glnCafe, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
		anna := intake.Actor{Name: "anna"}
		ben := intake.Actor{Name: "ben"}
		if _, err := f.pipe.Assign(ctx, anna, o.ID, "anna", false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pipe.Approve(ctx, ben, o.ID, intake.Approval{Confirm: true, Reason: "x"}); err == nil || !strings.Contains(err.Error(), "anna is working on order") {
			t.Fatalf("ben approves anna's order: %v", err)
		}
		if _, err := f.pipe.Assign(ctx, ben, o.ID, "ben", false); err == nil {
			t.Fatal("ben took anna's order without taking it over")
		}
		if _, err := f.pipe.Assign(ctx, ben, o.ID, "ben", true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pipe.Assign(ctx, ben, o.ID, "nobody-here", false); err == nil {
			t.Fatal("assigned to a user who does not exist")
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/assign", o.ID), `{"to": ""}`); code != http.StatusConflict {
			t.Fatalf("the API client unassigns ben's order without taking it over = %d %v", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/assign", o.ID), `{"to": "", "take_over": true}`); code != http.StatusOK {
			t.Fatalf("take over = %d %v", code, body)
		}
	})

	t.Run("retry a delivery the ERP refused, once it takes it again", func(t *testing.T) {
		deliveriesOf := func(po string) int {
			n := 0
			for _, d := range f.erp.Deliveries() {
				if d.Payload.Order.PONumber == po {
					n++
				}
			}
			return n
		}
		// The ERP refuses the next order (a 400: not retried by itself),
		// then takes orders again.
		f.erp.FailNext(erptest.Reject)
		o := f.send(t, ediOrder("G1", "PO-G1", glnBrasserie, ediLine{"", gtinCoffee, "2", "PCE", "14.50", ""}))
		o = f.state(t, o.ID, intake.StateReview)
		if o.DeliveryError == "" || !strings.Contains(o.ReviewReason, erptest.RejectMessage) || deliveriesOf("PO-G1") != 0 {
			t.Fatalf("after the ERP refused: delivery error %q, reason %q, %d deliveries", o.DeliveryError, o.ReviewReason, deliveriesOf("PO-G1"))
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/retry-delivery", o.ID), ``)
		if code != http.StatusAccepted || body["status"] != intake.StateApproved {
			t.Fatalf("retry-delivery = %d %v, want 202 approved", code, body)
		}
		o = f.state(t, o.ID, intake.StateDelivered)
		if o.ERPOrderNo != "WH-PO-G1" || o.DeliveryError != "" {
			t.Fatalf("delivered as %q, delivery error %q", o.ERPOrderNo, o.DeliveryError)
		}
		if n := deliveriesOf("PO-G1"); n != 1 {
			t.Fatalf("the ERP got PO-G1 %d times, want once", n)
		}
		if n := auditCount(t, f.pool, "order.retry_delivery", o.ID); n != 1 {
			t.Fatalf("%d audit entries for the retry, want 1", n)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/retry-delivery", o.ID), ``); code != http.StatusConflict {
			t.Fatalf("retry-delivery of a delivered order = %d %v, want 409", code, body)
		}
		if n := deliveriesOf("PO-G1"); n != 1 {
			t.Fatalf("the ERP got PO-G1 %d times after a second retry, want once", n)
		}
	})

	t.Run("every desk action needs an order in review", func(t *testing.T) {
		o := f.send(t, ediOrder("F1", "PO-F1", glnBrasserie, ediLine{"", gtinCoffee, "1", "PCE", "", ""}))
		f.state(t, o.ID, intake.StateDelivered)
		for _, path := range []string{"approve", "customer", "lines/1/map", "lines/1/change", "lines/1/delete", "lines/1/accept-price", "hold", "release", "reject", "rematch"} {
			body := `{"customer": "10001", "sku": "COF-1", "quantity": 1, "reason": "x"}`
			if code, resp := f.post(t, fmt.Sprintf("/orders/%d/%s", o.ID, path), body); code != http.StatusConflict {
				t.Errorf("%s on a delivered order = %d %v", path, code, resp)
			}
		}
	})
}

// splitOrder is an EANCOM order of Brasserie (on auto-approve) whose one
// line goes in two parts to two places on two dates (LOC + QTY 11 + DTM 2).
func splitOrder(ctrl, po string) string {
	segs := []string{"UNH+1+ORDERS:D:96A:UN:EAN008", "BGM+220+" + po + "+9", "DTM+137:20261125:102",
		"NAD+BY+" + glnBrasserie + "::9",
		"LIN+1++" + gtinCoffee + ":EN", "QTY+21:12:PCE",
		"LOC+7+4001234000015::9", "QTY+11:5:PCE", "DTM+2:20261203:102",
		"LOC+7+4001234000022::9", "QTY+11:7:PCE", "DTM+2:20261204:102",
		"UNS+S"}
	segs = append(segs, fmt.Sprintf("UNT+%d+1", len(segs)+1))
	return "UNA:+.? 'UNB+UNOC:3+" + glnBrasserie + ":14+5498765000017:14+261125:0930+" + ctrl + "'" + strings.Join(segs, "'") + "'UNZ+1+" + ctrl + "'"
}

// TestSplitDeliveryIsConfirmedWithAReason: with an ERP connector that
// sends one delivery per line (Business Central, Visma), a line split over
// deliveries waits as SPLIT_DELIVERY, and the desk approves it by
// confirming, with a reason, that the parts are entered in the ERP by hand;
// the approval, its history and the audit log keep the reason. It was a
// dead end: the desk was told to enter the parts by hand, and approving
// was refused as blocked. Through the API and through the order page.
func TestSplitDeliveryIsConfirmedWithAReason(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	ctx := context.Background()
	const why = "parts entered in the ERP by hand"
	checkApproved := func(t *testing.T, o intake.Order, by string) {
		t.Helper()
		o = f.state(t, o.ID, intake.StateDelivered)
		if a := o.PO.DeskApproval; a == nil || a.By != by || a.Reason != why || strings.Join(a.Confirmed, ",") != "SPLIT_DELIVERY" {
			t.Fatalf("desk approval recorded as %+v", a)
		}
		var reason, confirmed string
		if err := f.pool.QueryRow(ctx, `SELECT detail->>'reason', detail->'more'->>'confirmed' FROM audit_log
			WHERE action = 'order.approve' AND target = $1 AND detail->>'reason' <> ''`, fmt.Sprintf("order=%d", o.ID)).Scan(&reason, &confirmed); err != nil {
			t.Fatalf("the audit log has no approval with a reason: %v", err)
		}
		if reason != why || confirmed != `["SPLIT_DELIVERY"]` {
			t.Fatalf("the audit entry says reason %q, confirmed %s", reason, confirmed)
		}
	}

	t.Run("API", func(t *testing.T) {
		o := f.send(t, splitOrder("SP1", "PO-SPLIT-1"))
		if codesOf(o) != "SPLIT_DELIVERY@1" {
			t.Fatalf("order %s %s, want SPLIT_DELIVERY", o.State, codesOf(o))
		}
		if m := o.PO.Exceptions[0].Message; !strings.Contains(m, "confirm why") || !strings.Contains(m, "enter the parts in the ERP by hand") {
			t.Errorf("SPLIT_DELIVERY says %q", m)
		}
		code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{}`)
		if code != http.StatusConflict || exceptionsOf(body, "confirm") != "SPLIT_DELIVERY@1" || exceptionsOf(body, "blocking") != "" {
			t.Fatalf("approve without a confirmation = %d %v, want 409 asking to confirm SPLIT_DELIVERY", code, body)
		}
		if code, body := f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true}`); code != http.StatusConflict {
			t.Fatalf("approve confirmed without a reason = %d %v", code, body)
		}
		code, body = f.post(t, fmt.Sprintf("/orders/%d/approve", o.ID), `{"confirm": true, "reason": "`+why+`"}`)
		if code != http.StatusOK || body["status"] != intake.StateApproved {
			t.Fatalf("approve confirmed = %d %v", code, body)
		}
		checkApproved(t, o, "api:desk")
	})

	t.Run("order page", func(t *testing.T) {
		if err := auth.AddUser(ctx, f.pool, "carl", "carl-password-1", auth.RoleClerk); err != nil {
			t.Fatal(err)
		}
		c := f.client(t, "carl", "carl-password-1")
		o := f.send(t, splitOrder("SP2", "PO-SPLIT-2"))
		approve := fmt.Sprintf("/orders/%d/approve", o.ID)
		code, page := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil)
		if code != http.StatusOK || !strings.Contains(page, `class="line warning"`) || strings.Contains(page, `class="line blocked"`) {
			t.Fatalf("the order page (%d) does not show the split line as a warning", code)
		}
		code, page = f.call(t, c, "POST", approve, url.Values{})
		if code != http.StatusConflict || !strings.Contains(page, "Confirm to approve") || !strings.Contains(page, "SPLIT_DELIVERY") ||
			!strings.Contains(page, "enter the parts in the ERP by hand") || strings.Contains(page, "Fix first") {
			t.Fatalf("approve without confirming = %d; want 409 with the confirmation asked for", code)
		}
		code, _ = f.call(t, c, "POST", approve, url.Values{"confirm": {"yes"}, "reason": {why}})
		if code != http.StatusSeeOther {
			t.Fatalf("approve confirmed = %d, want 303 back to the queue", code)
		}
		checkApproved(t, o, "carl")
		_, page = f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil)
		if !strings.Contains(page, "approved confirming SPLIT_DELIVERY: "+why) {
			t.Error("the order's history does not say what the approval confirmed and why")
		}
	})
}
