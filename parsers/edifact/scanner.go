package edifact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// Segment is one segment as the Scanner yields it. Its data are sub-slices
// of the Scanner's buffer (zero-copy); they are valid only until the next
// call to Scan. Element and component positions are 1-based as in the
// directories: element 1 is the first data element after the tag.
type Segment struct {
	tag string // the tag when it is not one of knownTags (see Tag)
	// Pos is the 1-based position of the segment in the stream, counting
	// UNA; Offset is the byte offset where it starts.
	Pos    int
	Offset int64
	// Err is set when the segment's tag is not valid (not three upper-case
	// letters or digits), a sign of wrong separators or a damaged file.
	// Scanning goes on with the next segment.
	Err *Error

	id uint8 // index in knownTags, 0 when unknown
	// The segment's bytes are base[off:] (the Scanner's buffer, or its
	// unescaped copy). base changes only when that buffer does, so scanning
	// stores no pointer per segment: with the collector running, every
	// pointer store costs a write barrier.
	base  []byte
	off   int32
	comps []span // every component, element after element, as offsets into base[off:]
	occ   []occ  // element occurrences (more than one per element with repetitions)
}

// span is a component's position in the segment's bytes. Offsets rather than
// sub-slices keep the component table free of pointers: no write barriers
// and nothing for the garbage collector to scan.
type span struct{ start, end int32 }

// occ is one occurrence of an element: where its components start in comps.
type occ struct {
	start int32 // index into comps
	elem  int32 // logical element number (0 = tag)
}

// Tag returns the segment tag (e.g. "LIN"); for the service string advice
// it is "UNA" and the segment has no elements.
func (s *Segment) Tag() string {
	if s.id != 0 {
		return knownTags[s.id]
	}
	return s.tag
}

// Len returns the number of elements after the tag.
func (s *Segment) Len() int {
	if len(s.occ) == 0 {
		return 0
	}
	return int(s.occ[len(s.occ)-1].elem)
}

// find returns the index into occ of repetition r (0-based) of element e.
func (s *Segment) find(e, r int) int {
	i := e
	if i < len(s.occ) && int(s.occ[i].elem) == e && r == 0 {
		return i // fast path: no repetition before e
	}
	for i = 0; i < len(s.occ); i++ {
		if int(s.occ[i].elem) == e {
			if r == 0 {
				return i
			}
			r--
		}
	}
	return -1
}

// Components returns the number of components of element e.
func (s *Segment) Components(e int) int {
	i := s.find(e, 0)
	if i < 0 {
		return 0
	}
	return s.end(i) - int(s.occ[i].start)
}

func (s *Segment) end(i int) int {
	if i+1 < len(s.occ) {
		return int(s.occ[i+1].start)
	}
	return len(s.comps)
}

// Bytes returns component c of element e (first repetition), or nil when
// absent. The slice aliases the Scanner's buffer.
func (s *Segment) Bytes(e, c int) []byte {
	// Fast path, nearly every value: no repetition before element e, so
	// its occurrence is occ[e].
	if e < len(s.occ) && int(s.occ[e].elem) == e && c >= 1 {
		j := int(s.occ[e].start) + c - 1
		end := len(s.comps)
		if e+1 < len(s.occ) {
			end = int(s.occ[e+1].start)
		}
		if j >= end {
			return nil
		}
		sp := s.comps[j]
		a, b := int(s.off)+int(sp.start), int(s.off)+int(sp.end)
		return s.base[a:b:b]
	}
	return s.RepBytes(e, 0, c)
}

// RepBytes returns component c of repetition r (0-based) of element e.
// Repetitions exist in syntax version 4 (ISO 9735-1 section 7.3).
func (s *Segment) RepBytes(e, r, c int) []byte {
	i := s.find(e, r)
	if i < 0 || c < 1 {
		return nil
	}
	j := int(s.occ[i].start) + c - 1
	if j >= s.end(i) {
		return nil
	}
	sp := s.comps[j]
	a, b := int(s.off)+int(sp.start), int(s.off)+int(sp.end)
	return s.base[a:b:b]
}

// Repetitions returns how many times element e occurs.
func (s *Segment) Repetitions(e int) int {
	n := 0
	for _, o := range s.occ {
		if int(o.elem) == e {
			n++
		}
	}
	return n
}

// Value returns component c of element e as a string, without charset
// decoding (use for codes and numbers).
func (s *Segment) Value(e, c int) string { return string(s.Bytes(e, c)) }

// Scanner reads segments from a stream with memory bounded by the longest
// segment, not by the size of the stream. It applies the UNA service string
// advice, removes release characters, and ignores line breaks between and
// inside segments (when they are not service characters themselves), as
// many senders wrap their files. See ISO 9735-1 sections 7 and 9.
type Scanner struct {
	r      io.Reader
	buf    []byte
	pos    int // start of unread data in buf
	end    int // end of data in buf
	base   int64
	eof    bool
	err    error
	delims Delimiters
	una    bool // the current interchange declared its delimiters in UNA
	cls    [256]uint8
	space  [256]bool // white space between segments: not a service character
	seg    Segment
	count  int
	first  bool
	bare   bool   // the file starts with UNH: messages without an interchange
	slow   []byte // unescaped copy of the current segment, when needed
	marks  []mark
	lines  int   // line breaks before base (what fill discarded)
	lineAt int64 // the offset of the last Line call, and its line
	lineNo int

	// MaxSegment bounds the length of one segment (default 1 MiB); a
	// longer segment is an error, which keeps memory bounded on bad input.
	MaxSegment int
}

const (
	clsComp = 1 + iota
	clsElem
	clsRep
	clsRelease
	clsStrip
)

// ErrSegmentTooLong is wrapped when a segment exceeds Scanner.MaxSegment.
var ErrSegmentTooLong = errors.New("edifact: segment too long")

// ErrTruncated is wrapped when the stream ends inside a segment.
var ErrTruncated = errors.New("edifact: file ends inside a segment")

// NewScanner returns a Scanner reading from r with a 64 KiB buffer that
// grows only for segments longer than that.
func NewScanner(r io.Reader) *Scanner {
	s := &Scanner{r: r, buf: make([]byte, 64<<10), first: true, MaxSegment: 1 << 20}
	s.setDelims(DefaultDelimiters)
	return s
}

// NewBytesScanner returns a Scanner over data that never copies it: segment
// data are sub-slices of data unless a release character or a line break
// inside the segment forces an unescaped copy. data is not modified.
func NewBytesScanner(data []byte) *Scanner {
	s := &Scanner{buf: data, end: len(data), eof: true, first: true, MaxSegment: 1 << 20}
	s.setDelims(DefaultDelimiters)
	return s
}

// Delimiters returns the service characters in force.
func (s *Scanner) Delimiters() Delimiters { return s.delims }

// HasUNA reports whether the current interchange began with a UNA.
func (s *Scanner) HasUNA() bool { return s.una }

// SetRepetition sets the repetition separator once the syntax version is
// known from UNB 0002: only version 4 has one (ISO 9735-1 section 7.3).
func (s *Scanner) SetRepetition(c byte) {
	d := s.delims
	d.Repetition = c
	s.setDelims(d)
}

func (s *Scanner) setDelims(d Delimiters) {
	s.delims = d
	s.cls = [256]uint8{}
	s.cls['\r'] = clsStrip
	s.cls['\n'] = clsStrip
	s.cls[d.Component] = clsComp
	s.cls[d.Element] = clsElem
	if d.Repetition != 0 {
		s.cls[d.Repetition] = clsRep
	}
	if d.Release != 0 {
		s.cls[d.Release] = clsRelease
	}
	s.cls[d.Segment] = 0
	s.space = [256]bool{}
	for _, c := range []byte{' ', '\t', '\r', '\n'} {
		s.space[c] = c != d.Segment && c != d.Element && c != d.Component
	}
}

var newline = []byte{'\n'}

// Line returns the 1-based line of the byte at offset off of the stream, or
// 0 when the stream has moved past it. It is for error messages: a file's
// segments need not be on lines of their own.
func (s *Scanner) Line(off int64) int {
	if off < s.base || off > s.base+int64(s.end) {
		return 0
	}
	rel := int(off - s.base)
	from, n := 0, s.lines+1
	if s.lineNo > 0 && s.lineAt <= off {
		from, n = int(s.lineAt-s.base), s.lineNo
	}
	n += bytes.Count(s.buf[from:rel], newline)
	s.lineAt, s.lineNo = off, n
	return n
}

// Segment returns the segment read by the last successful Scan.
func (s *Scanner) Segment() *Segment { return &s.seg }

// Err returns the first error, or nil at a clean end of input.
func (s *Scanner) Err() error { return s.err }

// fill reads more data, keeping buf[pos:end]. It returns false at EOF.
func (s *Scanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.lines += bytes.Count(s.buf[:s.pos], newline)
		s.lineAt, s.lineNo = 0, 0
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.MaxSegment+16 {
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.MaxSegment+16))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			if err != io.EOF {
				s.err = fmt.Errorf("edifact: reading: %w", err)
			}
			s.eof = true
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (s *Scanner) isSpace(c byte) bool { return s.space[c] }

// Scan advances to the next segment. It returns false at the end of input
// or on an error (see Err).
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	// Skip a byte order mark and white space before the segment.
	if s.first {
		for s.end-s.pos < 3 && s.fill() {
		}
		if s.end-s.pos >= 3 && s.buf[s.pos] == 0xEF && s.buf[s.pos+1] == 0xBB && s.buf[s.pos+2] == 0xBF {
			s.pos += 3
		}
	}
	for {
		for s.pos < s.end && s.isSpace(s.buf[s.pos]) {
			s.pos++
		}
		if s.pos < s.end || !s.fill() {
			break
		}
	}
	if s.pos >= s.end {
		return false
	}
	// Service string advice or interchange header: settle the delimiters.
	for s.end-s.pos < 9 && s.fill() {
	}
	head := s.buf[s.pos:s.end]
	if s.first {
		s.first = false
		if !(len(head) >= 3 && head[0] == 'U' && head[1] == 'N' && (head[2] == 'A' || head[2] == 'B')) {
			// What it is instead is told by more than nine bytes.
			for s.end-s.pos < 4096 && s.fill() {
			}
			if head = s.buf[s.pos:s.end]; !bareMessage(head) {
				s.err = startError(head, s.base+int64(s.pos), s.Line)
				return false
			}
			s.bare = true // read as if UNB were there; the reader says so
		}
	}
	if len(head) >= 3 && head[0] == 'U' && head[1] == 'N' && head[2] == 'A' && (len(head) < 4 || !isAlnum(head[3])) {
		d, err := parseUNA(head[3:min(9, len(head))])
		if err != nil {
			s.err = &Error{Segment: "UNA", Pos: s.count + 1, Code: CodeInvalidServiceChar, Msg: trimPrefix(err)}
			return false
		}
		s.setDelims(d)
		s.una = true
		s.count++
		s.seg = Segment{id: idUNA, Pos: s.count, Err: nil, Offset: s.base + int64(s.pos), comps: s.seg.comps[:0], occ: s.seg.occ[:0]}
		s.pos += 9
		return true
	}
	if len(head) >= 4 && head[0] == 'U' && head[1] == 'N' && head[2] == 'B' && !s.una {
		switch c := head[3]; {
		case c == s.delims.Element:
		case c == '+':
			s.setDelims(DefaultDelimiters)
		case c == 0x1D:
			s.setDelims(LevelBDelimiters)
		case c > ' ' && c < 0x7F && !isAlnum(c) && len(head) > 5 && isSyntaxID(head[4:]):
			off := s.base + int64(s.pos)
			s.err = &Error{Segment: "UNB", Pos: s.count + 1, Code: CodeInvalidServiceChar, Msg: fmt.Sprintf(
				"UNB is followed by %q, not the data element separator '+' (at byte %d, line %d), and no UNA service string advice names %q: the file uses service characters of its own without declaring them; expected UNA before UNB",
				c, off, s.Line(off), c)}
			return false
		}
	}
	// Find the unescaped segment terminator.
	from := s.pos
	for {
		i := bytes.IndexByte(s.buf[from:s.end], s.delims.Segment)
		if i >= 0 {
			t := from + i
			if s.escaped(t) {
				from = t + 1
				continue
			}
			raw := s.buf[s.pos:t]
			if len(raw) > s.MaxSegment {
				s.err = &Error{Segment: tagOf(raw), Pos: s.count + 1, Code: CodeTooLong, Msg: fmt.Sprintf("segment is %d bytes long, more than the %d allowed", len(raw), s.MaxSegment), wrapped: ErrSegmentTooLong}
				return false
			}
			start, off := s.pos, s.base+int64(s.pos)
			s.pos = t + 1
			return s.emit(raw, start, off)
		}
		from = s.end
		p0 := s.pos
		if !s.fill() {
			if s.err != nil {
				return false
			}
			raw := s.buf[s.pos:s.end]
			if s.end-s.pos >= s.MaxSegment {
				if msg, ok := noTerminator(raw, s.delims.Segment, s.base+int64(s.pos), s.Line); ok {
					s.err = &Error{Segment: tagOf(raw), Pos: s.count + 1, Code: CodeMissing, Msg: msg}
					return false
				}
				s.err = &Error{Segment: tagOf(raw), Pos: s.count + 1, Code: CodeTooLong, Msg: fmt.Sprintf("segment is longer than %d bytes without a segment terminator %q", s.MaxSegment, s.delims.Segment), wrapped: ErrSegmentTooLong}
				return false
			}
			if msg, ok := noTerminator(raw, s.delims.Segment, s.base+int64(s.pos), s.Line); ok {
				s.err = &Error{Segment: tagOf(raw), Pos: s.count + 1, Code: CodeMissing, Msg: msg}
				return false
			}
			off := s.base + int64(s.pos)
			s.err = &Error{Segment: tagOf(raw), Pos: s.count + 1, Code: CodeMissing, Msg: fmt.Sprintf("file ends inside the segment (truncated?); it starts at byte %d, line %d; expected the segment terminator %q", off, s.Line(off), s.delims.Segment), wrapped: ErrTruncated}
			return false
		}
		from -= p0 - s.pos // buffer may have moved
	}
}

// escaped reports whether the terminator at t is preceded by an odd run of
// release characters.
func (s *Scanner) escaped(t int) bool {
	rel := s.delims.Release
	if rel == 0 {
		return false
	}
	n := 0
	for j := t - 1; j >= s.pos && s.buf[j] == rel; j-- {
		n++
	}
	return n%2 == 1
}

func tagOf(raw []byte) string {
	n := 0
	for n < len(raw) && n < 3 && isAlnum(raw[n]) {
		n++
	}
	if n == 0 {
		return "?"
	}
	return string(raw[:n])
}

// emit splits raw into the current segment.
func (s *Scanner) emit(raw []byte, start int, off int64) bool {
	s.count++
	seg := &s.seg
	seg.Pos, seg.Offset = s.count, off
	if s.split(raw) {
		seg.setBase(s.buf, start)
	} else {
		s.splitSlow(raw)
	}
	// The tag is the first component (comps is never empty after a split).
	sp := seg.comps[0]
	tag := seg.base[int(seg.off)+int(sp.start) : int(seg.off)+int(sp.end)]
	if seg.Err != nil {
		seg.Err = nil
	}
	if !validTag(tag) {
		seg.tag, seg.id = tagOf(raw), 0
		seg.Err = &Error{Segment: seg.Tag(), Pos: s.count, Code: CodeInvalidChar, Msg: fmt.Sprintf("segment tag %q is not a valid tag; expected three upper-case letters or digits (wrong separators or a damaged file?)", clip(tag))}
		return true
	}
	// A known tag is its id, and Tag reads it from knownTags: storing the
	// string would be a pointer write, through the collector's write
	// barrier, for every segment.
	t, id := internTag(tag)
	if id == 0 {
		seg.tag = t
	}
	seg.id = id
	if id == idUNZ && s.una {
		s.una = false // the next interchange may bring its own UNA
	}
	return true
}

// describeHead names what a file that is not EDIFACT starts with.
func describeHead(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("ISA")):
		return fmt.Sprintf("%q: an ANSI X12 interchange, not UN/EDIFACT", clip(head))
	case bytes.HasPrefix(head, []byte("STX=")):
		return fmt.Sprintf("%q: a TRADACOMS file, not UN/EDIFACT", clip(head))
	}
	return fmt.Sprintf("%q", clip(head))
}

func clip(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "..."
	}
	return string(b)
}

func validTag(t []byte) bool {
	if len(t) != 3 {
		return false
	}
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// split is the zero-copy path: it returns false when the segment holds a
// release character or a line break and must be unescaped.
func (s *Scanner) split(raw []byte) bool {
	seg := &s.seg
	comps := seg.comps[:0]
	oc := append(seg.occ[:0], occ{0, 0})
	start, elem := int32(0), int32(0)
	cls := &s.cls
	for i := 0; i < len(raw); i++ {
		// Most bytes are data: skip them in a loop of a few instructions.
		for cls[raw[i]] == 0 {
			if i++; i == len(raw) {
				seg.setTables(append(comps, span{start, int32(len(raw))}), oc)
				return true
			}
		}
		switch cls[raw[i]] {
		case clsComp:
			comps = append(comps, span{start, int32(i)})
		case clsElem:
			comps = append(comps, span{start, int32(i)})
			elem++
			oc = append(oc, occ{int32(len(comps)), elem})
		case clsRep:
			comps = append(comps, span{start, int32(i)})
			oc = append(oc, occ{int32(len(comps)), elem})
		default:
			seg.setTables(comps, oc)
			return false
		}
		start = int32(i + 1)
	}
	seg.setTables(append(comps, span{start, int32(len(raw))}), oc)
	return true
}

// setTables stores the component tables; when their arrays did not move
// (they are reused from segment to segment) only the lengths are written,
// which needs no write barrier.
func (seg *Segment) setTables(comps []span, oc []occ) {
	if unsafe.SliceData(comps) == unsafe.SliceData(seg.comps) {
		seg.comps = seg.comps[:len(comps)]
	} else {
		seg.comps = comps
	}
	if unsafe.SliceData(oc) == unsafe.SliceData(seg.occ) {
		seg.occ = seg.occ[:len(oc)]
	} else {
		seg.occ = oc
	}
}

// setBase points the segment at b[off:], storing b only when it changed.
func (seg *Segment) setBase(b []byte, off int) {
	if unsafe.SliceData(seg.base) != unsafe.SliceData(b) || len(seg.base) != len(b) {
		seg.base = b
	}
	seg.off = int32(off)
}

// splitSlow copies raw into a scratch buffer, dropping release characters
// and line breaks, and splits it there.
func (s *Scanner) splitSlow(raw []byte) {
	if cap(s.slow) < len(raw) {
		s.slow = make([]byte, 0, len(raw)+len(raw)/2)
	}
	out := s.slow[:0]
	seg := &s.seg
	marks := s.marks[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch s.cls[c] {
		case clsRelease:
			if i+1 < len(raw) {
				i++
				out = append(out, raw[i])
			}
			continue
		case clsStrip:
			continue
		case clsComp, clsElem, clsRep:
			marks = append(marks, mark{int32(len(out)), s.cls[c]})
			continue
		}
		out = append(out, c)
	}
	s.slow, s.marks = out, marks
	comps := seg.comps[:0]
	oc := append(seg.occ[:0], occ{0, 0})
	start, elem := int32(0), int32(0)
	for _, m := range marks {
		comps = append(comps, span{start, m.end})
		switch m.kind {
		case clsElem:
			elem++
			oc = append(oc, occ{int32(len(comps)), elem})
		case clsRep:
			oc = append(oc, occ{int32(len(comps)), elem})
		}
		start = m.end
	}
	seg.setBase(out[:cap(out)], 0)
	seg.setTables(append(comps, span{start, int32(len(out))}), oc)
}

// mark is a separator position in the unescaped copy of a segment.
type mark struct {
	end  int32
	kind uint8
}

// tagIndex maps a three-letter tag (A-Z only) to its index in knownTags.
var tagIndex = func() *[26 * 26 * 26]uint8 {
	var t [26 * 26 * 26]uint8
	for i, tag := range knownTags[1:] {
		t[tagKey(tag[0], tag[1], tag[2])] = uint8(i + 1)
	}
	return &t
}()

func tagKey(a, b, c byte) int { return int(a-'A')*676 + int(b-'A')*26 + int(c-'A') }

func internTag(b []byte) (string, uint8) {
	if b[0] >= 'A' && b[1] >= 'A' && b[2] >= 'A' {
		if i := tagIndex[tagKey(b[0], b[1], b[2])]; i != 0 {
			return knownTags[i], i
		}
	}
	return string(b), 0
}
