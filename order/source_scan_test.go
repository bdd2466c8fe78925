package order

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// slowSources is what the general decoder makes of b.
func slowSources(b []byte) (Sources, error) {
	var s Sources
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, nil
	}
	if t != json.Delim('{') {
		return nil, errNotObject
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var src Source
		if err := dec.Decode(&src); err != nil {
			return nil, err
		}
		s.Set(t.(string), src)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return s, nil
}

var errNotObject = json.Unmarshal([]byte(`1`), &struct{}{})

var sourcesSeeds = []string{
	`{}`,
	` { } `,
	`{"quantity":{"segment":"QTY","index":12,"element":1,"component":2}}`,
	`{"gtin": {"index": 5, "element": 3, "segment": "LIN", "component": 1}, "quantity": {"index": 6, "element": 1, "segment": "QTY", "component": 2}}`,
	`{"sku":{"sheet":2,"cell":"B14"},"quantity":{"cell":"AA7"}}`,
	`{"quantity":{"line":12}}`,
	`{"quantity":{"line":12,"future":"x","later":7}}`,
	`{"references[2]":{"segment":"RFF","index":9,"element":1,"component":2},"po_number":{"segment":"BGM","index":2,"element":2,"component":1}}`,
	`{"quantity":{"segment":"QTY","index":1},"quantity":{"segment":"QTY","index":2}}`,
	// Outside the fast shape: the general decoder reads these.
	`{"quantity":{"segment":"Q\u0054Y","index":12}}`,
	`{"qu\"antity":{"line":1}}`,
	`{"quantity":{"line":1.5}}`,
	`{"quantity":{"line":1e3}}`,
	`{"quantity":{"element":40000}}`,
	`{"quantity":{"line":012}}`,
	`{"quantity":null}`,
	`{"quantity":{"line":1,"x":{"y":1}}}`,
	`{"quantity":{"line":1,"x":true}}`,
	`{"quantity":{"cell":"7B"}}`,
	`{"quantity":{"line":1}`,
	`{"quantity":{"line":1}} x`,
	`{"quantity" {"line":1}}`,
	`{"größe":{"line":1}}`,
	`null`,
	`[]`,
}

// TestScanSourcesAgreesWithTheDecoder: the fast reader of sources gives
// what the general decoder gives, or leaves the input to it.
func TestScanSourcesAgreesWithTheDecoder(t *testing.T) {
	fast := 0
	for _, in := range sourcesSeeds {
		got, ok := scanSources([]byte(in), nil)
		want, err := slowSources([]byte(in))
		if !ok {
			continue
		}
		fast++
		if err != nil {
			t.Errorf("%s: the fast reader read %v; the decoder refuses it: %v", in, got, err)
			continue
		}
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: fast %v, decoder %v", in, got, want)
		}
	}
	if fast < 9 {
		t.Errorf("the fast reader took %d of the inputs in its shape, want all 9", fast)
	}
	var s Sources
	if err := json.Unmarshal([]byte(`{"quantity":{"cell":"7B"}}`), &s); err == nil {
		t.Error("a cell that is no A1 reference was read")
	}
}

func FuzzScanSources(f *testing.F) {
	for _, s := range sourcesSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := scanSources(b, nil)
		if !ok {
			return
		}
		want, err := slowSources(b)
		if err != nil {
			t.Fatalf("%q: the fast reader read %v; the decoder refuses it: %v", b, got, err)
		}
		if (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %v, decoder %v", b, got, want)
		}
	})
}
