package mailer

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/ordergate/ordergate/mailer/mailtest"
)

func TestSendOverSTARTTLSWithLogin(t *testing.T) {
	srv := mailtest.Start(t, "ordergate", "s3cret")
	s, err := New(Config{Addr: srv.Addr, Username: "ordergate", Password: "s3cret", From: "Orders <orders@supplier.example>", InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Compose(Message{From: s.From(), To: "Anna Müller <anna@brasserie.example>", Subject: "Order PO-1 confirmed – thank you",
		Text: "Dear customer,\nyour order PO-1 is confirmed.\nCafé crème: 12 PCE\n", MessageID: "ordergate-order-1-confirmation@supplier.example",
		InReplyTo: "abc@brasserie.example", Date: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), []string{"anna@brasserie.example"}, msg); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 || mails[0].From != "orders@supplier.example" || mails[0].To[0] != "anna@brasserie.example" {
		t.Fatalf("received %+v", mails)
	}
	r, err := gomail.CreateReader(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := r.Header.Subject()
	if subject != "Order PO-1 confirmed – thank you" || r.Header.Get("In-Reply-To") != "<abc@brasserie.example>" || r.Header.Get("Auto-Submitted") != "auto-replied" {
		t.Fatalf("header: subject %q, in-reply-to %q", subject, r.Header.Get("In-Reply-To"))
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body := new(bytes.Buffer)
	body.ReadFrom(p.Body)
	if !strings.Contains(body.String(), "Café crème: 12 PCE") {
		t.Fatalf("body %q", body.String())
	}
}

func TestWrongPasswordAndBadConfig(t *testing.T) {
	srv := mailtest.Start(t, "ordergate", "s3cret")
	s, _ := New(Config{Addr: srv.Addr, Username: "ordergate", Password: "wrong", From: "orders@supplier.example", InsecureSkipVerify: true})
	msg, _ := Compose(Message{From: "orders@supplier.example", To: "a@b.example", Subject: "x", Text: "x", Date: time.Now()})
	if err := s.Send(context.Background(), []string{"a@b.example"}, msg); err == nil || !strings.Contains(err.Error(), "log in") {
		t.Fatalf("wrong password: %v", err)
	}
	if len(srv.Mails()) != 0 {
		t.Fatal("a mail went through without login")
	}
	if _, err := New(Config{Addr: "nohost", From: "x", TLS: "ssl"}); err == nil ||
		!strings.Contains(err.Error(), "mail.addr") || !strings.Contains(err.Error(), "mail.from") || !strings.Contains(err.Error(), "mail.tls") {
		t.Fatalf("bad config: %v", err)
	}
	if _, err := New(Config{Addr: "localhost:25", From: "a@b.example", TLS: "none", Username: "u"}); err == nil {
		t.Fatal("a password over plain text was accepted")
	}
}
