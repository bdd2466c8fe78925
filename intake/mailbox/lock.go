package mailbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/db"
)

// mailboxLock is a session advisory lock on a dedicated connection: one
// process polls a mailbox at a time, and the lock goes with the
// connection if the process dies.
type mailboxLock struct {
	conn *pgxpool.Conn
	key  int64
}

func lock(ctx context.Context, pool *pgxpool.Pool, name string, retry time.Duration, log *slog.Logger) (*mailboxLock, error) {
	key := db.LockKey("ordergate.mailbox:" + name)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("mailbox: lock connection: %w", err)
	}
	warned := false
	for {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			conn.Release()
			return nil, fmt.Errorf("mailbox: lock: %w", err)
		}
		if ok {
			if warned {
				log.Info("took over the mailbox")
			}
			return &mailboxLock{conn: conn, key: key}, nil
		}
		if !warned {
			log.Info("another ordergate process polls this mailbox; waiting")
			warned = true
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, ctx.Err()
		case <-time.After(min(retry, 5*time.Second)):
		}
	}
}

// check makes sure the session that holds the lock still answers.
func (l *mailboxLock) check(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return l.conn.Ping(cctx)
}

func (l *mailboxLock) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", l.key); err != nil {
		_ = l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}
