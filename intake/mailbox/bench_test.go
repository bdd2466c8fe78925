package mailbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsx50k builds an order sheet of about 50 KB.
func xlsx50k(b *testing.B) []byte {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"sku", "description", "quantity", "unit", "price"})
	for r := 2; ; r++ {
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &[]any{fmt.Sprintf("SKU-%05d", r), fmt.Sprintf("Item number %d of the order, description", r), r % 40, "PCE", float64(r%97) + 0.5})
		if r%200 == 0 {
			var buf bytes.Buffer
			f.Write(&buf)
			if buf.Len() >= 50<<10 {
				return buf.Bytes()
			}
		}
	}
}

func mailWithXLSX(n int, x []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(x)
	var lines []string
	for i := 0; i < len(enc); i += 76 {
		lines = append(lines, enc[i:min(i+76, len(enc))])
	}
	return []byte(fmt.Sprintf("From: Anna <anna@shop.example>\r\nTo: %s\r\nSubject: Order %d\r\nMessage-ID: <bench-%d@shop.example>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nOrder attached.\r\n"+
		"--b\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=order.xlsx\r\n"+
		"Content-Disposition: attachment; filename=order.xlsx\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n",
		user, n, n, strings.Join(lines, "\r\n")))
}

// BenchmarkIngest: mails per second taken from a local IMAP server, each
// with a 50 KB XLSX attachment: fetch, inspect, store with the cursor in
// one transaction, move to Processed (the parse job is enqueued, not run).
func BenchmarkIngest(b *testing.B) {
	bd := setup(b, nil)
	x := xlsx50k(b)
	for i := 0; i < b.N; i++ {
		bd.srv.add(b, "INBOX", mailWithXLSX(i, x))
	}
	s := bd.source(bd.cfg)
	ctx := context.Background()
	c, err := s.connect(ctx, make(chan struct{}, 1))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.Create("Processed", nil).Wait()
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		b.Fatal(err)
	}
	m := &mbox{s: s, c: c, validity: sel.UIDValidity}
	b.SetBytes(int64(len(mailWithXLSX(0, x))))
	b.ResetTimer()
	for taken := 0; taken < b.N; {
		n, err := m.fetchNew(ctx)
		if err != nil {
			b.Fatal(err)
		}
		taken += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkInsertFloor: the same bytes stored by a bare INSERT, one
// transaction each: what the database alone costs.
func BenchmarkInsertFloor(b *testing.B) {
	bd := setup(b, nil)
	raw := mailWithXLSX(0, xlsx50k(b))
	ctx := context.Background()
	if _, err := bd.pool.Exec(ctx, `CREATE TABLE floor (id bigserial PRIMARY KEY, raw bytea NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := bd.pool.Exec(ctx, `INSERT INTO floor (raw) VALUES ($1)`, raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}
