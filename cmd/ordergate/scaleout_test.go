package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp/erptest"
)

// TestScaleOut runs three gateways on one database and folder: each works
// jobs, one at a time watches the folder, and no document, order or
// delivery happens twice. When the watching gateway dies, another takes
// the folder over and the files dropped after are read. Short: 150
// documents; ORDERGATE_LONG_TESTS=1: 1,500.
func TestScaleOut(t *testing.T) {
	docs := 150
	if longTests() {
		docs = 1500
	}
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	f := newFleet(t, 20, rcv.URL, rcv.LookupURL, proofWorkers)
	for range 3 {
		f.start()
	}
	f.dropDocs(0, docs, func(i int) bool { return i%10 == 9 })
	f.waitSettled(docs, 60*time.Second)
	f.checkExactlyOnce(docs, rcv)

	watching := func() []*proc {
		var w []*proc
		for _, p := range f.procs {
			if p.cmd.ProcessState == nil && strings.Contains(p.logs.String(), "watching folder") {
				w = append(w, p)
			}
		}
		return w
	}
	w := watching()
	if len(w) != 1 {
		t.Fatalf("%d gateways watch the folder, want 1", len(w))
	}
	var ids []string
	for _, p := range f.procs {
		if m := clientIDRE.FindStringSubmatch(p.logs.String()); m != nil {
			ids = append(ids, m[1])
		}
	}
	worked := f.count(`SELECT count(DISTINCT attempted_by[array_upper(attempted_by, 1)]) FROM river_job
		WHERE state = 'completed' AND kind IN ('parse_document', 'match_order', 'deliver_order') AND attempted_by[array_upper(attempted_by, 1)] = ANY($1)`, ids)
	if worked != 3 {
		t.Errorf("%d of 3 gateways worked pipeline jobs", worked)
	}

	// The watcher dies; another takes the folder over.
	kill(t, w[0])
	f.dropDocs(docs, 10, nil)
	f.waitSettled(docs+10, 60*time.Second)
	if len(watching()) != 1 {
		t.Errorf("after the watcher died, %d gateways watch the folder, want 1", len(watching()))
	}
	f.checkExactlyOnce(docs+10, rcv)
}
