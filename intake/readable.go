package intake

import "github.com/ordergate/ordergate/parsers"

// Readable reports whether a registered parser recognises the payload's
// format, by the same sniffing the parse stage does; the error (wrapping
// parsers.ErrUnsupported) says what the content looks like. A source that
// keeps the files it takes (the file drop) sets such a file aside with the
// reason instead of archiving it beside the good ones; its document is
// stored all the same and fails its parse with that reason.
func (p *Pipeline) Readable(in Inbound) error {
	if p.opts.Registry == nil {
		return nil
	}
	_, err := p.opts.Registry.Detect(parsers.Document{Name: in.FileName, ContentType: in.ContentType, Data: in.Data, Sender: in.Sender})
	return err
}
