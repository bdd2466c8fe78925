// Package filedrop is the watched-folder intake source. Partners (or an FTP
// or AS2 server in front of ordergate) drop files into a folder; each file
// becomes exactly one document, then moves to archive/ (or failed/).
//
// The life of a file, and why no crash loses or repeats it:
//
//  1. seen: listed in the folder, not a dotfile, *.tmp or *.part, and its size
//     and modification time unchanged for StableFor (so a file still being
//     written, or copied over a share, is left alone);
//  2. claimed: renamed into processing/ under a unique claim name. Rename is
//     atomic, so exactly one claimer wins;
//  3. committed: its bytes stored as a document, with the parse job, in one
//     transaction whose source reference is the claim name (files found
//     together are claimed together and stored in one transaction, up to
//     batchFiles of them);
//  4. archived: renamed into archive/YYYY-MM-DD/; or, when no parser
//     recognises its content, moved to failed/ with a .reason.txt beside it
//     (the document is stored all the same and fails its parse with that
//     reason, so nothing is lost and the API lists it).
//
// A file that cannot be stored at all (empty, over the size limit) goes to
// failed/ with its reason at once. A crash after 2, or a database that
// was down at 3, leaves the file in processing/; every scan (and the start)
// looks up the claim name of each file there: a document with it means
// step 3 committed and the file is only archived; none means it is stored
// now. Only one process watches a folder at a time (a PostgreSQL advisory
// lock, checked before every scan), so recovery never races a live claimer;
// a process that loses the lock (its connection dropped) stops taking files
// until it holds the lock again. Whatever stops the watch, it starts again
// with a growing pause, so a folder is never abandoned.
package filedrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db"
	"github.com/ordergate/ordergate/intake"
	"github.com/ordergate/ordergate/order"
)

// Sub-folders of a drop folder.
const (
	ProcessingDir = "processing"
	ArchiveDir    = "archive"
	FailedDir     = "failed"
)

// Config configures one watched folder.
type Config struct {
	Dir       string
	Rescan    time.Duration // periodic listing; events alone are not trusted
	StableFor time.Duration // size and mtime unchanged this long before a file is taken
	Partner   string        // optional sender id for documents from this folder
	MaxBytes  int64         // larger files go to failed/ with a reason
	// PauseAt stops the source at a step ("after-claim", "after-commit")
	// until its context ends. It exists only for crash tests, which kill
	// the process there; ORDERGATE_TEST_PAUSE sets it.
	PauseAt string
}

// Source watches one folder.
type Source struct {
	cfg  Config
	pipe *intake.Pipeline
	pool *pgxpool.Pool
	log  *slog.Logger
	seen map[string]observation
	now  func() time.Time
}

type observation struct {
	size  int64
	mtime time.Time
	since time.Time
}

// New returns a source for cfg. Run starts it.
func New(cfg Config, pipe *intake.Pipeline, pool *pgxpool.Pool, log *slog.Logger) *Source {
	return &Source{cfg: cfg, pipe: pipe, pool: pool, log: log.With("source", "file_drop", "dir", cfg.Dir),
		seen: map[string]observation{}, now: time.Now}
}

// Restart pauses of a watch that stopped: the first, and the most.
const (
	firstRestartPause = time.Second
	maxRestartPause   = time.Minute
)

// Run watches the folder until ctx ends: it takes the folder's lock,
// recovers claimed files and takes new ones. Whatever stops the watch (the
// database unreachable, the lock lost, the folder watcher failing), Run
// logs it and starts again after a pause that doubles up to a minute. It
// returns nil when ctx ends.
func (s *Source) Run(ctx context.Context) error {
	pause := firstRestartPause
	for {
		started := time.Now()
		err := s.watch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > maxRestartPause {
			pause = firstRestartPause // it ran well for a while
		}
		s.log.Error("file drop stopped; starting it again", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, maxRestartPause)
	}
}

// errLockLost stops a watch whose lock connection is gone: another process
// may hold the folder now.
var errLockLost = errors.New("filedrop: the folder lock was lost (its database connection dropped); no files are taken until it is held again")

// watch is one run of the watch: lock, recover, then scan on events and
// every Rescan, checking the lock before each scan.
func (s *Source) watch(ctx context.Context) error {
	for _, sub := range []string{"", ProcessingDir, ArchiveDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(s.cfg.Dir, sub), 0o750); err != nil {
			return fmt.Errorf("filedrop: %w", err)
		}
	}
	lk, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer lk.release()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	defer w.Close()
	if err := w.Add(s.cfg.Dir); err != nil {
		s.log.Warn("cannot watch folder for events; relying on rescans", "err", err)
	}
	s.log.Info("watching folder", "rescan", s.cfg.Rescan, "stable_for", s.cfg.StableFor)
	timer := time.NewTimer(0)
	defer timer.Stop()
	due := time.Now() // when the timer fires
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("filedrop: the folder watcher stopped")
			}
			// A burst of events is taken by one scan 50 ms after its first
			// event; later events of the burst do not push that scan back
			// (a folder receiving a file every few milliseconds would
			// otherwise never be scanned until the next rescan).
			if filepath.Dir(ev.Name) == filepath.Clean(s.cfg.Dir) && time.Until(due) > debounce {
				due = time.Now().Add(debounce)
				resetTimer(timer, debounce)
			}
			continue
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("filedrop: the folder watcher stopped")
			}
			s.log.Warn("folder watch error; rescans continue", "err", err)
			continue
		case <-timer.C:
		}
		if err := lk.check(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%w: %v", errLockLost, err)
		}
		next, err := s.Scan(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("scan failed", "err", err)
		}
		if next <= 0 || next > s.cfg.Rescan {
			next = s.cfg.Rescan
		}
		due = time.Now().Add(next)
		resetTimer(timer, next)
	}
}

// debounce is how long after a folder event the folder is scanned.
const debounce = 50 * time.Millisecond

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(d)
}

// folderLock is a session advisory lock held on a dedicated connection: it
// lasts as long as that connection's session.
type folderLock struct {
	conn *pgxpool.Conn
	key  int64
}

// check makes sure the lock is still held: the session that holds it
// still answers.
func (l *folderLock) check(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return l.conn.Ping(cctx)
}

func (l *folderLock) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", l.key); err != nil {
		// Ending the session ends the lock; the pool must not reuse it.
		_ = l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}

// lock takes a session advisory lock for the folder on a dedicated
// connection, waiting while another process holds it.
func (s *Source) lock(ctx context.Context) (*folderLock, error) {
	abs, err := filepath.Abs(s.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("filedrop: %w", err)
	}
	key := db.LockKey("ordergate.filedrop:" + abs)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("filedrop: lock connection: %w", err)
	}
	warned := false
	for {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			conn.Release()
			return nil, fmt.Errorf("filedrop: lock: %w", err)
		}
		if ok {
			if warned {
				s.log.Info("took over the folder")
			}
			return &folderLock{conn: conn, key: key}, nil
		}
		if !warned {
			s.log.Info("another ordergate process watches this folder; waiting")
			warned = true
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, ctx.Err()
		case <-time.After(s.cfg.Rescan):
		}
	}
}

// Recover finishes files left in processing/: by a crash, or because the
// database failed while they were stored. Each scan runs it first. A file
// it cannot finish now stays there for the next scan; the error says which.
func (s *Source) Recover(ctx context.Context) error {
	entries, err := os.ReadDir(filepath.Join(s.cfg.Dir, ProcessingDir))
	if err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		claim := e.Name()
		doc, err := intake.FindBySource(ctx, s.pool, intake.ChannelFile, claim)
		switch {
		case err == nil:
			s.log.Info("claimed file was stored before; finishing it", "claim", claim, "document", doc.ID)
			data, err := readLimited(filepath.Join(s.cfg.Dir, ProcessingDir, claim), s.cfg.MaxBytes)
			if err != nil {
				errs = append(errs, fmt.Errorf("filedrop: recover %s: %w", claim, err))
				continue
			}
			s.settle(claim, doc.ID, data)
		case errors.Is(err, db.ErrNotFound):
			s.log.Info("storing claimed file", "claim", claim)
			if err := s.commit(ctx, claim); err != nil {
				errs = append(errs, err)
			}
		default:
			errs = append(errs, fmt.Errorf("filedrop: recover %s (it stays in processing/ and is tried again at the next scan): %w", claim, err))
		}
	}
	return errors.Join(errs...)
}

// Scan takes every stable file once. It returns how long until a file seen
// but not yet stable could be taken (0 when none is waiting).
func (s *Source) Scan(ctx context.Context) (time.Duration, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return 0, fmt.Errorf("filedrop: %w", err)
	}
	// Files claimed before and not finished go first; while they cannot be
	// stored (the database is down) neither can new ones.
	if err := s.Recover(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	var wait time.Duration
	var ready []string
	present := make(map[string]bool, len(entries))
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || Ignored(name) {
			continue
		}
		present[name] = true
		info, err := e.Info()
		if err != nil {
			continue // vanished between listing and stat
		}
		obs, ok := s.seen[name]
		if !ok || obs.size != info.Size() || !obs.mtime.Equal(info.ModTime()) {
			obs = observation{size: info.Size(), mtime: info.ModTime(), since: now}
			s.seen[name] = obs
		}
		if left := s.cfg.StableFor - now.Sub(obs.since); left > 0 {
			if wait == 0 || left < wait {
				wait = left
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		delete(s.seen, name)
		ready = append(ready, name)
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	for len(ready) > 0 {
		n := min(len(ready), batchFiles)
		if err := s.take(ctx, ready[:n]); err != nil {
			return 0, err
		}
		ready = ready[n:]
	}
	return wait, nil
}

// batchFiles is how many files one transaction stores at most. A folder
// receiving many files at once pays one commit (one WAL flush) per batch
// instead of one per file; a batch is claimed, stored and archived as one
// file was, so a crash anywhere leaves each file in processing/ with or
// without its document, as before.
const batchFiles = 64

// Ignored reports whether a file name is never taken: dotfiles and the
// temporary names writers use before renaming a file into place.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") ||
		strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") ||
		strings.HasSuffix(lower, ".partial") || strings.HasSuffix(lower, ".filepart") ||
		strings.HasSuffix(lower, ".crdownload")
}

// take claims files and commits them.
func (s *Source) take(ctx context.Context, names []string) error {
	claims := make([]string, 0, len(names))
	for _, name := range names {
		claim := claimName(s.now(), name)
		err := os.Rename(filepath.Join(s.cfg.Dir, name), filepath.Join(s.cfg.Dir, ProcessingDir, claim))
		if errors.Is(err, fs.ErrNotExist) {
			continue // taken or removed by someone else
		}
		if err != nil {
			s.log.Error("cannot claim file; leaving it in place", "file", name, "err", err)
			continue
		}
		claims = append(claims, claim)
	}
	if len(claims) == 0 {
		return nil
	}
	s.pause(ctx, "after-claim")
	return s.commitBatch(ctx, claims)
}

// commitBatch stores claimed files in one transaction and archives them.
// A file that cannot go with the others (empty, too large, unreadable) and,
// when the batch's transaction fails, every file of it, is committed on its
// own (commit), so that one bad file never holds up the rest.
func (s *Source) commitBatch(ctx context.Context, claims []string) error {
	type file struct {
		claim string
		data  []byte
		r     intake.Received
	}
	var batch []file
	var single []string
	for _, c := range claims {
		data, err := readLimited(filepath.Join(s.cfg.Dir, ProcessingDir, c), s.cfg.MaxBytes)
		if err != nil || len(data) == 0 || len(claims) == 1 {
			single = append(single, c)
			continue
		}
		batch = append(batch, file{claim: c, data: data})
	}
	if len(batch) > 0 {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for i := range batch {
				r, err := s.pipe.ReceiveTx(ctx, tx, s.inbound(batch[i].claim, batch[i].data))
				if err != nil {
					return err
				}
				batch[i].r = r
			}
			return nil
		})
		if err == nil {
			for _, f := range batch {
				s.logStored(f.claim, f.r, len(f.data))
			}
			s.pause(ctx, "after-commit")
			for _, f := range batch {
				s.settle(f.claim, f.r.DocumentID, f.data)
			}
			batch = nil
		} else if ctx.Err() != nil {
			return fmt.Errorf("filedrop: store %d files (they stay in processing/ and are tried again at the next scan): %w", len(batch), err)
		}
	}
	for _, f := range batch {
		single = append(single, f.claim)
	}
	for _, c := range single {
		if err := s.commit(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) inbound(claim string, data []byte) intake.Inbound {
	sender := order.Sender{Kind: order.SenderFolder, ID: s.cfg.Dir}
	if s.cfg.Partner != "" {
		sender.ID = s.cfg.Partner
	}
	return intake.Inbound{Channel: intake.ChannelFile, SourceRef: claim, Sender: sender, FileName: originalName(claim), Data: data}
}

func (s *Source) logStored(claim string, r intake.Received, size int) {
	if r.Duplicate {
		s.log.Info("duplicate file", "file", originalName(claim), "document", r.DocumentID, "duplicate_of", r.DuplicateOf)
	} else {
		s.log.Info("received file", "file", originalName(claim), "document", r.DocumentID, "bytes", size)
	}
}

// commit stores a claimed file and archives it, or moves it to failed/.
// An error leaves it in processing/, where the next scan tries again.
func (s *Source) commit(ctx context.Context, claim string) error {
	path := filepath.Join(s.cfg.Dir, ProcessingDir, claim)
	data, err := readLimited(path, s.cfg.MaxBytes)
	if errors.Is(err, intake.ErrTooLarge) {
		s.fail(claim, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("filedrop: read %s (it stays in processing/ and is tried again at the next scan): %w", originalName(claim), err)
	}
	if len(data) == 0 {
		// As the API refuses an empty upload: there is nothing to keep.
		s.fail(claim, errors.New("the file is empty; there is nothing to read (it was not stored)"))
		return nil
	}
	r, err := s.pipe.Receive(ctx, s.inbound(claim, data))
	if err != nil {
		if errors.Is(err, intake.ErrTooLarge) || isDataError(err) {
			s.fail(claim, fmt.Errorf("the file cannot be stored: %w", err))
			return nil
		}
		return fmt.Errorf("filedrop: store %s (it stays in processing/ and is tried again at the next scan): %w", originalName(claim), err)
	}
	s.logStored(claim, r, len(data))
	s.pause(ctx, "after-commit")
	s.settle(claim, r.DocumentID, data)
	return nil
}

// settle moves a stored file on: to archive/, or to failed/ when no parser
// recognises its content (unknown format, binary, UTF-16 text). The
// verdict depends on the bytes alone, so recovery after a crash reaches the
// same one.
func (s *Source) settle(claim string, docID int64, data []byte) {
	err := s.pipe.Readable(intake.Inbound{Channel: intake.ChannelFile, FileName: originalName(claim), Data: data})
	if err == nil {
		s.archive(claim)
		return
	}
	s.fail(claim, fmt.Errorf("the file cannot be read: %w\n"+
		"It is stored as document %d (state failed). Drop a corrected file to send it again.", err, docID))
}

// isDataError reports a PostgreSQL refusal caused by the file itself
// (class 22, data exception, such as a file name that is not UTF-8): trying
// again would not help.
func isDataError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22")
}

func (s *Source) archive(claim string) {
	dir := filepath.Join(s.cfg.Dir, ArchiveDir, s.now().UTC().Format(time.DateOnly))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		s.log.Error("cannot archive file; it stays in processing/ and is archived on restart", "claim", claim, "err", err)
		return
	}
	if err := os.Rename(filepath.Join(s.cfg.Dir, ProcessingDir, claim), filepath.Join(dir, claim)); err != nil {
		s.log.Error("cannot archive file; it stays in processing/ and is archived on restart", "claim", claim, "err", err)
	}
}

// fail moves a file that cannot be stored or read to failed/, with a
// .reason.txt beside it. Bad input is no fault of ours: it is logged at
// WARN.
func (s *Source) fail(claim string, cause error) {
	s.log.Warn("file moved to failed/", "file", originalName(claim), "reason", cause)
	dst := filepath.Join(s.cfg.Dir, FailedDir, claim)
	if err := os.Rename(filepath.Join(s.cfg.Dir, ProcessingDir, claim), dst); err != nil {
		s.log.Error("cannot move file to failed/", "claim", claim, "err", err)
		return
	}
	_ = os.WriteFile(dst+".reason.txt", []byte(cause.Error()+"\n"), 0o640)
}

func (s *Source) pause(ctx context.Context, at string) {
	if s.cfg.PauseAt != at {
		return
	}
	s.log.Warn("test pause", "at", at)
	<-ctx.Done()
}

// readLimited reads a file, refusing one over max bytes (0: no limit).
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if max > 0 && int64(len(data)) > max {
		return nil, fmt.Errorf("%w: the file is larger than %d bytes", intake.ErrTooLarge, max)
	}
	return data, nil
}

// claimName makes a unique, sortable name that keeps the original: the
// timestamp orders files by arrival, the original name stays readable.
func claimName(now time.Time, name string) string {
	return now.UTC().Format("20060102T150405.000000000Z") + "_" + name
}

func originalName(claim string) string {
	if i := strings.IndexByte(claim, '_'); i >= 0 {
		return claim[i+1:]
	}
	return claim
}
