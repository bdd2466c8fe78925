package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testdata of the EDIFACT reader, partner files written for issue 14.
const ediTestdata = "../../parsers/edifact/testdata/"

// parsedOrder is what these tests read of parse's output.
type parsedOrder struct {
	PO         string `json:"po_number"`
	SourceFile string `json:"source_file"`
	Status     string `json:"status"`
	Lines      []struct {
		LineNo int `json:"line_no"`
	} `json:"lines"`
	Exceptions []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"exceptions"`
	Warnings []string `json:"warnings"`
}

func runParse(t *testing.T, args ...string) (int, []parsedOrder, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"parse"}, args...)...)
	cmd.Env = append(os.Environ(), "ORDERGATE_CONFIG=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var orders []parsedOrder
	if err := json.Unmarshal(stdout.Bytes(), &orders); err != nil {
		t.Fatalf("stdout is not a JSON array of orders: %v\n%s", err, stdout.String())
	}
	return code, orders, stderr.String()
}

// TestParseEDIFACTBreadth: parse exits non-zero whenever a message was
// lost or a file refused, says why on stderr, and names each order's file
// (issue 14, points 5, 6 and 8).
func TestParseEDIFACTBreadth(t *testing.T) {
	tests := []struct {
		name   string
		files  []string
		exit   int
		pos    []string
		stderr []string
	}{
		{"a damaged UNH loses its message, not silently", []string{"damaged_unh.edi"}, 1, []string{"4500017731"},
			[]string{`damaged_unh.edi: edifact: message 1 (ORDERS "1"): UNH #1 (file segment 3): the message header is damaged or missing: a segment with the damaged tag "U#H"`}},
		{"orders glued into one message", []string{"structure.edi"}, 1, []string{"4500017750", "4500017751"},
			[]string{`structure.edi: edifact: message 3 (ORDERS "3"): BGM #6 (file segment 62): a second BGM`, `structure.edi: warning: edifact: message 1 (ORDERS "1"): DTM #38 (file segment 39): segment DTM occurs 36 times`}},
		{"junk before UNB", []string{"junk_before_unb.edi"}, 1, nil,
			[]string{`junk_before_unb.edi: edifact: the file has 77 bytes before the interchange header UNA at byte 77, line 3`}},
		{"no apostrophes", []string{"newline_terminated.edi"}, 1, nil,
			[]string{`the segments end in line breaks instead (the first at byte 63, line 1`}},
		{"a damaged UNB", []string{"damaged_unb.edi"}, 1, nil, []string{`the interchange header is damaged`}},
		{"messages without UNB are read", []string{"no_unb.edi"}, 0, []string{"WEB-88812", "WEB-88813"},
			[]string{`no_unb.edi: warning: edifact: UNH (file segment 1): the file has no interchange header (UNB)`}},
		{"two files, each order names its own", []string{"split_delivery.edi", "d01b_imd_language.edi"}, 0, []string{"4500017720", "4500017711"}, nil},
		{"a GLN with a wrong check digit is flagged, the order read", []string{"check_digits.edi"}, 0, []string{"4500017760"},
			[]string{`check_digits.edi: warning: edifact: message 1 (ORDERS "1"): NAD #5 (file segment 6) element 2.1: NAD+DP GLN 4001234000016 has a wrong check digit`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			for _, f := range tt.files {
				args = append(args, ediTestdata+f)
			}
			code, orders, stderr := runParse(t, args...)
			if code != tt.exit {
				t.Errorf("exit %d, want %d\n%s", code, tt.exit, stderr)
			}
			var pos []string
			for _, o := range orders {
				pos = append(pos, o.PO)
				if !strings.HasPrefix(o.SourceFile, ediTestdata) || !strings.HasSuffix(o.SourceFile, ".edi") {
					t.Errorf("order %s names file %q", o.PO, o.SourceFile)
				}
			}
			if strings.Join(pos, ",") != strings.Join(tt.pos, ",") {
				t.Errorf("orders %v, want %v", pos, tt.pos)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if len(tt.files) == 2 && (len(orders) != 2 || !strings.HasSuffix(orders[0].SourceFile, tt.files[0]) || !strings.HasSuffix(orders[1].SourceFile, tt.files[1])) {
				t.Errorf("source files %+v", orders)
			}
		})
	}
}

// TestParseAppliesMaxLines: parse reads limits.max_lines like the pipeline:
// an order over it is printed as read with a PARSE_ERROR, and the exit
// status says so (issue 14, point 7).
func TestParseAppliesMaxLines(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "ordergate.yaml")
	if err := os.WriteFile(cfg, []byte("limits:\n  max_lines: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, orders, stderr := runParse(t, "--config", cfg, ediTestdata+"split_delivery.edi", ediTestdata+"d01b_imd_language.edi")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "split_delivery.edi: order 4500017720: the order has 4 lines; the limit is 3 (limits.max_lines)") {
		t.Errorf("stderr: %s", stderr)
	}
	if len(orders) != 2 || len(orders[0].Lines) != 4 || orders[0].Status != "review" || len(orders[0].Exceptions) != 1 ||
		orders[0].Exceptions[0].Code != "PARSE_ERROR" || orders[1].Status != "" {
		t.Fatalf("orders %+v", orders)
	}
}
