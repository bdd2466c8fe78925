package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp/erptest"
)

// TestERPOutage: the ERP hangs (connections taken, no answer), then is
// down (connections refused), then comes back. Meanwhile orders keep
// arriving: those that need no ERP (they wait for the desk) are read and
// decided as usual, the approved ones wait. Once the ERP is back every
// approved order reaches it exactly once, each customer's in the order
// they were approved. Short: a few seconds each way; ORDERGATE_LONG_TESTS=1:
// two minutes each.
func TestERPOutage(t *testing.T) {
	hung, down, docs := 3*time.Second, 3*time.Second, 40
	if longTests() {
		hung, down, docs = 2*time.Minute, 2*time.Minute, 400
	}
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	sw := newERPSwitch(t, strings.TrimSuffix(rcv.URL, "/orders"))
	f := newFleet(t, 4, sw.url(t, rcv.URL), sw.url(t, rcv.LookupURL), proofWorkers)
	review := func(i int) bool { return i%4 == 3 }
	f.start()
	reviewed := func(to int) func() bool {
		return func() bool {
			return f.count(`SELECT count(*) FROM orders WHERE state = 'review' AND delivery_attempts = 0`) == to/4
		}
	}

	sw.set(t, "hung")
	f.dropDocs(0, docs/2, review)
	eventually(t, "orders for the desk are decided while the ERP hangs", reviewed(docs/2))
	time.Sleep(hung)
	if n := rcv.Count(); n != 0 {
		t.Fatalf("the ERP took %d orders while it hung", n)
	}

	sw.set(t, "down")
	f.dropDocs(docs/2, docs-docs/2, review)
	eventually(t, "orders for the desk are decided while the ERP is down", reviewed(docs))
	time.Sleep(down)
	if n := rcv.Count(); n != 0 {
		t.Fatalf("the ERP took %d orders while it was down", n)
	}
	if n := f.count(`SELECT count(*) FROM orders WHERE delivery_attempts > 0`); n == 0 {
		t.Fatal("no delivery was tried during the outage")
	}

	sw.set(t, "up")
	limit := 60 * time.Second
	if longTests() {
		limit = 5 * time.Minute // the retries back off to minutes during a long outage
	}
	f.waitSettled(docs, limit)
	f.checkExactlyOnce(docs, rcv)
	if want := docs - docs/4; f.count(`SELECT count(*) FROM orders WHERE state = 'delivered'`) != want {
		t.Errorf("delivered = %d, want %d", f.count(`SELECT count(*) FROM orders WHERE state = 'delivered'`), want)
	}
}
