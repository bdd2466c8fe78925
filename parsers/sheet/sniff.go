package sheet

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/ordergate/ordergate/parsers/sheet/table"
)

// mailHeader is the first line of an RFC 5322 message ("From: ...",
// "Received: ...", "MIME-Version: 1.0").
var mailHeader = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:[ \t]`)

// sniffCSV tells CSV from other text by its first 4 KiB: not EDIFACT (UNA
// or UNB first) and not a mail (a header line first), and either a row of
// it names a quantity and an item column, or at least three lines split
// into the same three or more fields (two lines will do when they are
// split by semicolons, tabs or pipes). A mail body with a comma or two is
// not a table.
func sniffCSV(head []byte, contentType string) bool {
	if len(head) == 0 || bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.IndexByte(head, 0) >= 0 && !isUTF16(head) {
		return false
	}
	text, _ := table.DecodeText(head)
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("UNA")) || bytes.HasPrefix(trimmed, []byte("UNB+")) || bytes.HasPrefix(trimmed, []byte("ISA")) {
		return false
	}
	first, _, _ := bytes.Cut(trimmed, []byte("\n"))
	if mailHeader.Match(first) {
		return false
	}
	if bytes.IndexByte(text, '\n') < 0 {
		return false
	}
	// The last line of the head may be cut off.
	if i := bytes.LastIndexByte(text, '\n'); len(head) == 4096 && i > 0 {
		text = text[:i]
	}
	g, _, err := readCSV(text, Limits{}.withDefaults())
	if err != nil || len(g.rows) < 2 {
		return false
	}
	for i := range g.rows {
		if fromHeader(g, i) != nil {
			return true
		}
	}
	counts := map[int]int{}
	for _, r := range g.rows {
		n := 0
		for _, c := range r.cells {
			if strings.TrimSpace(c.text) != "" {
				n++
			}
		}
		if len(r.cells) >= 3 && n >= 2 {
			counts[len(r.cells)]++
		}
	}
	// Semicolons, tabs and pipes seldom split prose: two such lines do.
	need := 3
	if text, _ := table.DecodeText(head); table.DetectDelimiter(text, table.Delimiters) != ',' {
		need = 2
	}
	for _, k := range counts {
		if k >= need {
			return true
		}
	}
	return strings.HasPrefix(contentType, "text/csv") && len(counts) > 0
}

func isUTF16(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF)
}
