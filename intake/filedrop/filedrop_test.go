package filedrop

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db/dbtest"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

type bundle struct {
	pool *pgxpool.Pool
	src  *Source
	dir  string
	now  time.Time
	logs syncBuffer
}

// syncBuffer collects log lines written from the source's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t testing.TB, cfg Config) *bundle {
	t.Helper()
	pool := dbtest.New(t)
	pipe, err := intake.New(intake.Options{Pool: pool, Registry: parsers.NewRegistry(edifact.New())})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.Rescan == 0 {
		cfg.Rescan = time.Second
	}
	for _, sub := range []string{ProcessingDir, ArchiveDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, sub), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	b := &bundle{pool: pool, dir: cfg.Dir, now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	b.src = New(cfg, pipe, pool, slog.New(slog.NewTextHandler(&b.logs, nil)))
	b.src.now = func() time.Time { return b.now }
	return b
}

func (b *bundle) write(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(b.dir, name), []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) scan(t *testing.T) {
	t.Helper()
	if _, err := b.src.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDroppedFileBecomesOneDocumentAndOneParseJob(t *testing.T) {
	b := setup(t, Config{})
	body := strings.Repeat("UNB+UNOC:3+SENDER+RECEIVER'", 30)
	b.write(t, "order1.edi", body)
	b.scan(t)

	if n := b.count(t, `SELECT count(*) FROM documents WHERE state = 'received' AND file_name = 'order1.edi'`); n != 1 {
		t.Fatalf("documents = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'parse_document'`); n != 1 {
		t.Fatalf("parse jobs = %d, want 1", n)
	}
	var raw []byte
	if err := b.pool.QueryRow(context.Background(), `SELECT raw FROM documents`).Scan(&raw); err != nil || string(raw) != body {
		t.Fatalf("raw bytes not kept: %v", err)
	}
	got := files(t, b.dir)
	if len(got) != 1 || !strings.HasPrefix(got[0], "archive/2026-11-25/") || !strings.HasSuffix(got[0], "_order1.edi") {
		t.Fatalf("files after intake = %v, want one in archive/2026-11-25/", got)
	}

	// The same bytes again, under another name: a duplicate, not processed twice.
	b.write(t, "order1-again.edi", body)
	b.scan(t)
	if n := b.count(t, `SELECT count(*) FROM documents d JOIN documents o ON d.duplicate_of = o.id
		WHERE d.state = 'duplicate' AND d.file_name = 'order1-again.edi' AND o.file_name = 'order1.edi'`); n != 1 {
		t.Fatalf("duplicate rows = %d, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'parse_document'`); n != 1 {
		t.Fatalf("parse jobs after duplicate = %d, want still 1", n)
	}
	if n := len(files(t, filepath.Join(b.dir, ArchiveDir))); n != 2 {
		t.Fatalf("archived files = %d, want 2", n)
	}
}

func TestFileStillBeingWrittenIsNotTaken(t *testing.T) {
	b := setup(t, Config{StableFor: 2 * time.Second})
	docs := func() int { return b.count(t, `SELECT count(*) FROM documents`) }

	b.write(t, "big.csv", "sku,qty\n")
	b.scan(t)
	b.now = b.now.Add(1500 * time.Millisecond)
	f, err := os.OpenFile(filepath.Join(b.dir, "big.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("A-1,5\n"); err != nil {
		t.Fatal(err)
	}
	b.scan(t) // size changed: the clock restarts
	b.now = b.now.Add(1500 * time.Millisecond)
	b.scan(t) // only 1.5s stable
	if n := docs(); n != 0 {
		t.Fatalf("file taken while still being written: %d documents", n)
	}
	if _, err := f.WriteString("B-2,7\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b.scan(t)
	b.now = b.now.Add(2 * time.Second)
	b.scan(t)
	if n := docs(); n != 1 {
		t.Fatalf("complete file not taken: %d documents", n)
	}
	var raw string
	if err := b.pool.QueryRow(context.Background(), `SELECT convert_from(raw, 'UTF8') FROM documents`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != "sku,qty\nA-1,5\nB-2,7\n" {
		t.Fatalf("stored %q, want the complete file", raw)
	}
}

func TestTemporaryNamesAreIgnoredUntilRenamed(t *testing.T) {
	b := setup(t, Config{})
	for _, name := range []string{".hidden.edi", "upload.tmp", "order.edi.part", "x.PART", "~lock.xlsx"} {
		b.write(t, name, "content of "+name)
	}
	b.scan(t)
	if n := b.count(t, `SELECT count(*) FROM documents`); n != 0 {
		t.Fatalf("took %d ignored files", n)
	}
	if err := os.Rename(filepath.Join(b.dir, "order.edi.part"), filepath.Join(b.dir, "order.edi")); err != nil {
		t.Fatal(err)
	}
	b.scan(t)
	if n := b.count(t, `SELECT count(*) FROM documents WHERE file_name = 'order.edi'`); n != 1 {
		t.Fatalf("renamed file not taken: %d", n)
	}
}

func TestRecoverAfterCrash(t *testing.T) {
	b := setup(t, Config{})
	ctx := context.Background()
	// Crash after claim, before commit: the file is only in processing/.
	uncommitted := claimName(b.now, "a.edi")
	if err := os.WriteFile(filepath.Join(b.dir, ProcessingDir, uncommitted), []byte("first"), 0o640); err != nil {
		t.Fatal(err)
	}
	// Crash after commit, before archive: in processing/ and in the database.
	committed := claimName(b.now.Add(time.Millisecond), "b.edi")
	if err := os.WriteFile(filepath.Join(b.dir, ProcessingDir, committed), []byte("second"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := b.src.pipe.Receive(ctx, intake.Inbound{Channel: intake.ChannelFile, SourceRef: committed, FileName: "b.edi", Data: []byte("second")}); err != nil {
		t.Fatal(err)
	}

	if err := b.src.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM documents WHERE state = 'received'`); n != 2 {
		t.Fatalf("documents = %d, want 2 (one recovered, one already committed)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM documents WHERE state = 'duplicate'`); n != 0 {
		t.Fatalf("recovery recorded %d duplicates", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'parse_document'`); n != 2 {
		t.Fatalf("parse jobs = %d, want 2", n)
	}
	if left := files(t, filepath.Join(b.dir, ProcessingDir)); len(left) != 0 {
		t.Fatalf("processing/ not emptied: %v", left)
	}
}

func TestTooLargeFileGoesToFailedWithReason(t *testing.T) {
	b := setup(t, Config{MaxBytes: 10})
	b.write(t, "huge.edi", strings.Repeat("x", 11))
	b.scan(t)
	if n := b.count(t, `SELECT count(*) FROM documents`); n != 0 {
		t.Fatalf("oversized file stored: %d", n)
	}
	reason, err := os.ReadFile(filepath.Join(b.dir, FailedDir, claimName(b.now, "huge.edi")+".reason.txt"))
	if err != nil {
		t.Fatalf("no reason file: %v (files: %v)", err, files(t, b.dir))
	}
	if !strings.Contains(string(reason), "larger than 10 bytes") {
		t.Fatalf("reason = %q", reason)
	}
}

func TestRunPicksUpFilesByItself(t *testing.T) {
	b := setup(t, Config{Rescan: 200 * time.Millisecond})
	b.src.now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.src.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	b.write(t, "live.edi", "live")
	deadline := time.Now().Add(15 * time.Second)
	for b.count(t, `SELECT count(*) FROM documents`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the running source never took the file")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSteadyStreamIsTakenWithoutWaitingForARescan: files arriving every
// few milliseconds are taken while they keep coming. Each event used to
// push the scan back by the debounce, so a steady stream was only taken
// at the next rescan (here a minute away).
func TestSteadyStreamIsTakenWithoutWaitingForARescan(t *testing.T) {
	b := setup(t, Config{Rescan: time.Minute})
	b.src.now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.src.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(200 * time.Millisecond) // the first scan at the start
	stored := 0
	for i := 0; i < 300 && stored == 0; i++ { // 3 s of files, one every 10 ms
		b.write(t, fmt.Sprintf("stream-%03d.edi", i), fmt.Sprintf("stream %d", i))
		time.Sleep(10 * time.Millisecond)
		if i%10 == 0 {
			stored = b.count(t, `SELECT count(*) FROM documents`)
		}
	}
	if stored == 0 {
		t.Fatal("no file of the stream was taken while files kept arriving")
	}
}
