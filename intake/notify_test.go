package intake_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/mailer"
	"github.com/ordergate/ordergate/mailer/mailtest"
	"github.com/ordergate/ordergate/order"
)

// TestCustomersWhoOrderByMailHearBack: an order that came by mail is
// confirmed by mail once it is in the ERP, with our order number, in reply
// to the customer's mail; a rejected one is answered with the reason.
func TestCustomersWhoOrderByMailHearBack(t *testing.T) {
	t.Parallel()
	smtpSrv := mailtest.Start(t, "", "")
	m, err := mailer.New(mailer.Config{Addr: smtpSrv.Addr, TLS: "none", From: "Orders <orders@supplier.example>"})
	if err != nil {
		t.Fatal(err)
	}
	b := ediPipeline(t, func(o *intake.Options) { o.Mailer = m })
	p, pool, ctx := b.p, b.pool, context.Background()
	buyer := order.Sender{Kind: order.SenderEmail, ID: "anna@brasserie.example", Verified: true}

	good, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: "INBOX/1/17", Sender: buyer, MessageID: "m1@brasserie.example",
		Data: []byte(ediOrder("M1", "PO-77", glnBuyer, "9", [3]string{gtinCoffee, "12", "14.50"}))})
	if err != nil {
		t.Fatal(err)
	}
	o := waitOrder(t, pool, good.DocumentID, intake.StateDelivered)
	mails := waitMails(t, smtpSrv, 1)
	subject, inReplyTo, body := readMail(t, mails[0].Data)
	if mails[0].To[0] != "anna@brasserie.example" || subject != "Order PO-77 confirmed, our order "+o.ERPOrderNo || inReplyTo != "<m1@brasserie.example>" {
		t.Fatalf("confirmation: to %v subject %q in-reply-to %q", mails[0].To, subject, inReplyTo)
	}
	if !strings.Contains(body, "COF-1 ") || !strings.Contains(body, "12 PCE") || !strings.Contains(body, "14.5 EUR") {
		t.Fatalf("confirmation body:\n%s", body)
	}

	bad, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: "INBOX/1/18", Sender: buyer, MessageID: "m2@brasserie.example",
		Data: []byte(ediOrder("M2", "PO-78", glnBuyer, "9", [3]string{gtinNone, "1", ""}))})
	if err != nil {
		t.Fatal(err)
	}
	o = waitOrder(t, pool, bad.DocumentID, intake.StateReview)
	if _, err := p.Reject(ctx, deskUser, o.ID, "we do not sell item 5400000000034"); err != nil {
		t.Fatal(err)
	}
	mails = waitMails(t, smtpSrv, 2)
	subject, inReplyTo, body = readMail(t, mails[1].Data)
	if subject != "Order PO-78 could not be accepted" || inReplyTo != "<m2@brasserie.example>" || !strings.Contains(body, "we do not sell item 5400000000034") {
		t.Fatalf("rejection: subject %q in-reply-to %q body:\n%s", subject, inReplyTo, body)
	}

	// A file drop order gets no mail.
	file, err := p.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: "x", Data: []byte(ediOrder("F1", "PO-79", glnBuyer, "9", [3]string{gtinCoffee, "1", ""}))})
	if err != nil {
		t.Fatal(err)
	}
	waitOrder(t, pool, file.DocumentID, intake.StateDelivered)
	time.Sleep(300 * time.Millisecond)
	if n := len(smtpSrv.Mails()); n != 2 {
		t.Fatalf("mails = %d, want 2 (no mail for a file order)", n)
	}
}

func waitMails(t *testing.T, s *mailtest.Server, n int) []mailtest.Mail {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(s.Mails()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d mails arrived, want %d", len(s.Mails()), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s.Mails()
}

func readMail(t *testing.T, data []byte) (subject, inReplyTo, body string) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = r.Header.Subject()
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(p.Body)
	return subject, r.Header.Get("In-Reply-To"), string(b)
}
