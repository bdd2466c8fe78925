package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/db/dbtest"
)

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	key, err := CreateAPIKey(ctx, pool, "erp-sync")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "og_") || len(key) < 50 {
		t.Fatalf("key %q does not look like a 256-bit key", key)
	}
	var stored int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM api_keys WHERE key_hash::text LIKE '%' || $1 || '%'`, key[3:20]).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the key itself is stored (%d, %v)", stored, err)
	}
	if name, err := VerifyAPIKey(ctx, pool, key); err != nil || name != "erp-sync" {
		t.Fatalf("verify = %q, %v", name, err)
	}
	for _, bad := range []string{"", "og_", key + "x", strings.ToUpper(key), "Bearer " + key} {
		if _, err := VerifyAPIKey(ctx, pool, bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("verify(%q) = %v, want ErrInvalidKey", bad, err)
		}
	}
	if _, err := CreateAPIKey(ctx, pool, "erp-sync"); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Fatalf("duplicate name: %v", err)
	}
	if err := RevokeAPIKey(ctx, pool, "erp-sync"); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyAPIKey(ctx, pool, key); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("revoked key accepted: %v", err)
	}
	keys, err := ListAPIKeys(ctx, pool)
	if err != nil || len(keys) != 1 || !keys[0].Revoked || keys[0].LastUsedAt.IsZero() || keys[0].Prefix != key[:10] {
		t.Fatalf("list = %+v, %v", keys, err)
	}
}
