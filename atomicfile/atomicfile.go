// Package atomicfile writes files that readers never see half-written: the
// content goes to a hidden temporary file in the same folder, is flushed,
// and is renamed into place; the folder is then synced so the rename
// survives a power loss. Importers that ignore dotfiles (and *.tmp) never
// pick up a partial file.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TempFile is the part of *os.File a Writer uses.
type TempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// Writer writes files atomically. Its zero value uses the operating
// system; tests set CreateTemp and Rename to inject failures.
type Writer struct {
	CreateTemp func(dir, pattern string) (TempFile, error)
	Rename     func(oldpath, newpath string) error
}

// Write writes content to path atomically with the default Writer.
func Write(path string, content []byte) error { return Writer{}.Write(path, content) }

// Write writes content to a hidden temporary file next to path, flushes it
// and renames it to path. On any failure the temporary file is removed and
// path is untouched. The caller syncs the folder with SyncDir when the
// rename itself must be durable.
func (w Writer) Write(path string, content []byte) (err error) {
	createTemp, rename := w.CreateTemp, w.Rename
	if createTemp == nil {
		createTemp = func(dir, pattern string) (TempFile, error) { return os.CreateTemp(dir, pattern) }
	}
	if rename == nil {
		rename = os.Rename
	}
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("flushing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", filepath.Base(tmp.Name()), err)
	}
	if err = rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("renaming to %s: %w", filepath.Base(path), err)
	}
	return nil
}

// SyncDir flushes a directory entry change (a rename) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("syncing folder: %w", err)
	}
	return nil
}

// SafeName turns an outside value (a PO number, a partner id) into a file
// name part: letters, digits, "-" and "." (not leading) are kept, runs of
// anything else become "_", and the length is capped at 64, so the value
// can neither escape the folder nor hide the file. An empty result is
// fallback.
func SafeName(s, fallback string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.')
		if ok {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
		if b.Len() >= 64 {
			break
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		return fallback
	}
	return out
}
