package review

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
	"github.com/ordergate/ordergate/parsers/email"
)

// TestMailDocumentShowsItsParts: a mail's document lists its parts (the
// text that was read, with the lines the order's sources number; the PDF
// "not read automatically"), the mailbox's details, and each part can be
// downloaded, never to be rendered.
func TestMailDocumentShowsItsParts(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	reg := parsers.NewRegistry(edifact.New(), email.New(email.Options{Attachments: parsers.NewRegistry(edifact.New())}))
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: reg, Log: log, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); pipe.Stop(context.Background()) })
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	key, _ := auth.CreateAPIKey(ctx, pool, "desk")
	srv := httptest.NewServer((&Server{Pool: pool, Log: log, Gatherer: prometheus.NewRegistry(), Pipeline: pipe}).Handler())
	t.Cleanup(srv.Close)
	b := &apiBundle{srv: srv, key: key, pipe: pipe, pool: pool}

	raw, err := os.ReadFile("../parsers/email/testdata/en_pdf_only.eml")
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.Replace(string(raw), "Hello, our purchase order is attached.", "Hello, our purchase order is attached.\n\n3 x ABC-123", 1))
	r, err := pipe.Receive(ctx, intake.Inbound{Channel: intake.ChannelEmail, SourceRef: "imap://x/INBOX/1/1", Data: raw, FileName: "mail.eml",
		Sender: order.Sender{Kind: order.SenderEmail, ID: "office@parkviewdental.example"},
		Mail:   &intake.MailInfo{Mailbox: "imap://x/INBOX", UIDValidity: 1, UID: 1, Subject: "Purchase order", Language: "en", Authenticated: "no DKIM signature"}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/documents/" + strconv.FormatInt(r.DocumentID, 10)
	var doc map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, doc = b.do(t, "GET", path, "", nil, key)
		if doc["state"] != intake.DocReceived || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	parts, _ := doc["parts"].([]any)
	if doc["state"] != intake.DocParsed || len(parts) != 2 {
		t.Fatalf("document: %v", doc)
	}
	body, pdf := parts[0].(map[string]any), parts[1].(map[string]any)
	if body["role"] != "body" || !strings.Contains(body["text"].(string), "3 x ABC-123") || body["orders"] != 1.0 {
		t.Errorf("body part: %v", body)
	}
	if pdf["read"] != false || !strings.HasPrefix(pdf["note"].(string), "not read automatically: PDF document") {
		t.Errorf("pdf part: %v", pdf)
	}
	if m, _ := doc["mail"].(map[string]any); m["subject"] != "Purchase order" || m["authenticated"] != "no DKIM signature" {
		t.Errorf("mail: %v", doc["mail"])
	}

	req, _ := http.NewRequest("GET", srv.URL+path+"/parts/2", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(data), "%PDF-") || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename=PO_20261103.pdf`) {
		t.Fatalf("download: %d %v %q", resp.StatusCode, resp.Header, data[:min(len(data), 20)])
	}
	if code, out := b.do(t, "GET", path+"/parts/9", "", nil, key); code != 404 || !strings.Contains(out["error"].(string), "has 2 parts") {
		t.Errorf("part 9: %d %v", code, out)
	}
}
