package masterdata

import (
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress reports rows done to a progress bar and a callback, every
// progressEveryNRows rows.
type progress struct {
	bar  *progressbar.ProgressBar
	cb   func(int64)
	last int64
}

func newProgress(kind Kind, opts ImportOptions) *progress {
	p := &progress{cb: opts.OnProgress}
	if opts.Progress != nil {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(opts.Progress),
			progressbar.OptionSetDescription("importing "+string(kind)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(200*time.Millisecond),
			// No spinner ticker: its goroutine reads the bar without a lock
			// (a data race in progressbar v3.19.1); rows drive the redraw.
			progressbar.OptionSetSpinnerChangeInterval(0),
			progressbar.OptionOnCompletion(func() { _, _ = opts.Progress.Write([]byte("\n")) }),
		)
	}
	return p
}

func (p *progress) row(n int64) {
	if n-p.last < progressEveryNRows {
		return
	}
	p.report(n)
}

func (p *progress) report(n int64) {
	if p.bar != nil {
		_ = p.bar.Add64(n - p.last)
	}
	p.last = n
	if p.cb != nil {
		p.cb(n)
	}
}

func (p *progress) finish(n int64) {
	p.report(n)
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
