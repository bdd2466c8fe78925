// Package table holds what reading a spreadsheet file takes before its
// cells mean anything: the character encoding and delimiter of CSV text,
// and opening an XLSX workbook within limits. Order sheets (parsers/sheet)
// and master-data imports (masterdata) both read files this way.
package table

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names the character encoding a text was found in.
type Encoding string

// Encodings DecodeText tells apart.
const (
	UTF8        Encoding = "UTF-8"
	UTF8BOM     Encoding = "UTF-8 with BOM"
	UTF16LE     Encoding = "UTF-16LE"
	UTF16BE     Encoding = "UTF-16BE"
	Windows1252 Encoding = "Windows-1252"
)

// UTF8ByteOrderMark is U+FEFF in UTF-8, which Excel writes at the start of
// "CSV UTF-8" files.
var UTF8ByteOrderMark = []byte("\xEF\xBB\xBF")

// DecodeText returns text as UTF-8 without a byte order mark, and the
// encoding it was in: UTF-8 (with or without a BOM), UTF-16 little- or
// big-endian with its BOM (Excel's "Unicode text"), or else Windows-1252,
// which Excel and older systems in western Europe write as "ANSI" and which
// holds ISO-8859-1's letters at the same places (å ä ö æ ø ü ß). Text that
// is valid UTF-8 is taken as UTF-8: Windows-1252 letters outside ASCII
// almost never form valid UTF-8 sequences.
func DecodeText(b []byte) ([]byte, Encoding) {
	switch {
	case bytes.HasPrefix(b, UTF8ByteOrderMark):
		return b[3:], UTF8BOM
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return decode(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), b), UTF16LE
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return decode(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), b), UTF16BE
	case utf8.Valid(b):
		return b, UTF8
	}
	return decode(charmap.Windows1252, b), Windows1252
}

func decode(e encoding.Encoding, b []byte) []byte {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		// The decoders above replace what they cannot map; an error is an
		// odd trailing byte of UTF-16, which is dropped.
		out, _ = e.NewDecoder().Bytes(b[:len(b)&^1])
	}
	return out
}

// Delimiters are the field separators of CSV files in the wild: comma,
// semicolon (Excel where the decimal mark is a comma), tab ("text") and
// pipe.
const Delimiters = ",;\t|"

// DetectDelimiter picks the field separator of CSV text among candidates
// (a string of single-byte separators, such as Delimiters) from its first
// lines: the one that splits the most lines into the same number of
// fields, weighted by that number, with quoted fields skipped. A
// letterhead line or a note with a stray comma does not outvote a table,
// and neither do decimal commas inside a semicolon-separated table. Ties
// go to the earlier candidate; text without any goes to the first.
func DetectDelimiter(text []byte, candidates string) byte {
	if len(candidates) == 0 {
		return ','
	}
	const maxLines = 50
	best, bestScore := candidates[0], 0
	for i := 0; i < len(candidates); i++ {
		if s := delimiterScore(text, candidates[i], maxLines); s > bestScore {
			best, bestScore = candidates[i], s
		}
	}
	return best
}

// delimiterScore is, over the first lines of text, (fields - 1) times the
// number of lines with the most common field count above one.
func delimiterScore(text []byte, d byte, maxLines int) int {
	counts := map[int]int{}
	fields, quoted, lines := 1, false, 0
	end := func() {
		if fields > 1 {
			counts[fields]++
		}
		fields = 1
		lines++
	}
	for i := 0; i < len(text) && lines < maxLines; i++ {
		switch c := text[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			end()
		case c == d:
			fields++
		}
	}
	if lines < maxLines {
		end()
	}
	score := 0
	for n, k := range counts {
		score = max(score, (n-1)*k)
	}
	return score
}
