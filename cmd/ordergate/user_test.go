package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/auth"
	"github.com/ordergate/ordergate/db/dbtest"
)

// runIn runs the binary with stdin; it returns stdout, stderr and the exit
// code.
func runIn(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// TestUserCommands: `ordergate user add` reads the password from standard
// input, stores an argon2id hash the login accepts, and list and disable
// do what they say.
func TestUserCommands(t *testing.T) {
	url := dbtest.NewURL(t)
	env := []string{"DATABASE_URL=" + url}
	if out, errOut, code := runIn(t, env, "a good long password\n", "user", "add", "--role", "admin", "anna"); code != 0 || !strings.Contains(out, "anna added (admin)") {
		t.Fatalf("user add = %d %q %q", code, out, errOut)
	}
	if _, errOut, code := runIn(t, env, "short\n", "user", "add", "ben"); code == 0 || !strings.Contains(errOut, "at least 10 characters") {
		t.Fatalf("a short password = %d %q", code, errOut)
	}
	if _, errOut, code := runIn(t, env, "", "user", "add", "ben"); code == 0 || !strings.Contains(errOut, "no password on standard input") {
		t.Fatalf("no password = %d %q", code, errOut)
	}
	if _, _, code := runIn(t, env, "a good long password\n", "user", "add", "--role", "boss", "ben"); code != 2 {
		t.Fatalf("an unknown role = %d", code)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var hash string
	if err := pool.QueryRow(context.Background(), `SELECT password_hash FROM users WHERE name = 'anna'`).Scan(&hash); err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("stored %q, %v", hash, err)
	}
	if u, err := auth.Authenticate(context.Background(), pool, "anna", "a good long password"); err != nil || u.Role != auth.RoleAdmin {
		t.Fatalf("login: %+v %v", u, err)
	}
	if out, _, code := runIn(t, env, "", "user", "disable", "anna"); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("user disable = %d %q", code, out)
	}
	if out, _, _ := runIn(t, env, "", "user", "list"); !strings.Contains(out, "anna") || !strings.Contains(out, "disabled") {
		t.Fatalf("user list says %q", out)
	}
	if _, err := auth.Authenticate(context.Background(), pool, "anna", "a good long password"); err == nil {
		t.Fatal("a disabled user logs in")
	}
}
