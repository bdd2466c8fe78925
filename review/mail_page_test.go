package review

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/intake"
)

// TestMailOrderShowsItsTextAndParts: an order by mail shows the mail's text
// as read (never its raw MIME or HTML) and its parts, a PDF marked as not
// read automatically and downloadable.
func TestMailOrderShowsItsTextAndParts(t *testing.T) {
	t.Parallel()
	f := newDeskFixture(t)
	if err := auth.AddUser(context.Background(), f.pool, "carl", "carl-password-1", auth.RoleClerk); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../parsers/email/testdata/en_pdf_only.eml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.pipe.Receive(context.Background(), intake.Inbound{Channel: intake.ChannelEmail, SourceRef: "INBOX/1/1", Data: raw,
		IdempotencyKey: "mail:test"})
	if err != nil {
		t.Fatal(err)
	}
	o := f.waitOrder(t, func(ctx context.Context) ([]intake.Order, error) {
		return intake.OrdersOfDocument(ctx, f.pool, r.DocumentID)
	})
	c := f.client(t, "carl", "carl-password-1")
	code, page := f.call(t, c, "GET", fmt.Sprintf("/orders/%d", o.ID), nil)
	if code != http.StatusOK {
		t.Fatalf("GET the order = %d", code)
	}
	for _, want := range []string{"our purchase order is attached", "PO_20261103.pdf", "not read automatically", fmt.Sprintf("/documents/%d/parts/2", r.DocumentID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the mail's order page does not show %q", want)
		}
	}
	if strings.Contains(page, "Content-Transfer-Encoding") {
		t.Error("the page shows the raw MIME")
	}
	code, pdf := f.call(t, c, "GET", fmt.Sprintf("/documents/%d/parts/2", r.DocumentID), nil)
	if code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatalf("the PDF part = %d %q", code, pdf[:min(20, len(pdf))])
	}
}
