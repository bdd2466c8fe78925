package intake

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

// benchInterchange is one EANCOM interchange of n ORDERS messages of ten
// lines each (about 600 bytes a message).
func benchInterchange(n int) []byte {
	var b strings.Builder
	b.WriteString("UNA:+.? 'UNB+UNOC:3+5412345000013:14+5498765000017:14+261125:0930+BENCH+++++1'")
	for m := 1; m <= n; m++ {
		segs := []string{fmt.Sprintf("UNH+%d+ORDERS:D:96A:UN:EAN008", m), fmt.Sprintf("BGM+220+PO-%d+9", m),
			"DTM+137:20261125:102", "NAD+BY+5412345000013::9", "CUX+2:EUR:9"}
		for l := 1; l <= 10; l++ {
			segs = append(segs, fmt.Sprintf("LIN+%d++54000000000%02d:EN", l, l), "QTY+21:12:PCE", "PRI+AAA:14.50")
		}
		segs = append(segs, "UNS+S", "CNT+2:10")
		segs = append(segs, fmt.Sprintf("UNT+%d+%d", len(segs)+1, m))
		b.WriteString(strings.Join(segs, "'") + "'")
	}
	fmt.Fprintf(&b, "UNZ+%d+BENCH'", n)
	return []byte(b.String())
}

// BenchmarkAcknowledgeInterchange writes the ORDRSP of every order of one
// interchange of n orders, as the acknowledgement jobs do one by one (one
// op = n acknowledgements). See BENCHMARKS.md.
func BenchmarkAcknowledgeInterchange(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			ctx := context.Background()
			pool := dbtest.New(b)
			log := slog.New(slog.DiscardHandler)
			// Parse the interchange with the real pipeline (no matcher:
			// the orders wait in review).
			reader, err := New(Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New()), Log: log, Workers: 2})
			if err != nil {
				b.Fatal(err)
			}
			if err := reader.Start(ctx); err != nil {
				b.Fatal(err)
			}
			r, err := reader.Receive(ctx, Inbound{Channel: ChannelFile, SourceRef: "bench", Data: benchInterchange(n)})
			if err != nil {
				b.Fatal(err)
			}
			var ids []int64
			for deadline := time.Now().Add(2 * time.Minute); ; {
				os, err := OrdersOfDocument(ctx, pool, r.DocumentID)
				if err != nil {
					b.Fatal(err)
				}
				if len(os) == n {
					for _, o := range os {
						ids = append(ids, o.ID)
					}
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("%d of %d orders parsed", len(os), n)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if err := reader.Stop(ctx); err != nil {
				b.Fatal(err)
			}
			acker, err := New(Options{Pool: pool, Log: log, Acks: &AckOptions{Dir: b.TempDir(), Us: edifact.PartyID{ID: "5498765000017", Qualifier: "14"}}})
			if err != nil {
				b.Fatal(err)
			}
			w := &ackWorker{p: acker}
			b.ResetTimer()
			for range b.N {
				for _, id := range ids {
					job := &river.Job[AckArgs]{JobRow: &rivertype.JobRow{}, Args: AckArgs{DocumentID: r.DocumentID, OrderID: id, What: AckORDRSP, Status: "accepted"}}
					if err := w.Work(ctx, job); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if _, err := pool.Exec(ctx, `DELETE FROM acknowledgements`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/ack")
		})
	}
}
