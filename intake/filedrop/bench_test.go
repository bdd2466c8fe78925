package filedrop

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// payload is a 1 KB document that differs per i, so none is a duplicate.
func payload(run, i int) []byte {
	head := fmt.Sprintf("UNA:+.? 'UNB+UNOC:3+SENDER:14+RECEIVER:14+261125:1200+%04d%08d'", run, i)
	return []byte(head + strings.Repeat("X", 1024-len(head)))
}

var benchRun int

// BenchmarkFileDropIntake measures documents per second from 1 KB files in
// the drop folder to committed document rows with their parse jobs: claim
// (rename), read, one transaction (document + River job), archive (rename).
func BenchmarkFileDropIntake(b *testing.B) {
	bu := setup(b, Config{})
	bu.src.now = time.Now
	benchRun++
	for i := 0; i < b.N; i++ {
		if err := os.WriteFile(filepath.Join(bu.dir, fmt.Sprintf("f%08d.edi", i)), payload(benchRun, i), 0o640); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(1024)
	b.ResetTimer()
	if _, err := bu.src.Scan(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	if n := bu.count(b, `SELECT count(*) FROM documents`); n != b.N {
		b.Fatalf("documents = %d, want %d", n, b.N)
	}
}

// BenchmarkBareInsert is the floor the intake is compared with: the same
// rows inserted one autocommit INSERT at a time on the same database
// (each with its hash computed, as the intake does).
func BenchmarkBareInsert(b *testing.B) {
	bu := setup(b, Config{})
	benchRun++
	ctx := context.Background()
	rows := make([][]byte, b.N)
	for i := range rows {
		rows[i] = payload(benchRun, i)
	}
	b.SetBytes(1024)
	b.ResetTimer()
	for i, data := range rows {
		sum := sha256.Sum256(data)
		_, err := bu.pool.Exec(ctx, `INSERT INTO documents (channel, source_ref, file_name, size_bytes, sha256, idempotency_key, raw)
			VALUES ('file', $1, $2, $3, $4, $5, $6)`,
			fmt.Sprintf("claim-%d", i), fmt.Sprintf("f%08d.edi", i), len(data), sum[:], fmt.Sprintf("sha256:%x", sum), data)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
