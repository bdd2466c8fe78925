package edifact

import (
	"fmt"
	"math/bits"
	"strings"
	"sync"
)

//go:generate go run ./internal/gendir -dir ../../../shared/corpus/directories -o directory_gen.go

// directory is one release of the UN/EDIFACT directories, as far as this
// package uses it: the shape of every segment of ORDERS and ORDCHG (the
// number of components of each element, 1 for a simple element; see the
// segment directory, TRSD/EDSD) and the segment tables of those messages
// (the message directory, TRMD/EDMD, section 4.3.1). The tables are
// generated from the directories the UN publishes (directory_gen.go).
type directory struct {
	name     string
	segments map[string][]uint8
	messages map[string]*segmentTable
}

// segmentTable is a message's structure: groups[0] is the message itself,
// groups[i] segment group i. See ISO 9735-1 section 8.
type segmentTable struct {
	groups []tableGroup

	once  sync.Once
	index []uint64 // group*len(knownTags) + tag id: the group's entries with that tag (bit i = entry i)
	steps []step   // first[group] + entry: what the walker needs of an entry
	first []int32
}

// step is an entry as the walker reads it, in one flat array.
type step struct {
	group int32 // nested group, 0 for a segment
	max   int32
}

// tableGroup is a segment group: its entries in table order, the first
// being its trigger segment.
type tableGroup struct {
	name    string // "SG25"; "" for the message level
	entries []tableEntry
}

// tableEntry is a segment or a nested group (then tag is its trigger).
type tableEntry struct {
	tag       string
	group     int32 // index of the nested group; 0 for a segment
	max       int32 // maximum repetitions
	mandatory bool
	pos       string // position in the segment table, e.g. "0030"
}

// Ids of tags the reader compares in every segment.
var (
	idUNZ = tagID("UNZ")
	idRFF = tagID("RFF")
	idUNA = tagID("UNA")
	idLOC = tagID("LOC")
)

// directories are the releases carried, oldest first.
var directories = []*directory{dirD96A, dirD01B}

// knownTags are the tags of the service and order segments and of every
// segment of the segment tables. Scan interns them through tagIndex so that
// it does not allocate a string per segment, and a tag's index is its id in
// the shape and structure tables.
var knownTags = func() []string {
	tags := []string{"", "UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ", "UNS", "BGM", "DTM", "RFF", "NAD",
		"CTA", "COM", "CUX", "FTX", "LIN", "PIA", "IMD", "QTY", "PRI", "MOA", "LOC", "CNT", "TAX", "ALC", "PAT",
		"TOD", "TDT", "PAC", "MEA", "SCC", "UCI", "UCM", "UCS", "UCD", "GIR", "GIN", "PCD", "RNG", "HAN", "GIS", "ALI", "FII", "DOC", "GEI"}
	seen := map[string]bool{}
	for _, t := range tags {
		seen[t] = true
	}
	for _, t := range directoryTags {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	if len(tags) > 255 {
		panic("edifact: more than 255 known segment tags")
	}
	return tags
}()

// release is the directory release of a message version as a sortable key:
// "96A" is 1996*26 + 0, "01B" 2001*26 + 1. Versions that are not a D
// release with a year and a letter give 0.
func release(version, rel string) int {
	if version != "D" || len(rel) != 3 || rel[0] < '0' || rel[0] > '9' || rel[1] < '0' || rel[1] > '9' || rel[2] < 'A' || rel[2] > 'Z' {
		return 0
	}
	year := int(rel[0]-'0')*10 + int(rel[1]-'0')
	if year >= 90 {
		year += 1900
	} else {
		year += 2000
	}
	return year*26 + int(rel[2]-'A')
}

var dirReleases = func() []int {
	r := make([]int, len(directories))
	for i, d := range directories {
		r[i] = release("D", strings.TrimPrefix(d.name, "D."))
	}
	return r
}()

// directoryFor returns the directory a message of UNH S009 version 0052 and
// release 0054 is checked against, and whether it is the message's own. A
// release older than the oldest carried (D.93A to D.95B, and versions other
// than D) is checked against the oldest, D.96A; a later release not carried
// against the newest, D.01B: the segment tables of later releases extend
// those before them, so the newer table refuses the least.
func directoryFor(version, rel string) (*directory, bool) {
	r := release(version, rel)
	for i, dr := range dirReleases {
		if r == dr {
			return directories[i], true
		}
	}
	if r < dirReleases[0] {
		return directories[0], false
	}
	return directories[len(directories)-1], false
}

// shapes is the component count of each element of the segments the order
// mapper reads, per segment id (nil for the others): a surplus constituent
// must not silently shift the values read.
type shapes [][]uint8

// mappedTags are the segments whose shape is checked.
var mappedTags = []string{"BGM", "DTM", "RFF", "NAD", "CUX", "FTX", "LIN", "PIA", "IMD", "QTY", "PRI", "MOA", "LOC", "CNT"}

var (
	shapesOnce  sync.Once
	shapesByDir map[*directory]shapes
	shapesLoose shapes // the larger of every carried release's count
)

// shapesFor returns the shapes of the message's directory; for a release
// that is not carried, element by element the largest count of the
// carried releases, so that a component added after D.96A is not refused
// in a D.99B message.
func shapesFor(version, rel string) shapes {
	shapesOnce.Do(func() {
		shapesByDir = map[*directory]shapes{}
		shapesLoose = make(shapes, len(knownTags))
		for _, d := range directories {
			s := make(shapes, len(knownTags))
			for _, tag := range mappedTags {
				id := tagID(tag)
				s[id] = d.segments[tag]
				loose := shapesLoose[id]
				for i, n := range s[id] {
					if i >= len(loose) {
						loose = append(loose, n)
					} else if n > loose[i] {
						loose[i] = n
					}
				}
				shapesLoose[id] = loose
			}
			shapesByDir[d] = s
		}
	})
	d, exact := directoryFor(version, rel)
	if !exact {
		return shapesLoose
	}
	return shapesByDir[d]
}

// tagID is the id of a known tag, 0 for another.
func tagID(tag string) uint8 {
	for i, t := range knownTags {
		if t == tag {
			return uint8(i)
		}
	}
	return 0
}

// table returns the segment table of a message type in d, or nil.
func (d *directory) table(msgType string) *segmentTable {
	t := d.messages[msgType]
	if t == nil {
		return nil
	}
	t.once.Do(func() {
		n := len(knownTags)
		t.index = make([]uint64, len(t.groups)*n)
		t.first = make([]int32, len(t.groups))
		for g, grp := range t.groups {
			t.first[g] = int32(len(t.steps))
			for i, e := range grp.entries {
				t.index[g*n+int(tagID(e.tag))] |= 1 << i
				t.steps = append(t.steps, step{group: e.group, max: e.max})
			}
		}
	})
	return t
}

// walker follows a message through its segment table, as ISO 9735-1
// section 8 reads a message: each segment is the next occurrence of the
// current entry, or a later entry of the current group, or leaves the group
// for a later entry (or a new occurrence) in the enclosing one. A segment
// the table does not allow there is reported and otherwise skipped, so one
// misplaced segment is reported once.
type walker struct {
	t      *segmentTable
	dir    string // "D.96A"
	msg    string // "ORDERS"
	depth  int
	frames [8]frame
}

type frame struct {
	group int32 // index in t.groups
	base  int32 // group * len(knownTags), its row in t.index
	first int32 // t.first[group], its entries in t.steps
	pos   int32 // current entry
	count int32 // occurrences of the current entry so far
}

func newWalker(t *segmentTable, dir, msg string) walker {
	// UNH is entry 0 of the message level, read once.
	return walker{t: t, dir: dir, msg: msg, frames: [8]frame{{count: 1}}}
}

// step moves to the segment seg; it returns "" or what is wrong.
func (w *walker) step(seg *Segment) string {
	t := w.t
	index := t.index
	id := int32(seg.id)
	for d := w.depth; d >= 0; d-- {
		f := &w.frames[d]
		here := index[f.base+id]
		if here == 0 {
			continue
		}
		if here>>uint(f.pos)&1 == 1 && (d == 0 || f.pos > 0) {
			// Another occurrence of the current entry.
			e := t.steps[f.first+f.pos]
			f.count++
			w.depth = d
			if e.group != 0 {
				w.enter(e.group)
			}
			if f.count > e.max {
				g := &t.groups[f.group]
				return w.tooMany(&g.entries[f.pos], g, int(f.count))
			}
			return ""
		}
		if later := here &^ (2<<uint(f.pos) - 1); later != 0 {
			i := int32(bits.TrailingZeros64(later))
			f.pos, f.count = i, 1
			w.depth = d
			if e := t.steps[f.first+i]; e.group != 0 {
				w.enter(e.group)
			}
			return ""
		}
	}
	f := w.frames[w.depth]
	g := &t.groups[f.group]
	where := "after " + g.entries[f.pos].tag
	if g.name != "" {
		where += " in segment group " + strings.TrimPrefix(g.name, "SG")
	}
	if seg.id == 0 || !w.inTable(seg.id) {
		return fmt.Sprintf("segment %s is not part of %s %s; ignored", seg.Tag(), w.msg, w.dir)
	}
	return fmt.Sprintf("segment %s is not allowed %s in %s %s (out of order); read anyway", seg.Tag(), where, w.msg, w.dir)
}

func (w *walker) enter(group int32) {
	if w.depth+1 >= len(w.frames) {
		return // deeper than any table nests
	}
	w.depth++
	w.frames[w.depth] = frame{group: group, base: group * int32(len(knownTags)), first: w.t.first[group], count: 1}
}

func (w *walker) inTable(id uint8) bool {
	for g := range w.t.groups {
		if w.t.index[g*len(knownTags)+int(id)] != 0 {
			return true
		}
	}
	return false
}

func (w *walker) tooMany(e *tableEntry, g *tableGroup, n int) string {
	what := "segment " + e.tag
	if e.group != 0 {
		what = "segment group " + strings.TrimPrefix(w.t.groups[e.group].name, "SG") + " (" + e.tag + ")"
	}
	in := ""
	if g.name != "" {
		in = " in segment group " + strings.TrimPrefix(g.name, "SG")
	}
	return fmt.Sprintf("%s occurs %d times at position %s%s; %s %s allows at most %d", what, n, e.pos, in, w.msg, w.dir, e.max)
}
