package masterdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// jsonSource yields the records of a JSON array of objects (a push to PUT
// /api/v1/masterdata/{kind}) one at a time, so that a push of the largest
// allowed body is never held as decoded maps: a first pass over the tokens
// checks the shape and collects the keys (the header: every key any record
// has), a second converts record by record. Numbers keep their exact text.
// See RFC 8259 for the grammar.
type jsonSource struct {
	dec   *json.Decoder
	keys  []string
	index map[string]int
	cells []string
	why   []string // why a cell is not one (cellText)
	n     int64    // records read
}

// newJSONSource checks that data is one JSON array of objects and reads
// its keys. The error says, in words for whoever wrote the push, what is
// wrong and where.
func newJSONSource(data []byte) (*jsonSource, error) {
	dec := newDecoder(data)
	index := map[string]int{}
	var keys []string
	_, err := eachRecord(dec, func(record int64) error {
		for dec.More() {
			k, err := objectKey(dec, record)
			if err != nil {
				return err
			}
			if _, ok := index[k]; !ok {
				index[k] = 0
				keys = append(keys, k)
			}
			if err := skipValue(dec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(keys)
	for i, k := range keys {
		index[k] = i
	}
	s := &jsonSource{keys: keys, index: index, cells: make([]string, len(keys)), why: make([]string, len(keys))}
	s.dec = newDecoder(data)
	if _, err := s.dec.Token(); err != nil { // the '[' checked above
		return nil, err
	}
	return s, nil
}

func newDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec
}

// eachRecord reads the array, calling fn after each object's '{' (fn reads
// the members), and checks that nothing follows the array.
func eachRecord(dec *json.Decoder, fn func(record int64) error) (int64, error) {
	t, err := dec.Token()
	if err != nil {
		return 0, readable(err, "the body is not JSON")
	}
	if t != json.Delim('[') {
		return 0, fmt.Errorf("the body must be a JSON array of records (objects), not %s", describeToken(t))
	}
	var n int64
	for dec.More() {
		n++
		t, err := dec.Token()
		if err != nil {
			return n, readable(err, fmt.Sprintf("record %d is not valid JSON", n))
		}
		if t != json.Delim('{') {
			return n, fmt.Errorf("record %d is %s; each record must be an object such as {\"sku\": \"A-1\"}", n, describeToken(t))
		}
		if err := fn(n); err != nil {
			return n, err
		}
		if _, err := dec.Token(); err != nil { // '}'
			return n, readable(err, fmt.Sprintf("record %d is not valid JSON", n))
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return n, readable(err, "the array is not closed")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return n, errors.New("the body has more after the array; send one JSON array")
	}
	return n, nil
}

func objectKey(dec *json.Decoder, record int64) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", readable(err, fmt.Sprintf("record %d is not valid JSON", record))
	}
	k, _ := t.(string) // the decoder allows only strings here
	return k, nil
}

// skipValue reads one value whatever it is.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return readable(err, "the body is not valid JSON")
		}
		switch t {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// readValue reads one member value as a cell (see cellText).
func readValue(dec *json.Decoder) (text, problem string, err error) {
	t, err := dec.Token()
	if err != nil {
		return "", "", err
	}
	switch t {
	case json.Delim('{'):
		if err := skipRest(dec); err != nil {
			return "", "", err
		}
		return "", problemObject, nil
	case json.Delim('['):
		var parts []string
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return "", "", err
			}
			if t == json.Delim('[') || t == json.Delim('{') {
				if err := skipRest(dec); err != nil {
					return "", "", err
				}
				problem = problemNestedList
				continue
			}
			v, _ := cellText(t)
			parts = append(parts, v)
		}
		if _, err := dec.Token(); err != nil { // ']'
			return "", "", err
		}
		if problem != "" {
			return "", problem, nil
		}
		return strings.Join(parts, listSeparator), "", nil
	}
	v, _ := cellText(t)
	return v, "", nil
}

// skipRest reads up to the end of the array or object just opened.
func skipRest(dec *json.Decoder) error {
	for dec.More() {
		if err := skipValue(dec); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// describeToken names a JSON value for a message.
func describeToken(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return "an object"
	case string:
		return "text " + strconv.Quote(v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "something else"
}

// readable turns a decoder error into words: where the body breaks off or
// what character is wrong, without Go types.
func readable(err error, what string) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("%s: %s at byte %d", what, strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: the body ends too early", what)
	}
	return fmt.Errorf("%s: %v", what, err)
}

func (s *jsonSource) header() ([]string, error) { return s.keys, nil }

func (s *jsonSource) next() ([]string, error) {
	if !s.dec.More() {
		return nil, io.EOF
	}
	if _, err := s.dec.Token(); err != nil { // '{', checked by the first pass
		return nil, err
	}
	s.n++
	clear(s.cells)
	clear(s.why)
	for s.dec.More() {
		t, err := s.dec.Token()
		if err != nil {
			return nil, err
		}
		j := s.index[t.(string)]
		if s.cells[j], s.why[j], err = readValue(s.dec); err != nil {
			return nil, err
		}
	}
	if _, err := s.dec.Token(); err != nil { // '}'
		return nil, err
	}
	return s.cells, nil
}

func (s *jsonSource) bad(j int) string { return s.why[j] }
func (s *jsonSource) rowNo() int64     { return s.n }
func (s *jsonSource) unit() string     { return "record" }
func (s *jsonSource) close() error     { return nil }
