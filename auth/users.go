package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ordergate/ordergate/db"
)

// Roles of the sales desk's users. Viewers read; clerks also act on orders;
// admins also manage users and see everyone's audit.
const (
	RoleViewer = "viewer"
	RoleClerk  = "clerk"
	RoleAdmin  = "admin"
)

// Roles lists the roles, least first.
var Roles = []string{RoleViewer, RoleClerk, RoleAdmin}

// rank orders the roles: a role may do what every lower one may.
func rank(role string) int {
	for i, r := range Roles {
		if r == role {
			return i
		}
	}
	return -1
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return rank(role) >= 0 }

// User is a desk user (without the password).
type User struct {
	Name        string
	Role        string
	Disabled    bool
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// May reports whether the user has at least role.
func (u User) May(role string) bool {
	return !u.Disabled && rank(u.Role) >= rank(role) && rank(role) >= 0
}

// ErrLogin is returned for an unknown user, a wrong password or a disabled
// user alike: a login form must not tell which.
var ErrLogin = errors.New("auth: wrong user name or password")

// ErrNoUser is returned for a user that does not exist.
var ErrNoUser = errors.New("auth: no such user")

// MinPasswordLength is the shortest password AddUser accepts.
const MinPasswordLength = 10

// passwordParams are the argon2id parameters (RFC 9106 second recommended
// option, with 64 MiB): about 60 ms on a 2-core server.
var passwordParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// AddUser creates a desk user with an argon2id hash of the password.
func AddUser(ctx context.Context, ex db.Executor, name, password, role string) error {
	name = strings.TrimSpace(name)
	switch {
	case name == "" || strings.ContainsAny(name, " \t\r\n") || utf8.RuneCountInString(name) > 64:
		return errors.New("auth: a user name is 1 to 64 characters without spaces")
	case !ValidRole(role):
		return fmt.Errorf("auth: role %q is not one of %s", role, strings.Join(Roles, ", "))
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return fmt.Errorf("auth: a password has at least %d characters", MinPasswordLength)
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return fmt.Errorf("auth: hash password: %w", err)
	}
	_, err = ex.Exec(ctx, `INSERT INTO users (name, password_hash, role) VALUES ($1, $2, $3)`, name, hash, role)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("auth: a user named %q exists already", name)
	}
	if err != nil {
		return fmt.Errorf("auth: add user: %w", err)
	}
	return nil
}

// SetPassword replaces a user's password.
func SetPassword(ctx context.Context, ex db.Executor, name, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return fmt.Errorf("auth: a password has at least %d characters", MinPasswordLength)
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return fmt.Errorf("auth: hash password: %w", err)
	}
	tag, err := ex.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE name = $1`, name, hash)
	if err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %q", ErrNoUser, name)
	}
	return nil
}

// dummyHash is compared against when the user does not exist, so a login
// for an unknown name takes as long as one with a wrong password.
var dummyHash, _ = argon2id.CreateHash("not a password of anyone", passwordParams)

// Authenticate checks a user's password and returns the user; ErrLogin for
// an unknown or disabled user or a wrong password.
func Authenticate(ctx context.Context, ex db.Executor, name, password string) (User, error) {
	var u User
	var hash string
	var last *time.Time
	err := ex.QueryRow(ctx, `SELECT name, role, disabled, created_at, last_login_at, password_hash FROM users WHERE name = $1`,
		strings.TrimSpace(name)).Scan(&u.Name, &u.Role, &u.Disabled, &u.CreatedAt, &last, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
		return User{}, ErrLogin
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: login: %w", err)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return User{}, fmt.Errorf("auth: login: %w", err)
	}
	if !ok || u.Disabled {
		return User{}, ErrLogin
	}
	if _, err := ex.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE name = $1`, u.Name); err != nil {
		return User{}, fmt.Errorf("auth: login: %w", err)
	}
	return u, nil
}

// GetUser returns a user.
func GetUser(ctx context.Context, ex db.Executor, name string) (User, error) {
	var u User
	var last *time.Time
	err := ex.QueryRow(ctx, `SELECT name, role, disabled, created_at, last_login_at FROM users WHERE name = $1`, name).
		Scan(&u.Name, &u.Role, &u.Disabled, &u.CreatedAt, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, fmt.Errorf("%w: %q", ErrNoUser, name)
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: user %q: %w", name, err)
	}
	if last != nil {
		u.LastLoginAt = *last
	}
	return u, nil
}

// ListUsers lists the users by name.
func ListUsers(ctx context.Context, ex db.Executor) ([]User, error) {
	rows, err := ex.Query(ctx, `SELECT name, role, disabled, created_at, last_login_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		var last *time.Time
		err := r.Scan(&u.Name, &u.Role, &u.Disabled, &u.CreatedAt, &last)
		if last != nil {
			u.LastLoginAt = *last
		}
		return u, err
	})
}

// SetDisabled disables (or enables again) a user; a disabled user's
// sessions end at their next request.
func SetDisabled(ctx context.Context, ex db.Executor, name string, disabled bool) error {
	tag, err := ex.Exec(ctx, `UPDATE users SET disabled = $2 WHERE name = $1`, name, disabled)
	if err != nil {
		return fmt.Errorf("auth: disable user: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %q", ErrNoUser, name)
	}
	return nil
}

// SetRole changes a user's role.
func SetRole(ctx context.Context, ex db.Executor, name, role string) error {
	if !ValidRole(role) {
		return fmt.Errorf("auth: role %q is not one of %s", role, strings.Join(Roles, ", "))
	}
	tag, err := ex.Exec(ctx, `UPDATE users SET role = $2 WHERE name = $1`, name, role)
	if err != nil {
		return fmt.Errorf("auth: set role: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: %q", ErrNoUser, name)
	}
	return nil
}
