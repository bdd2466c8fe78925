package table

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXLimits bound what opening a workbook may unpack.
type XLSXLimits struct {
	// Unzipped bounds the total uncompressed size of the archive's parts
	// (zip bombs). Required.
	Unzipped int64
	// InMemory is the largest worksheet or shared-string table kept in
	// memory; larger ones are unpacked to temporary files and streamed
	// from there (excelize's UnzipXMLSizeLimit). Zero means 16 MiB, or
	// Unzipped when that is smaller.
	InMemory int64
	// Key names the setting behind Unzipped in messages, e.g.
	// "limits.max_zip_expansion".
	Key string
}

// ErrTooLarge is wrapped by the error of a workbook over a limit.
var ErrTooLarge = errors.New("over the limit")

// ErrNotWorkbook is wrapped by the error of a file that is no XLSX
// workbook (another ZIP archive, a broken or encrypted file).
var ErrNotWorkbook = errors.New("not an XLSX workbook")

// kindError is an error whose message is for people and whose kind
// (ErrTooLarge, ErrNotWorkbook) is for errors.Is.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }

func errorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// IsXLSX reports whether data is a ZIP archive holding an Office Open XML
// workbook (the part xl/workbook.xml, ECMA-376 Part 1 section 12.3.23),
// reading only the archive's directory.
func IsXLSX(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), "xl/workbook.xml") {
			return true
		}
	}
	return false
}

// OpenXLSX opens a workbook held in memory. Before excelize unpacks
// anything, the sizes the archive's directory declares are added up and a
// workbook that would unpack to more than lim.Unzipped is refused, so a
// zip bomb costs a directory read; excelize is then given the same bound
// (UnzipSizeLimit) and archive/zip refuses a part whose data runs past its
// declared size. Close the file when done: it may have unpacked a large
// worksheet to a temporary file.
func OpenXLSX(data []byte, lim XLSXLimits) (*excelize.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errorf(ErrNotWorkbook, "the file is not a ZIP archive (%v)", err)
	}
	var total uint64
	workbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), "xl/workbook.xml") {
			workbook = true
		}
	}
	if total > uint64(lim.Unzipped) {
		return nil, errorf(ErrTooLarge, "the workbook unpacks to %s, more than the limit of %s%s; it may be a zip bomb, or a workbook "+
			"far larger than an order (save the order sheet alone, or as CSV)", bytesText(total), bytesText(uint64(lim.Unzipped)), keyText(lim.Key))
	}
	if !workbook {
		return nil, errorf(ErrNotWorkbook, "the ZIP archive has no xl/workbook.xml (save the file as an Excel workbook, .xlsx)")
	}
	inMem := lim.InMemory
	if inMem <= 0 {
		inMem = 16 << 20
	}
	opts := excelize.Options{UnzipSizeLimit: lim.Unzipped, UnzipXMLSizeLimit: min(inMem, lim.Unzipped)}
	f, err := excelize.OpenReader(bytes.NewReader(data), opts)
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, errorf(ErrTooLarge, "the workbook unpacks to more than the limit of %s%s", bytesText(uint64(lim.Unzipped)), keyText(lim.Key))
		}
		return nil, errorf(ErrNotWorkbook, "the workbook cannot be read (%v)", err)
	}
	return f, nil
}

func keyText(key string) string {
	if key == "" {
		return ""
	}
	return " (" + key + ")"
}

// bytesText writes a size for people: 200 MiB, 1.5 GiB, 900 bytes.
func bytesText(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + [...]string{"KiB", "MiB", "GiB", "TiB", "PiB"}[exp]
}
