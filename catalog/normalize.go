package catalog

import (
	"errors"
	"strconv"
	"strings"
)

// Errors ParseGTIN returns; callers may tell them apart with errors.Is.
var (
	ErrGTINDigits     = errors.New("catalog: GTIN must contain only digits")
	ErrGTINLength     = errors.New("catalog: GTIN must have 8, 12, 13 or 14 digits")
	ErrGTINCheckDigit = errors.New("catalog: GTIN check digit is wrong")
)

// ParseGTIN validates a GTIN-8, -12 (UPC-A), -13 (EAN) or -14 and returns it
// as a number; written with 14 digits (FormatGTIN) that is the GTIN-14 form,
// so all lengths of one code compare equal. Surrounding and embedded spaces
// are ignored. See GS1 General Specifications section 7.9 (check digit).
func ParseGTIN(s string) (uint64, error) {
	var v uint64
	n := 0
	var digits [14]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' {
			continue
		}
		if c < '0' || c > '9' {
			return 0, ErrGTINDigits
		}
		if n == len(digits) {
			return 0, ErrGTINLength
		}
		digits[n] = c - '0'
		n++
		v = v*10 + uint64(c-'0')
	}
	switch n {
	case 8, 12, 13, 14:
	default:
		return 0, ErrGTINLength
	}
	if checkDigit(digits[:n-1]) != digits[n-1] {
		return 0, ErrGTINCheckDigit
	}
	if v == 0 {
		return 0, ErrGTINCheckDigit
	}
	return v, nil
}

// checkDigit computes the GS1 mod-10 check digit of the digits before it:
// from the right, weights 3, 1, 3, ...
func checkDigit(d []byte) byte {
	sum := 0
	w := 3
	for i := len(d) - 1; i >= 0; i-- {
		sum += int(d[i]) * w
		w = 4 - w
	}
	return byte((10 - sum%10) % 10)
}

// GTINCheckDigit returns the check digit for the given digits (without the
// check digit), for generating test data and GTINs.
func GTINCheckDigit(digits string) (byte, error) {
	d := make([]byte, len(digits))
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, ErrGTINDigits
		}
		d[i] = digits[i] - '0'
	}
	return '0' + checkDigit(d), nil
}

// FormatGTIN writes a GTIN as 14 digits with leading zeros.
func FormatGTIN(v uint64) string {
	var b [20]byte
	s := strconv.AppendUint(b[:0], v, 10)
	if len(s) >= 14 {
		return string(s)
	}
	return strings.Repeat("0", 14-len(s)) + string(s)
}

// NormalizeCode returns the comparable form of a SKU, customer item code or
// PO number: ASCII letters upper-cased, spaces, tabs, dashes, dots and
// slashes removed ("ab-12.3" -> "AB123").
func NormalizeCode(s string) string {
	var buf [64]byte
	return string(appendCode(buf[:0], s))
}

// appendCode appends the normalised form of s to dst.
func appendCode(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t' || c == '_':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// NormalizeEmail returns the lower-cased bare address of "Name <a@b>" or
// "a@b", and "" when there is no '@'.
func NormalizeEmail(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '@') <= 0 {
		return ""
	}
	return lowerASCII(s)
}

// EmailDomain returns the lower-cased domain of an address, or "".
func EmailDomain(addr string) string {
	addr = NormalizeEmail(addr)
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return addr[i+1:]
}

// NormalizeDomain lower-cases a domain and removes a leading "@" and a
// trailing dot.
func NormalizeDomain(s string) string {
	s = lowerASCII(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "@")
	return strings.TrimSuffix(s, ".")
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// normalizeID trims and upper-cases an identifier such as a customer number
// or an EDI interchange id.
func normalizeID(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}
