package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ORDRSP_1.edi")
	if err := Write(path, []byte("UNB+...'")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "UNB+...'" {
		t.Fatalf("content = %q", b)
	}
	failing := Writer{Rename: func(string, string) error { return errors.New("disk gone") }}
	if err := failing.Write(filepath.Join(dir, "second.edi"), []byte("x")); err == nil {
		t.Fatal("a failed rename reported success")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "ORDRSP_1.edi" {
		t.Fatalf("left behind: %v", entries)
	}
	if err := SyncDir(dir); err != nil {
		t.Fatal(err)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"PO-2026/001": "PO-2026_001", "../../etc/passwd": "etc_passwd", "": "x", "...": "x", "5412345000013": "5412345000013",
	} {
		if got := SafeName(in, "x"); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}
