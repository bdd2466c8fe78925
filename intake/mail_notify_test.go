package intake_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/mailer/mailtest"
	"github.com/ordergate/ordergate/order"
)

// TestMailAnswersThreadedInTheCustomersLanguage: the confirmation of an
// order that came by mail reaches an SMTP server in the language of the
// customer's mail, threaded under it (In-Reply-To, References with the
// whole thread), marked Auto-Submitted; a mail that was itself sent
// automatically gets no answer at all; and an address gets no more
// answers than the hourly limit.
func TestMailAnswersThreadedInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	smtpSrv := mailtest.Start(t, "", "")
	m, err := mailer.New(mailer.Config{Addr: smtpSrv.Addr, TLS: "none", From: "Orders <orders@supplier.example>"})
	if err != nil {
		t.Fatal(err)
	}
	b := ediPipeline(t, func(o *intake.Options) { o.Mailer = m; o.NoticesPerHour = 2 })
	p, pool, ctx := b.p, b.pool, context.Background()
	buyer := order.Sender{Kind: order.SenderEmail, ID: "anna@brasserie.example", Verified: true}
	receive := func(ctrl, po, msgID string, mi *intake.MailInfo) int64 {
		t.Helper()
		mi.MessageID = msgID
		r, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: "imap://x/INBOX/1/" + ctrl, Sender: buyer,
			MessageID: msgID, Mail: mi, Data: []byte(ediOrder(ctrl, po, glnBuyer, "9", [3]string{gtinCoffee, "2", "14.50"}))})
		if err != nil {
			t.Fatal(err)
		}
		return r.DocumentID
	}

	doc := receive("S1", "PO-80", "m80@brasserie.example", &intake.MailInfo{Mailbox: "imap://x/INBOX", UIDValidity: 1, UID: 1,
		Language: "sv", Thread: []string{"t0@brasserie.example", "t1@supplier.example"}})
	o := waitOrder(t, pool, doc, intake.StateDelivered)
	mails := waitMails(t, smtpSrv, 1)
	subject, inReplyTo, body := readMail(t, mails[0].Data)
	mr, err := gomail.CreateReader(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if mails[0].To[0] != "anna@brasserie.example" || subject != "Order PO-80 bekräftad, vår order "+o.ERPOrderNo || inReplyTo != "<m80@brasserie.example>" {
		t.Fatalf("confirmation: to %v, subject %q, in-reply-to %q", mails[0].To, subject, inReplyTo)
	}
	for k, want := range map[string]string{"References": "<t0@brasserie.example> <t1@supplier.example> <m80@brasserie.example>",
		"Auto-Submitted": "auto-replied", "Content-Language": "sv"} {
		if got := mr.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(body, "tack för er beställning PO-80") || !strings.Contains(body, "COF-1") || !strings.Contains(body, "2 PCE") {
		t.Errorf("body:\n%s", body)
	}

	// An order from a mail that was sent automatically is not answered,
	// whatever becomes of it.
	auto := receive("S2", "PO-81", "ooo@brasserie.example", &intake.MailInfo{Mailbox: "imap://x/INBOX", UIDValidity: 1, UID: 2,
		NoAnswer: "it was sent automatically (Auto-Submitted: auto-replied)"})
	waitOrder(t, pool, auto, intake.StateDelivered)

	// The hourly limit: the third answer to one address is held.
	third := receive("S3", "PO-82", "m82@brasserie.example", &intake.MailInfo{Mailbox: "imap://x/INBOX", UIDValidity: 1, UID: 3})
	waitOrder(t, pool, third, intake.StateDelivered)
	fourth := receive("S4", "PO-83", "m83@brasserie.example", &intake.MailInfo{Mailbox: "imap://x/INBOX", UIDValidity: 1, UID: 4})
	o4 := waitOrder(t, pool, fourth, intake.StateDelivered)
	waitMails(t, smtpSrv, 2)
	deadline := time.Now().Add(10 * time.Second)
	var held string
	for held == "" && time.Now().Before(deadline) {
		pool.QueryRow(ctx, `SELECT held FROM notifications WHERE order_id = $1`, o4.ID).Scan(&held)
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(held, "answers in the last hour") {
		t.Fatalf("the answer over the limit was not held: %q", held)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(smtpSrv.Mails()); n != 2 {
		t.Fatalf("%d mails sent, want 2 (none to the automatic mail, none over the limit)", n)
	}
	_, _, lastBody := readMail(t, smtpSrv.Mails()[1].Data)
	if !strings.Contains(lastBody, "thank you for your order PO-82") {
		t.Errorf("the answer in English (language unknown) was not the one sent:\n%s", lastBody)
	}
}
