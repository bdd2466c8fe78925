package edifact

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// render writes a segment as TAG+e1c1:e1c2+e2*rep..., for comparing.
func render(s *Segment) string {
	var b strings.Builder
	b.WriteString(s.Tag())
	for i := 1; i < len(s.occ); i++ {
		o := s.occ[i]
		if s.occ[i-1].elem == o.elem {
			b.WriteByte('*')
		} else {
			b.WriteByte('+')
		}
		for c := int(o.start); c < s.end(i); c++ {
			if c > int(o.start) {
				b.WriteByte(':')
			}
			b.Write(s.base[int(s.off)+int(s.comps[c].start) : int(s.off)+int(s.comps[c].end)])
		}
	}
	return b.String()
}

// scanAll returns the segments and the first error, of a segment or the
// scanner.
func scanAll(sc *Scanner) ([]string, error) {
	var out []string
	var first error
	for sc.Scan() {
		out = append(out, render(sc.Segment()))
		if e := sc.Segment().Err; e != nil && first == nil {
			first = e
		}
	}
	if first == nil {
		first = sc.Err()
	}
	return out, first
}

func TestScannerSyntax(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rep  byte // repetition separator to set after UNB (syntax version 4)
		want []string
	}{
		{"defaults without UNA", "UNB+UNOA:3+S+R+260101:1200+1'UNH+1+ORDERS:D:96A:UN'",
			0, []string{"UNB+UNOA:3+S+R+260101:1200+1", "UNH+1+ORDERS:D:96A:UN"}},
		{"UNA with unusual separators", "UNA=*,# ~UNB*UNOA=3*S*R~BGM*220*A#*B#~C##D#=E~",
			0, []string{"UNA", "UNB+UNOA:3+S+R", "BGM+220+A*B~C#D=E"}},
		{"release before every service character", "UNB+UNOA:3'FTX+A?:B?+C?'D??E?*F'",
			0, []string{"UNB+UNOA:3", "FTX+A:B+C'D?E*F"}},
		{"release right before the terminator", "UNB+UNOA:3'FTX+ends with ??'NXT+1'",
			0, []string{"UNB+UNOA:3", "FTX+ends with ?", "NXT+1"}},
		{"CRLF after every segment", "UNB+UNOA:3+S'\r\nUNH+1'\r\nUNT+2+1'\r\n",
			0, []string{"UNB+UNOA:3+S", "UNH+1", "UNT+2+1"}},
		{"line breaks inside segments", "UNB+UNOA:3+S'UNH+1+ORD\r\nERS:D:96A:UN'IMD+F++:::long\ntext'",
			0, []string{"UNB+UNOA:3+S", "UNH+1+ORDERS:D:96A:UN", "IMD+F++:::longtext"}},
		{"BOM and white space before UNA", "\xEF\xBB\xBF \r\n\tUNA:+.? 'UNB+UNOC:3'",
			0, []string{"UNA", "UNB+UNOC:3"}},
		{"level B information separators", "UNB\x1DUNOB\x1F1\x1DS\x1CUNH\x1D1\x1C",
			0, []string{"UNB+UNOB:1+S", "UNH+1"}},
		{"syntax version 4 repetitions", "UNB+UNOC:4'NAD+BY+A*B*C:D+X'",
			'*', []string{"UNB+UNOC:4", "NAD+BY+A*B*C:D+X"}},
		{"released repetition separator", "UNB+UNOC:4'FTX+A?*B'",
			'*', []string{"UNB+UNOC:4", "FTX+A*B"}},
		{"empty elements and components", "UNB+UNOA:3'LIN+1++:SA++'",
			0, []string{"UNB+UNOA:3", "LIN+1++:SA++"}},
		{"second interchange brings its own UNA", "UNB+UNOA:3'UNZ+0+1'UNA:|.? 'UNB|UNOA:3|X'",
			0, []string{"UNB+UNOA:3", "UNZ+0+1", "UNA", "UNB+UNOA:3+X"}},
		{"second interchange back to defaults", "UNA:|.? 'UNB|UNOA:3'UNZ|0|1'UNB+UNOA:3+X'",
			0, []string{"UNA", "UNB+UNOA:3", "UNZ+0+1", "UNB+UNOA:3+X"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"bytes", "stream"} {
				var sc *Scanner
				if mode == "bytes" {
					sc = NewBytesScanner([]byte(tt.in))
				} else {
					sc = NewScanner(iotest.OneByteReader(strings.NewReader(tt.in)))
					sc.buf = make([]byte, 8) // force shifting and growing
				}
				var got []string
				for sc.Scan() {
					got = append(got, render(sc.Segment()))
					if sc.Segment().Tag() == "UNB" && tt.rep != 0 {
						sc.SetRepetition(tt.rep)
					}
				}
				if err := sc.Err(); err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("%s:\ngot  %q\nwant %q", mode, got, tt.want)
				}
			}
		})
	}
}

func TestScannerErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		wantErr string
		is      error
	}{
		{"truncated segment", "UNB+UNOA:3'UNH+1+ORD", 0, "UNH (file segment 2): file ends inside the segment (truncated?); it starts at byte 11, line 1; expected the segment terminator '\\''", ErrTruncated},
		{"invalid tag", "UNB+UNOA:3'H`N+1'", 0, "segment tag \"H`N\" is not a valid tag", nil},
		{"junk before the interchange", "#### banner ####\nUNB+UNOA:3'", 0, "the file has 17 bytes before the interchange header UNB at byte 17, line 2: \"#### banner ####\\nUNB...\"", nil},
		{"UNA with one character twice", "UNA::.? 'UNB'", 0, "UNA uses ':' both as component separator and as element separator", nil},
		{"UNA with a letter", "UNAX+.? 'UNB'", 0, "", nil}, // "UNAX" is not a UNA: tag error
		{"segment too long", "UNB+UNOA:3'FTX+" + strings.Repeat("x", 300) + "'", 64, "longer than 64 bytes", ErrSegmentTooLong},
		{"segment too long, terminated", "UNB+UNOA:3'FTX+" + strings.Repeat("x", 30) + "'", 20, "more than the 20 allowed", ErrSegmentTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := NewScanner(strings.NewReader(tt.in))
			sc.buf = make([]byte, 16)
			if tt.max > 0 {
				sc.MaxSegment = tt.max
			}
			_, err := scanAll(sc)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "edifact: ") || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q, want it to contain %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

// TestScannerStreamEqualsBytes reads every fixture through a tiny buffer,
// one byte per Read, and through the zero-copy path: same segments.
func TestScannerStreamEqualsBytes(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.edi")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, errA := scanAll(NewBytesScanner(data))
		sc := NewScanner(iotest.OneByteReader(bytes.NewReader(data)))
		sc.buf = make([]byte, 4)
		b, errB := scanAll(sc)
		if strings.Join(a, "\n") != strings.Join(b, "\n") || (errA == nil) != (errB == nil) {
			t.Errorf("%s: bytes and stream scanners differ:\n%q %v\n%q %v", f, a, errA, b, errB)
		}
	}
}

func TestSegmentAccessors(t *testing.T) {
	sc := NewBytesScanner([]byte("UNB+UNOC:4'NAD+BY+123::9*456::92+Name'"))
	sc.Scan()
	sc.SetRepetition('*')
	sc.Scan()
	s := sc.Segment()
	if s.Len() != 3 || s.Value(1, 1) != "BY" || s.Value(2, 3) != "9" || s.Components(2) != 3 {
		t.Errorf("accessors: len %d, %q %q %d", s.Len(), s.Value(1, 1), s.Value(2, 3), s.Components(2))
	}
	if s.Repetitions(2) != 2 || string(s.RepBytes(2, 1, 1)) != "456" || s.Value(3, 1) != "Name" {
		t.Errorf("repetitions: %d %q %q", s.Repetitions(2), s.RepBytes(2, 1, 1), s.Value(3, 1))
	}
	if s.Bytes(9, 1) != nil || s.Bytes(1, 5) != nil || s.Value(0, 1) != "NAD" {
		t.Error("absent positions must be nil; element 0 is the tag")
	}
}
