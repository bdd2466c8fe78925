package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/ordergate/ordergate/auth"
)

// user manages the sales desk's users: add [--role R] NAME, list,
// disable NAME, enable NAME, passwd NAME. A password is read from standard
// input when it is not a terminal (one line), and asked for, twice and
// without echo, when it is.
func (e *env) user(args []string) int {
	fs := e.flags("user")
	path := fs.String("config", "", "configuration file (YAML)")
	role := fs.String("role", auth.RoleClerk, "role of a new user: viewer, clerk or admin")
	verb := ""
	if len(args) > 0 {
		verb, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	needName := verb == "add" || verb == "disable" || verb == "enable" || verb == "passwd"
	if needName && len(rest) != 1 || verb == "list" && len(rest) != 0 || !needName && verb != "list" {
		fmt.Fprintln(e.stderr, "usage: ordergate user add [--role viewer|clerk|admin] NAME | list | disable NAME | enable NAME | passwd NAME")
		return 2
	}
	if verb == "add" && !auth.ValidRole(*role) {
		fmt.Fprintf(e.stderr, "ordergate user: --role %q is not one of %s\n", *role, strings.Join(auth.Roles, ", "))
		return 2
	}
	var password string
	if verb == "add" || verb == "passwd" {
		p, err := e.readPassword(rest[0])
		if err != nil {
			return e.fail("user", err)
		}
		password = p
	}
	ctx := context.Background()
	_, _, h, err := e.connect(ctx, *path)
	if err != nil {
		return e.fail("user", err)
	}
	defer h.Close()
	switch verb {
	case "add":
		if err := auth.AddUser(ctx, h.Pool, rest[0], password, *role); err != nil {
			return e.fail("user", err)
		}
		fmt.Fprintf(e.stdout, "user %s added (%s); they log in at /login\n", rest[0], *role)
	case "passwd":
		if err := auth.SetPassword(ctx, h.Pool, rest[0], password); err != nil {
			return e.fail("user", err)
		}
		fmt.Fprintf(e.stdout, "password of %s changed\n", rest[0])
	case "disable", "enable":
		if err := auth.SetDisabled(ctx, h.Pool, rest[0], verb == "disable"); err != nil {
			return e.fail("user", err)
		}
		fmt.Fprintf(e.stdout, "user %s %sd\n", rest[0], verb)
	case "list":
		users, err := auth.ListUsers(ctx, h.Pool)
		if err != nil {
			return e.fail("user", err)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tLAST LOGIN\tSTATE")
		for _, u := range users {
			last, state := "never", "active"
			if !u.LastLoginAt.IsZero() {
				last = u.LastLoginAt.Format(time.DateTime)
			}
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, last, state)
		}
		tw.Flush()
	}
	return 0
}

// readPassword reads the password: from a terminal, asked twice without
// echo; otherwise the first line of standard input.
func (e *env) readPassword(name string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stderr, "password for %s: ", name)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (give it as one line, e.g. from a file or a secret store)")
	}
	return line, nil
}
