package mailbox

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/mailer/mailtest"
	"github.com/ordergate/ordergate/parsers/email"
	"github.com/ordergate/ordergate/parsers/formats"
)

// Mails as they arrive in the order mailbox, each with an order in it
// (so an answer would go out if it were not held back): one a customer
// wrote, and four sent automatically.
var (
	customerMail = "From: Anna Berg <anna@brasserie.example>\r\nTo: orders@supplier.example\r\n" +
		"Subject: Beställning\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\nMessage-ID: <a1@brasserie.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Hej,\r\n\r\nvi beställer:\r\n\r\nPO: 4711\r\n2 x COF-1\r\n\r\nMvh Anna\r\n"

	// An out-of-office answer that repeats the mail it answers, unquoted.
	autoReply = "From: Bo Ek <bo@brasserie.example>\r\nTo: orders@supplier.example\r\n" +
		"Subject: Re: Order confirmation 4712\r\nDate: Tue, 24 Nov 2026 09:01:00 +0100\r\nMessage-ID: <ooo1@brasserie.example>\r\n" +
		"Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"I am away until 30 November. Your message:\r\n\r\nPO: 4712\r\n3 x COF-1\r\n"

	// A bounce (RFC 3464) with the returned mail in full: the order in it
	// is read as a forwarded one.
	bounce = "From: Mail Delivery System <MAILER-DAEMON@mx.brasserie.example>\r\nTo: orders@supplier.example\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 24 Nov 2026 09:02:00 +0100\r\n" +
		"Message-ID: <20261124080200.A1B2C3@mx.brasserie.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"A1B2C3.1764000120/mx.brasserie.example\"\r\n\r\n" +
		"--A1B2C3.1764000120/mx.brasserie.example\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
		"This is the mail system at host mx.brasserie.example.\r\n\r\nYour message could not be delivered to one or more recipients.\r\n\r\n" +
		"<kitchen@brasserie.example>: mailbox full\r\n\r\n" +
		"--A1B2C3.1764000120/mx.brasserie.example\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.brasserie.example\r\n\r\nFinal-Recipient: rfc822; kitchen@brasserie.example\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n" +
		"--A1B2C3.1764000120/mx.brasserie.example\r\nContent-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n" +
		"From: Anna Berg <anna@brasserie.example>\r\nTo: kitchen@brasserie.example, orders@supplier.example\r\nSubject: Beställning 4713\r\n" +
		"Date: Tue, 24 Nov 2026 09:00:30 +0100\r\nMessage-ID: <a2@brasserie.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"PO: 4713\r\n4 x COF-1\r\n\r\n--A1B2C3.1764000120/mx.brasserie.example--\r\n"

	// The customer's ERP mails its orders from a no-reply address.
	noReply = "From: Brasserie ERP <noreply@brasserie.example>\r\nTo: orders@supplier.example\r\n" +
		"Subject: Purchase order 4714\r\nDate: Tue, 24 Nov 2026 09:03:00 +0100\r\nMessage-ID: <erp-4714@brasserie.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPurchase order 4714\r\n\r\n5 x COF-1\r\n"

	// An order that reached us through the customer's purchasing list.
	listMail = "From: Carl Dahl <carl@brasserie.example>\r\nTo: purchasing@lists.brasserie.example\r\n" +
		"Subject: [purchasing] Order 4715\r\nDate: Tue, 24 Nov 2026 09:04:00 +0100\r\nMessage-ID: <c1@brasserie.example>\r\n" +
		"List-Id: Purchasing <purchasing.lists.brasserie.example>\r\n" +
		"List-Unsubscribe: <mailto:purchasing-unsubscribe@lists.brasserie.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi,\r\n\r\nPO: 4715\r\n6 x COF-1\r\n\r\nCarl\r\n"
)

// TestAutomaticMailGetsNoAnswer: mails read from the mailbox by the real
// MIME parser into orders, each rejected by the desk: the customer's mail
// gets its answer at the SMTP server; an auto-reply, a bounce, a no-reply
// sender and a list mail get none, whatever is decided on their orders.
func TestAutomaticMailGetsNoAnswer(t *testing.T) {
	t.Parallel()
	smtpSrv := mailtest.Start(t, "", "")
	m, err := mailer.New(mailer.Config{Addr: smtpSrv.Addr, TLS: "none", From: "Orders <orders@supplier.example>"})
	if err != nil {
		t.Fatal(err)
	}
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: formats.Registry(formats.Options{}), Mailer: m, Workers: 2, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); pipe.Stop(context.Background()) })

	srv := startServer(t, nil)
	mails := map[string]string{"customer": customerMail, "auto-reply": autoReply, "bounce": bounce, "no-reply": noReply, "list": listMail}
	po := map[string]string{"customer": "4711", "auto-reply": "4712", "bounce": "4713", "no-reply": "4714", "list": "4715"}
	for _, k := range []string{"customer", "auto-reply", "bounce", "no-reply", "list"} {
		srv.add(t, "INBOX", []byte(mails[k]))
	}
	cfg := Config{Host: "127.0.0.1", TLS: "none", Username: user, Password: pass, Poll: 200 * time.Millisecond,
		Verify: email.AuthOptions{SkipDKIM: true}}
	_, port, _ := strings.Cut(srv.addr, ":")
	fmt.Sscan(port, &cfg.Port)
	b := &bundle{pool: pool, pipe: pipe, srv: srv}
	b.run(t, New(cfg, pipe, pool, log))

	// Every mail becomes an order waiting in review (no matcher is set up).
	byPO := map[string]int64{}
	eventually(t, "5 orders in review", func() bool {
		rows, err := pool.Query(ctx, `SELECT id, po_number FROM orders WHERE state = 'review'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				t.Fatal(err)
			}
			byPO[n] = id
		}
		return len(byPO) == 5
	})
	for _, k := range []string{"auto-reply", "bounce", "no-reply", "list", "customer"} {
		id, ok := byPO[po[k]]
		if !ok {
			t.Fatalf("no order with PO %s from the %s mail: %v", po[k], k, byPO)
		}
		if _, err := pipe.Reject(ctx, intake.Actor{Name: "clerk"}, id, "COF-1 is sold out until January"); err != nil {
			t.Fatal(err)
		}
	}
	// Wait until each answer job has run: the absence of a mail then
	// means it was held back, not that it is still on its way.
	eventually(t, "the 5 answer jobs ran", func() bool {
		var n int
		pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'notify_customer' AND state = 'completed'`).Scan(&n)
		return n == 5
	})
	got := smtpSrv.Mails()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "anna@brasserie.example" || !strings.Contains(string(got[0].Data), "4711") {
		var to []string
		for _, g := range got {
			to = append(to, strings.Join(g.To, ","))
		}
		t.Fatalf("answers sent to %q; want one, to anna@brasserie.example about 4711", to)
	}
	for k, want := range map[string]string{"auto-reply": "Auto-Submitted: auto-replied", "bounce": "report", "no-reply": "no replies", "list": "mailing list"} {
		var why string
		if err := pool.QueryRow(ctx, `SELECT m.no_answer FROM mail_messages m JOIN orders o ON o.document_id = m.document_id
			WHERE o.id = $1`, byPO[po[k]]).Scan(&why); err != nil || !strings.Contains(why, want) {
			t.Errorf("%s mail: recorded as not to be answered because %q (%v), want %q", k, why, err, want)
		}
	}
}
