package edifact

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/order"
	"github.com/ordergate/ordergate/parsers"
)

var benchMB = flag.Int("edifact.mb", 32, "size in MB of the generated interchange for benchmarks")

// messageBlock returns one ORDERS message with the given number of lines,
// about 60 bytes a segment, with a release character in every tenth
// description as real files have.
func messageBlock(ref int, lines int) []byte {
	var b bytes.Buffer
	n := 0
	seg := func(format string, a ...any) {
		fmt.Fprintf(&b, format, a...)
		b.WriteString("'\n")
		n++
	}
	seg("UNH+%d+ORDERS:D:96A:UN:EAN008", ref)
	seg("BGM+220+PO%08d+9", ref)
	seg("DTM+137:20260315:102")
	seg("DTM+2:202603201400:203")
	seg("RFF+ON:PO%08d", ref)
	seg("NAD+BY+5412345000013::9++Buyer Retail NV+Main street 1+Antwerpen++2000+BE")
	seg("NAD+DP+5412345000020::9")
	seg("CUX+2:EUR:9")
	for i := 1; i <= lines; i++ {
		// A valid GTIN-13, built without allocating (the memory benchmarks
		// run the generator in their loop).
		var g [12]byte
		copy(g[:], "5412345")
		for k, v := 11, i%100000; k >= 7; k, v = k-1, v/10 {
			g[k] = byte('0' + v%10)
		}
		seg("LIN+%d++5412345%05d%c:EN", i, i%100000, rune('0'+order.CheckDigit(string(g[:]))))
		seg("PIA+1+ART-%d:IN", i)
		if i%10 == 0 {
			seg("IMD+F++:::Widget size ?+%d blue", i)
		} else {
			seg("IMD+F++:::Widget size %d blue", i)
		}
		seg("QTY+21:%d:PCE", i%50+1)
		seg("PRI+AAA:12.50::NTP:1:PCE")
	}
	seg("UNS+S")
	seg("CNT+2:%d", lines)
	fmt.Fprintf(&b, "UNT+%d+%d'\n", n+1, ref)
	return b.Bytes()
}

// generateOrders builds one interchange of msgs ORDERS messages in memory.
func generateOrders(msgs, lines int) []byte {
	var b bytes.Buffer
	b.WriteString("UNA:+.? '\nUNB+UNOC:3+5412345000013:14+8712345000002:14+260315:1030+BENCH'\n")
	for i := 1; i <= msgs; i++ {
		b.Write(messageBlock(i, lines))
	}
	fmt.Fprintf(&b, "UNZ+%d+BENCH'\n", msgs)
	return b.Bytes()
}

// genReader streams an interchange of about size bytes without holding it.
type genReader struct {
	head, block, tail []byte
	left              int // blocks still to send
	cur               []byte
}

func newGenReader(size int) *genReader {
	block := messageBlock(1, 100)
	return &genReader{head: []byte("UNB+UNOC:3+S:14+R:14+260315:1030+G'\n"), block: block, tail: []byte("UNZ+1+G'\n"), left: size / len(block)}
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.cur) == 0 {
		switch {
		case g.head != nil:
			g.cur, g.head = g.head, nil
		case g.left > 0:
			g.cur = g.block
			g.left--
		case g.tail != nil:
			g.cur, g.tail = g.tail, nil
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.cur)
	g.cur = g.cur[n:]
	return n, nil
}

func countSegments(data []byte) int {
	sc := NewBytesScanner(data)
	n := 0
	for sc.Scan() {
		n++
	}
	return n
}

// BenchmarkTokenizer scans the generated interchange: zero-copy over bytes
// and streaming through the 64 KiB buffer.
func BenchmarkTokenizer(b *testing.B) {
	data := generateOrders(*benchMB<<20/len(messageBlock(1, 100)), 100)
	segs := countSegments(data)
	b.Run("bytes", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		for b.Loop() {
			sc := NewBytesScanner(data)
			for sc.Scan() {
			}
			if sc.Err() != nil {
				b.Fatal(sc.Err())
			}
		}
		runtime.ReadMemStats(&ms1)
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(segs), "allocs/seg")
	})
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			sc := NewScanner(bytes.NewReader(data))
			for sc.Scan() {
			}
			if sc.Err() != nil {
				b.Fatal(sc.Err())
			}
		}
	})
}

// BenchmarkOrders parses the generated interchange into orders.
func BenchmarkOrders(b *testing.B) {
	data := generateOrders(*benchMB<<20/len(messageBlock(1, 100)), 100)
	segs := countSegments(data)
	p := New()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		res, err := p.Parse(context.Background(), parsers.Document{Data: data})
		if err != nil || len(res.Errors) > 0 {
			b.Fatal(err, res.Errors)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(segs), "allocs/seg")
}

// BenchmarkTokenizerMemory streams two sizes from a generator (the input is
// never in memory): bytes allocated per run stay the same.
func BenchmarkTokenizerMemory(b *testing.B) {
	for _, mb := range []int{8, 64} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(mb << 20))
			b.ReportAllocs()
			for b.Loop() {
				sc := NewScanner(newGenReader(mb << 20))
				for sc.Scan() {
				}
			}
		})
	}
}

// TestTokenizerMemoryFlat checks that streaming 4 MB and 32 MB allocates
// the same few kilobytes: memory does not grow with the file.
func TestTokenizerMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	alloc := func(size int) uint64 {
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		sc := NewScanner(newGenReader(size))
		n := 0
		for sc.Scan() {
			n++
		}
		runtime.ReadMemStats(&ms1)
		if sc.Err() != nil || n < size/100 {
			t.Fatalf("scan: %v after %d segments", sc.Err(), n)
		}
		return ms1.TotalAlloc - ms0.TotalAlloc
	}
	small, large := alloc(4<<20), alloc(32<<20)
	t.Logf("allocated: 4 MB stream %d bytes, 32 MB stream %d bytes", small, large)
	if large > 256<<10 || large > small+64<<10 {
		t.Errorf("tokenizer memory grows with the stream: %d bytes for 4 MB, %d for 32 MB", small, large)
	}
}

func TestGeneratedOrders(t *testing.T) {
	res := parse(t, generateOrders(3, 25))
	if len(res.Orders) != 3 || len(res.Orders[2].Lines) != 25 || len(res.Errors) > 0 {
		t.Fatalf("orders %d errors %v", len(res.Orders), res.Errors)
	}
	if d := res.Orders[0].Lines[9].Description; !strings.Contains(d, "+10") {
		t.Errorf("released + lost: %q", d)
	}
}

// BenchmarkOrdersDocuments parses a stream of 1 MB documents, as the
// pipeline does: the heap is reused from one document to the next.
func BenchmarkOrdersDocuments(b *testing.B) {
	data := generateOrders(1<<20/len(messageBlock(1, 100)), 100)
	p := New()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(context.Background(), parsers.Document{Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}
