package email

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"
)

// Limits bound what the MIME reader takes in. A mail over one is refused
// as a whole, with a reason that names the limit (ErrLimit); its raw bytes
// stay stored and it can be read again once the limit is raised.
type Limits struct {
	// MaxMessageBytes is the largest mail, default 25 MiB.
	MaxMessageBytes int64
	// MaxAttachmentBytes is the largest part once decoded (base64,
	// quoted-printable), default 10 MiB.
	MaxAttachmentBytes int64
	// MaxParts is the most MIME entities, containers included, default 100.
	MaxParts int
}

// Defaults of Limits.
const (
	DefaultMaxMessageBytes    = 25 << 20
	DefaultMaxAttachmentBytes = 10 << 20
	DefaultMaxParts           = 100
	// maxDepth bounds nested multiparts and forwarded mails.
	maxDepth = 8
)

func (l Limits) withDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxParts
	}
	return l
}

// ErrLimit is wrapped by the errors of a mail over one of the Limits.
var ErrLimit = errors.New("email: the mail is over a limit")

// ErrUnreadable is wrapped by the errors of bytes that are no mail at all.
var ErrUnreadable = errors.New("email: the mail cannot be read")

// part is one MIME entity. Leaves and forwarded messages are numbered
// (index, 1-based, depth first) for the review screen and the download.
type part struct {
	index       int
	header      message.Header
	mediaType   string
	params      map[string]string
	disposition string
	name        string
	data        []byte // the body, transfer encoding decoded, charset as sent
	text        string // text/*: data in UTF-8
	children    []*part
	inner       *part // message/rfc822: the forwarded mail
	problem     string
}

type mimeReader struct {
	lim      Limits
	entities int
	leaves   []*part
	warnings []string
}

// readMail reads the MIME structure of a raw mail within the limits.
func readMail(raw []byte, lim Limits) (*part, []*part, []string, error) {
	lim = lim.withDefaults()
	if int64(len(raw)) > lim.MaxMessageBytes {
		return nil, nil, nil, fmt.Errorf("%w: the mail is %d bytes; the largest accepted is %d (max_message_bytes)", ErrLimit, len(raw), lim.MaxMessageBytes)
	}
	r := &mimeReader{lim: lim}
	root, err := r.read(bytes.NewReader(raw), 0)
	if err != nil {
		return nil, nil, nil, err
	}
	return root, r.leaves, r.warnings, nil
}

func (r *mimeReader) read(rd io.Reader, depth int) (*part, error) {
	br := bufio.NewReader(rd)
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: its header is not a mail header (%v)", ErrUnreadable, err)
	}
	return r.entity(h, br, depth)
}

func (r *mimeReader) entity(h textproto.Header, body io.Reader, depth int) (*part, error) {
	r.entities++
	if r.entities > r.lim.MaxParts {
		return nil, fmt.Errorf("%w: the mail has more than %d parts (max_parts)", ErrLimit, r.lim.MaxParts)
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: the mail nests parts or forwarded mails more than %d deep", ErrLimit, maxDepth)
	}
	p := &part{header: message.Header{Header: h}}
	mt, params, err := p.header.ContentType()
	if err != nil || mt == "" {
		mt, params = "text/plain", map[string]string{}
	}
	p.mediaType, p.params = strings.ToLower(mt), params
	if disp, dparams, err := p.header.ContentDisposition(); err == nil {
		p.disposition = strings.ToLower(disp)
		p.name = dparams["filename"]
	}
	if p.name == "" {
		p.name = params["name"]
	}
	p.name = decodeWords(p.name)

	if strings.HasPrefix(p.mediaType, "multipart/") {
		mr := textproto.NewMultipartReader(body, params["boundary"])
		for {
			tp, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				r.warnings = append(r.warnings, fmt.Sprintf("the mail's structure is broken after %d parts (%v); the parts before were read", len(p.children), err))
				break
			}
			c, err := r.entity(tp.Header, tp, depth+1)
			if err != nil {
				return nil, err
			}
			p.children = append(p.children, c)
		}
		return p, nil
	}

	r.leaves = append(r.leaves, p)
	p.index = len(r.leaves)
	// Decode the transfer encoding only: an attachment's bytes reach its
	// parser as sent (an EDIFACT file in its own character set).
	dh := p.header.Copy()
	dh.SetContentType("application/octet-stream", nil)
	ent, err := message.New(dh, body)
	if err != nil && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: part %d: %v", ErrUnreadable, p.index, err)
	}
	data, err := io.ReadAll(io.LimitReader(ent.Body, r.lim.MaxAttachmentBytes+1))
	if int64(len(data)) > r.lim.MaxAttachmentBytes {
		return nil, fmt.Errorf("%w: part %d (%s) is larger than %d bytes (max_attachment_bytes)", ErrLimit, p.index, p.label(), r.lim.MaxAttachmentBytes)
	}
	if err != nil {
		p.problem = fmt.Sprintf("its content cannot be decoded (%v)", err)
	}
	p.data = data
	switch {
	case strings.HasPrefix(p.mediaType, "text/"):
		p.text = decodeText(data, params["charset"])
	case p.mediaType == "message/rfc822" || p.mediaType == "message/global":
		inner, err := r.read(bytes.NewReader(data), depth+1)
		if errors.Is(err, ErrLimit) {
			return nil, err
		}
		if err != nil {
			p.problem = "the forwarded mail cannot be read"
		} else {
			p.inner = inner
		}
	}
	return p, nil
}

// label names a part for people: its file name, else its type.
func (p *part) label() string {
	if p.name != "" {
		return p.name
	}
	return p.mediaType
}

// attachment reports a part sent as a file rather than as the text.
func (p *part) attachment() bool {
	return p.disposition == "attachment" || (p.name != "" && p.disposition != "inline")
}

// decodeText turns a text part into UTF-8: its declared character set,
// else UTF-8 when it is valid, else Windows-1252 (the superset of Latin-1
// that mail programs mean when they declare nothing or something unknown).
func decodeText(data []byte, cs string) string {
	if cs != "" && !strings.EqualFold(cs, "us-ascii") && !strings.EqualFold(cs, "utf-8") {
		if rd, err := charset.Reader(cs, bytes.NewReader(data)); err == nil {
			if b, err := io.ReadAll(rd); err == nil {
				return string(b)
			}
		}
	}
	if utf8.Valid(data) {
		return string(data)
	}
	b, _ := charmap.Windows1252.NewDecoder().Bytes(data)
	return string(b)
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeWords decodes RFC 2047 encoded words ("=?iso-8859-1?Q?Best=E4llning?=").
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// headerText returns a header field decoded, "" when absent.
func headerText(h message.Header, key string) string {
	return strings.TrimSpace(decodeWords(h.Get(key)))
}

// Part returns part n (1-based, as parsers.Part numbers them) of a raw
// mail, its transfer encoding decoded: its file name (or a name made from
// its type) and media type, for a download.
func Part(raw []byte, n int, lim Limits) (name, mediaType string, data []byte, err error) {
	_, leaves, _, err := readMail(raw, lim)
	if err != nil {
		return "", "", nil, err
	}
	if n < 1 || n > len(leaves) {
		return "", "", nil, fmt.Errorf("email: the mail has %d parts, not %d", len(leaves), n)
	}
	p := leaves[n-1]
	name = p.name
	if name == "" {
		ext := map[string]string{"text/plain": "txt", "text/html": "html", "message/rfc822": "eml"}[p.mediaType]
		if ext == "" {
			ext = "bin"
		}
		name = fmt.Sprintf("part%d.%s", n, ext)
	}
	return name, p.mediaType, p.data, nil
}
