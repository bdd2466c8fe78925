package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ordergate/ordergate/db/dbtest"
)

// TestVersionOfABuildFromAClone builds ordergate the way a clone does (the
// Go tool stamps the VCS revision) and checks that `version` names the
// commit instead of printing "dev".
func TestVersionOfABuildFromAClone(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "ordergate")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if info, err := exec.Command("go", "version", "-m", bin).Output(); err != nil || !strings.Contains(string(info), "vcs.revision=") {
		// The go tool stamps a clone, not a git worktree.
		t.Skipf("the go tool recorded no revision in this checkout (%v)", err)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The module version is "(devel)", or (Go 1.24 on) a pseudo-version
	// made from the same commit; either way the commit is named.
	want := "(commit " + string(head[:12]) + " of "
	if !strings.HasPrefix(string(out), "ordergate ") || !strings.Contains(string(out), want) {
		t.Fatalf("version = %q, want it to say %q", out, want)
	}
}

func TestVersionString(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/ordergate/ordergate", Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-26T03:22:55Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tc := range []struct {
		set  string
		bi   *debug.BuildInfo
		want string
	}{
		{"2.0.1", bi, "2.0.1"},
		{"", bi, "v1.4.0 (commit 0123456789ab of 2026-11-26T03:22:55Z, with uncommitted changes)"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel) (no revision recorded: built by go run or with -buildvcs=false)"},
	} {
		if got := versionString(tc.set, tc.bi); got != tc.want {
			t.Errorf("versionString(%q) = %q, want %q", tc.set, got, tc.want)
		}
	}
}

// TestOnlyServeDemoAndMigrateMigrate: `apikey list` on an empty database
// used to create the whole schema silently (and every command printed
// River's migrator lines). Now it refuses and says what to run; migrate
// creates the schema without River's INFO lines; then apikey works.
func TestOnlyServeDemoAndMigrateMigrate(t *testing.T) {
	url := dbtest.NewEmptyURL(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	ctx := context.Background()
	tables := func() int {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, args := range [][]string{{"apikey", "list"}, {"reprocess", "1"}, {"import", "items", "/nonexistent.csv"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr, getenv); code != 1 || !strings.Contains(stderr.String(), "run ordergate migrate first") {
			t.Errorf("%v on an empty database: exit %d\n%s", args, code, stderr.String())
		}
	}
	if n := tables(); n != 0 {
		t.Fatalf("commands that do not migrate created %d tables", n)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"migrate"}, nil, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("migrate: %d\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "River migrator") || strings.Contains(stderr.String(), "migrations.go") {
		t.Errorf("migrate printed River's migrator lines:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "is at migration") {
		t.Errorf("migrate stdout: %q", stdout.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"apikey", "list"}, nil, &stdout, &stderr, getenv); code != 0 || stderr.Len() != 0 {
		t.Errorf("apikey list after migrate: exit %d, stderr %q", code, stderr.String())
	}
}
