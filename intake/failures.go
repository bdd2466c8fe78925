package intake

import (
	"context"
	"encoding/json"

	"github.com/riverqueue/river"
)

// LogFailedDocuments logs, at WARN, every document whose parse this
// process finished in state failed (no parser reads it, or none of its
// messages is an order), with its id, file name, channel and reason, so
// that a document that never became an order is seen without knowing its
// id (GET /api/v1/documents?state=failed lists them). It returns at once
// and stops when ctx ends.
func (p *Pipeline) LogFailedDocuments(ctx context.Context) {
	if p.opts.Workers == 0 {
		return
	}
	events, cancel := p.client.Subscribe(river.EventKindJobCompleted)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				if ev.Job == nil || ev.Job.Kind != (ParseArgs{}).Kind() {
					continue
				}
				var args ParseArgs
				if err := json.Unmarshal(ev.Job.EncodedArgs, &args); err != nil {
					continue
				}
				p.logIfFailed(ctx, args.DocumentID)
			}
		}
	}()
}

func (p *Pipeline) logIfFailed(ctx context.Context, id int64) {
	var channel, name, reason, state string
	err := p.opts.Pool.QueryRow(ctx, `SELECT channel, file_name, reason, state FROM documents WHERE id = $1`, id).
		Scan(&channel, &name, &reason, &state)
	if err != nil || state != DocFailed {
		return
	}
	p.log.Warn("document failed: no order could be read from it", "document", id, "channel", channel, "file", name, "reason", reason)
}
