package filedrop

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/db"
)

const goodEDI = "UNA:+.? 'UNB+UNOC:3+A+B+261125:1200+1'"

// TestUnreadableFilesGoToFailedWithReason: files no parser can read were
// archived beside the good ones with one INFO line. Now each goes to
// failed/ with a reason file and a WARN line; an empty file is refused (not
// stored, as the API refuses an empty upload), the others are stored as
// documents so that nothing is lost.
func TestUnreadableFilesGoToFailedWithReason(t *testing.T) {
	b := setup(t, Config{})
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range goodEDI {
		utf16 = append(utf16, byte(c), 0)
	}
	for name, body := range map[string]string{
		"empty.edi":  "",
		"binary.edi": "\x00\x01\x02\x03\xfe\xff\x00\x10binary",
		"utf16.edi":  string(utf16),
		"note.txt":   "please send 12 boxes of cups",
		"good.edi":   goodEDI,
	} {
		b.write(t, name, body)
	}
	b.scan(t)

	reason := func(name string) string {
		t.Helper()
		r, err := os.ReadFile(filepath.Join(b.dir, FailedDir, claimName(b.now, name)+".reason.txt"))
		if err != nil {
			t.Fatalf("%s: no reason file: %v (files: %v)", name, err, files(t, b.dir))
		}
		if _, err := os.Stat(filepath.Join(b.dir, FailedDir, claimName(b.now, name))); err != nil {
			t.Fatalf("%s: not in failed/: %v", name, err)
		}
		return string(r)
	}
	for name, want := range map[string]string{
		"empty.edi":  "the file is empty",
		"binary.edi": "unrecognised content",
		"utf16.edi":  "UTF-16 text (save it as UTF-8",
		"note.txt":   "text that is not a known order format",
	} {
		if r := reason(name); !strings.Contains(r, want) {
			t.Errorf("%s: reason %q does not say %q", name, r, want)
		}
		if !warned(b.logs.String(), name) {
			t.Errorf("%s: no WARN line in\n%s", name, b.logs.String())
		}
	}
	if r := reason("binary.edi"); !strings.Contains(r, "stored as document") {
		t.Errorf("the reason does not say where the bytes are kept: %q", r)
	}
	if got := files(t, filepath.Join(b.dir, ArchiveDir)); len(got) != 1 || !strings.HasSuffix(got[0], "_good.edi") {
		t.Errorf("archive/ = %v, want only the good file", got)
	}
	if n := b.count(t, `SELECT count(*) FROM documents WHERE file_name = 'empty.edi'`); n != 0 {
		t.Errorf("the empty file was stored")
	}
	if n := b.count(t, `SELECT count(*) FROM documents`); n != 4 {
		t.Errorf("documents = %d, want 4 (all but the empty file)", n)
	}
}

// warned reports a WARN line saying that the file went to failed/.
func warned(logs, name string) bool {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, `msg="file moved to failed/"`) && strings.Contains(line, " file="+name+" ") {
			return true
		}
	}
	return false
}

// hideDocuments makes every store fail, as while the database refuses
// writes, until the returned function puts the table back.
func hideDocuments(t *testing.T, b *bundle) func() {
	t.Helper()
	ctx := context.Background()
	if _, err := b.pool.Exec(ctx, `ALTER TABLE documents RENAME TO documents_away`); err != nil {
		t.Fatal(err)
	}
	back := false
	restore := func() {
		if !back {
			back = true
			if _, err := b.pool.Exec(ctx, `ALTER TABLE documents_away RENAME TO documents`); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(restore)
	return restore
}

// TestClaimWhoseStoringFailedIsRetriedByTheScan: a file claimed while the
// database could not store it stayed in processing/ until the next restart.
// Now the next scan stores and archives it.
func TestClaimWhoseStoringFailedIsRetriedByTheScan(t *testing.T) {
	b := setup(t, Config{})
	restore := hideDocuments(t, b)
	b.write(t, "a.edi", goodEDI)
	if _, err := b.src.Scan(context.Background()); err == nil {
		t.Fatal("a scan while documents cannot be stored reported no error")
	}
	if got := files(t, filepath.Join(b.dir, ProcessingDir)); len(got) != 1 {
		t.Fatalf("processing/ = %v, want the claimed file", got)
	}
	restore()
	b.now = b.now.Add(10 * time.Second)
	b.scan(t)
	if n := b.count(t, `SELECT count(*) FROM documents WHERE file_name = 'a.edi'`); n != 1 {
		t.Fatalf("documents = %d after the database is back, want 1", n)
	}
	if got := files(t, filepath.Join(b.dir, ArchiveDir)); len(got) != 1 {
		t.Fatalf("archive/ = %v, want the file", got)
	}
	if got := files(t, filepath.Join(b.dir, ProcessingDir)); len(got) != 0 {
		t.Fatalf("processing/ = %v, want empty", got)
	}
}

// TestRunOutlastsAFailedRecoveryAndALostLock runs the source as serve does.
// A recovery that fails at start (the database refuses) used to end the
// watch for good; a lock whose connection died was never noticed, so two
// processes could take files from one folder. Now the watch goes on and
// recovers the file once the database is back; when its lock connection
// is killed it stops taking files while another process holds the
// folder, and takes them again once it holds the lock.
func TestRunOutlastsAFailedRecoveryAndALostLock(t *testing.T) {
	b := setup(t, Config{Rescan: 100 * time.Millisecond})
	b.src.now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	left := claimName(time.Now(), "left.edi")
	if err := os.WriteFile(filepath.Join(b.dir, ProcessingDir, left), []byte(goodEDI), 0o640); err != nil {
		t.Fatal(err)
	}
	restore := hideDocuments(t, b)
	done := make(chan error, 1)
	go func() { done <- b.src.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s; logs:\n%s", what, b.logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("recovery fails", func() bool { return strings.Contains(b.logs.String(), "documents") })
	time.Sleep(300 * time.Millisecond)
	restore()
	waitFor("the left file is recovered", func() bool {
		return len(files(t, filepath.Join(b.dir, ArchiveDir))) == 1
	})

	// Kill the lock's connection; another process takes the folder.
	ctxb := context.Background()
	var pid int
	if err := b.pool.QueryRow(ctxb, `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	other, err := b.pool.Acquire(ctxb)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	abs, _ := filepath.Abs(b.dir)
	key := db.LockKey("ordergate.filedrop:" + abs)
	if _, err := b.pool.Exec(ctxb, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(ctxb, `SELECT pg_advisory_lock($1)`, key); err != nil {
		t.Fatal(err)
	}
	waitFor("the lost lock is noticed", func() bool { return strings.Contains(b.logs.String(), "folder lock was lost") })
	b.write(t, "while-away.edi", goodEDI+"x")
	time.Sleep(time.Second)
	if n := b.count(t, `SELECT count(*) FROM documents WHERE file_name = 'while-away.edi'`); n != 0 {
		t.Fatal("a file was taken while another process held the folder")
	}
	if _, err := other.Exec(ctxb, `SELECT pg_advisory_unlock($1)`, key); err != nil {
		t.Fatal(err)
	}
	waitFor("the file is taken once the lock is held again", func() bool {
		return b.count(t, `SELECT count(*) FROM documents WHERE file_name = 'while-away.edi'`) == 1
	})
}
