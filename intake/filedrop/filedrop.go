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
//     transaction whose source reference is the claim name;
//  4. archived: renamed into archive/YYYY-MM-DD/.
//
// A crash after 2 leaves the file in processing/; on start the source looks
// up the claim name: a document with it means step 3 committed and the file
// is only archived; none means it is stored now. Only one process watches a
// folder at a time (a PostgreSQL advisory lock), so recovery never races a
// live claimer.
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

// Run takes the folder's lock, recovers claimed files, then watches until
// ctx ends.
func (s *Source) Run(ctx context.Context) error {
	for _, sub := range []string{"", ProcessingDir, ArchiveDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(s.cfg.Dir, sub), 0o750); err != nil {
			return fmt.Errorf("filedrop: %w", err)
		}
	}
	release, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer release()
	if err := s.Recover(ctx); err != nil {
		return err
	}
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
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if filepath.Dir(ev.Name) == filepath.Clean(s.cfg.Dir) {
				resetTimer(timer, 50*time.Millisecond) // debounce bursts of events
			}
			continue
		case err := <-w.Errors:
			s.log.Warn("folder watch error; rescans continue", "err", err)
			continue
		case <-timer.C:
		}
		next, err := s.Scan(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("scan failed", "err", err)
		}
		if next <= 0 || next > s.cfg.Rescan {
			next = s.cfg.Rescan
		}
		resetTimer(timer, next)
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(d)
}

// lock takes a session advisory lock for the folder on a dedicated
// connection, waiting while another process holds it.
func (s *Source) lock(ctx context.Context) (func(), error) {
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
			return func() {
				_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key)
				conn.Release()
			}, nil
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

// Recover finishes files left in processing/ by a crash.
func (s *Source) Recover(ctx context.Context) error {
	entries, err := os.ReadDir(filepath.Join(s.cfg.Dir, ProcessingDir))
	if err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		claim := e.Name()
		_, err := intake.FindBySource(ctx, s.pool, intake.ChannelFile, claim)
		switch {
		case err == nil:
			s.log.Info("recovered file committed before a restart", "claim", claim)
			s.archive(claim)
		case errors.Is(err, db.ErrNotFound):
			s.log.Info("recovering claimed file", "claim", claim)
			if err := s.commit(ctx, claim); err != nil {
				return err
			}
		default:
			return fmt.Errorf("filedrop: recover %s: %w", claim, err)
		}
	}
	return nil
}

// Scan takes every stable file once. It returns how long until a file seen
// but not yet stable could be taken (0 when none is waiting).
func (s *Source) Scan(ctx context.Context) (time.Duration, error) {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return 0, fmt.Errorf("filedrop: %w", err)
	}
	now := s.now()
	var wait time.Duration
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
		if err := s.take(ctx, name); err != nil {
			return 0, err
		}
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	return wait, nil
}

// Ignored reports whether a file name is never taken: dotfiles and the
// temporary names writers use before renaming a file into place.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") ||
		strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") ||
		strings.HasSuffix(lower, ".partial") || strings.HasSuffix(lower, ".filepart") ||
		strings.HasSuffix(lower, ".crdownload")
}

// take claims a file and commits it.
func (s *Source) take(ctx context.Context, name string) error {
	claim := claimName(s.now(), name)
	err := os.Rename(filepath.Join(s.cfg.Dir, name), filepath.Join(s.cfg.Dir, ProcessingDir, claim))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // taken or removed by someone else
	}
	if err != nil {
		s.log.Error("cannot claim file; leaving it in place", "file", name, "err", err)
		return nil
	}
	s.pause(ctx, "after-claim")
	return s.commit(ctx, claim)
}

// commit stores a claimed file and archives it, or moves it to failed/.
func (s *Source) commit(ctx context.Context, claim string) error {
	path := filepath.Join(s.cfg.Dir, ProcessingDir, claim)
	data, err := readLimited(path, s.cfg.MaxBytes)
	if err != nil {
		s.fail(claim, err)
		return nil
	}
	sender := order.Sender{Kind: order.SenderFolder, ID: s.cfg.Dir}
	if s.cfg.Partner != "" {
		sender.ID = s.cfg.Partner
	}
	r, err := s.pipe.Receive(ctx, intake.Inbound{
		Channel:   intake.ChannelFile,
		SourceRef: claim,
		Sender:    sender,
		FileName:  originalName(claim),
		Data:      data,
	})
	if err != nil {
		if errors.Is(err, intake.ErrTooLarge) {
			s.fail(claim, err)
			return nil
		}
		return fmt.Errorf("filedrop: store %s: %w", originalName(claim), err) // stays claimed; recovered on restart
	}
	if r.Duplicate {
		s.log.Info("duplicate file", "file", originalName(claim), "document", r.DocumentID, "duplicate_of", r.DuplicateOf)
	} else {
		s.log.Info("received file", "file", originalName(claim), "document", r.DocumentID, "bytes", len(data))
	}
	s.pause(ctx, "after-commit")
	s.archive(claim)
	return nil
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

// fail moves a file that cannot be stored to failed/, with a .reason.txt beside it.
func (s *Source) fail(claim string, cause error) {
	s.log.Error("file cannot be read; moved to failed/", "file", originalName(claim), "err", cause)
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
