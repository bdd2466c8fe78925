package intake_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/email"
)

// mailPipeline is the pipeline of the EDIFACT tests reading mail too, with
// customer 10001 known by the address anna@brasserie.example.
func mailPipeline(t *testing.T) ediBundle {
	t.Helper()
	data := testData()
	data.Customers[0].Emails = []string{"anna@brasserie.example"}
	snap, err := catalog.Build(data)
	if err != nil {
		t.Fatal(err)
	}
	return ediPipeline(t, func(o *intake.Options) {
		o.Registry = parsers.NewRegistry(edifact.New(), email.New(email.Options{Attachments: parsers.NewRegistry(edifact.New())}))
		o.Matcher = &intake.CatalogMatcher{Snapshot: func() *catalog.Snapshot { return snap },
			Now: func() time.Time { return time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) }}
	})
}

// TestVerifiedMailSenderStaysVerified: the mailbox verifies a mail's
// sender (DKIM or our MX's Authentication-Results) before it stores the
// mail; the order in the mail's text, read later by the parse job from the
// stored document, is still from a verified sender and goes through,
// while the same mail unverified waits for the desk with
// UNVERIFIED_SENDER. (The document kept only the sender's kind and id, so
// every order in a mail's text was UNVERIFIED_SENDER.)
func TestVerifiedMailSenderStaysVerified(t *testing.T) {
	t.Parallel()
	b := mailPipeline(t)
	ctx := context.Background()
	receive := func(n int, verified bool) int64 {
		t.Helper()
		raw := fmt.Sprintf("From: Anna <anna@brasserie.example>\r\nTo: orders@supplier.example\r\nSubject: Order %d\r\n"+
			"Message-ID: <order-%d@brasserie.example>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nPO number: PO-%d\r\nplease send\r\n2 x COF-1\r\n\r\nAnna\r\n", n, n, n)
		r, err := b.p.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: fmt.Sprintf("imap://x/INBOX/1/%d", n),
			Sender:    order.Sender{Kind: order.SenderEmail, ID: "anna@brasserie.example", Verified: verified},
			MessageID: fmt.Sprintf("order-%d@brasserie.example", n), FileName: "mail.eml", ContentType: "message/rfc822", Data: []byte(raw)})
		if err != nil {
			t.Fatal(err)
		}
		return r.DocumentID
	}
	verified, unverified := receive(1, true), receive(2, false)

	doc, err := intake.GetDocument(ctx, b.pool, verified)
	if err != nil || !doc.Sender.Verified {
		t.Fatalf("the stored document lost the verification: %+v %v", doc.Sender, err)
	}
	o := waitOrder(t, b.pool, verified, intake.StateDelivered)
	if !o.PO.Sender.Verified || o.PO.CustomerNumber != "10001" {
		t.Fatalf("order of the verified mail: sender %+v, customer %q", o.PO.Sender, o.PO.CustomerNumber)
	}
	u := waitOrder(t, b.pool, unverified, intake.StateReview)
	if got := codes(u.PO.Exceptions); !slices.Contains(got, "UNVERIFIED_SENDER") {
		t.Fatalf("order of the unverified mail: exceptions %v", got)
	}
}

// TestMailOrderWithoutAPONumberGoesThrough: "please send 2 x COF-1" with no
// order number, from a verified customer, reaches the ERP under a number
// made up from its sender, day and lines; the same order sent again that
// day is caught as its duplicate, and the same lines on another day are a
// new order. (Without a number matching refused it with a PARSE_ERROR only
// a rejection cleared: a fifth of the mail fixtures were such orders.)
func TestMailOrderWithoutAPONumberGoesThrough(t *testing.T) {
	t.Parallel()
	b := mailPipeline(t)
	ctx := context.Background()
	receive := func(n int, day string) int64 {
		t.Helper()
		raw := fmt.Sprintf("From: Anna <anna@brasserie.example>\r\nTo: orders@supplier.example\r\nSubject: order\r\n"+
			"Message-ID: <nopo-%d@brasserie.example>\r\nDate: %s 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nplease send\r\n2 x COF-1\r\n\r\nAnna\r\n", n, day)
		r, err := b.p.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: fmt.Sprintf("imap://x/INBOX/1/%d", n),
			Sender:    order.Sender{Kind: order.SenderEmail, ID: "anna@brasserie.example", Verified: true},
			MessageID: fmt.Sprintf("nopo-%d@brasserie.example", n), FileName: "mail.eml", ContentType: "message/rfc822", Data: []byte(raw)})
		if err != nil {
			t.Fatal(err)
		}
		return r.DocumentID
	}
	first := waitOrder(t, b.pool, receive(1, "Tue, 24 Nov 2026"), intake.StateDelivered)
	if first.PO.PONumberFrom != order.PONumberGenerated || len(first.PO.PONumber) != len("NOPO-12345678") {
		t.Fatalf("the order without a number is numbered %q (%s)", first.PO.PONumber, first.PO.PONumberFrom)
	}
	again := waitOrder(t, b.pool, receive(2, "Tue, 24 Nov 2026"), intake.StateReview)
	if got := codes(again.PO.Exceptions); again.PO.PONumber != first.PO.PONumber || !slices.Contains(got, "DUPLICATE_ORDER") {
		t.Fatalf("the same order again that day: %s %v, want %s as DUPLICATE_ORDER", again.PO.PONumber, got, first.PO.PONumber)
	}
	later := waitOrder(t, b.pool, receive(3, "Tue, 01 Dec 2026"), intake.StateDelivered)
	if later.PO.PONumber == first.PO.PONumber {
		t.Fatalf("a week later the same lines are numbered %s again", later.PO.PONumber)
	}
}
