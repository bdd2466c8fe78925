// Package auth authenticates who may use ordergate: API keys for machine
// clients (this file) and, with the review UI, sales desk users.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ordergate/ordergate/db"
)

// ErrInvalidKey is returned for an unknown, malformed or revoked key.
var ErrInvalidKey = errors.New("auth: invalid API key")

// keyPrefix marks ordergate keys so that secret scanners can find leaked ones.
const keyPrefix = "og_"

// APIKey is a stored key (without the secret).
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	Revoked    bool
}

// CreateAPIKey makes a new key named name and returns it; only its hash is
// stored, so this is the one time it can be shown.
func CreateAPIKey(ctx context.Context, ex db.Executor, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("auth: an API key needs a name")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := keyPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	sum := sha256.Sum256([]byte(key))
	_, err := ex.Exec(ctx, `INSERT INTO api_keys (name, prefix, key_hash) VALUES ($1, $2, $3)`, name, key[:10], sum[:])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return "", fmt.Errorf("auth: an API key named %q exists already", name)
	}
	if err != nil {
		return "", fmt.Errorf("auth: create API key: %w", err)
	}
	return key, nil
}

// VerifyAPIKey returns the name of the key's owner, or ErrInvalidKey.
func VerifyAPIKey(ctx context.Context, ex db.Executor, key string) (string, error) {
	if !strings.HasPrefix(key, keyPrefix) || len(key) > 100 {
		return "", ErrInvalidKey
	}
	sum := sha256.Sum256([]byte(key))
	var name string
	err := ex.QueryRow(ctx, `UPDATE api_keys SET last_used_at = now()
		WHERE key_hash = $1 AND revoked_at IS NULL RETURNING name`, sum[:]).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrInvalidKey
	}
	if err != nil {
		return "", fmt.Errorf("auth: verify API key: %w", err)
	}
	return name, nil
}

// RevokeAPIKey revokes the key named name.
func RevokeAPIKey(ctx context.Context, ex db.Executor, name string) error {
	tag, err := ex.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name)
	if err != nil {
		return fmt.Errorf("auth: revoke API key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("auth: no active API key named %q", name)
	}
	return nil
}

// ListAPIKeys lists every key, newest first.
func ListAPIKeys(ctx context.Context, ex db.Executor) ([]APIKey, error) {
	rows, err := ex.Query(ctx, `SELECT id, name, prefix, created_at, coalesce(last_used_at, 'epoch'), revoked_at IS NOT NULL
		FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("auth: list API keys: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIKey, error) {
		var k APIKey
		err := r.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.Revoked)
		if k.LastUsedAt.Unix() == 0 {
			k.LastUsedAt = time.Time{}
		}
		return k, err
	})
}
