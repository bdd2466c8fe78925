package main

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ordergate/ordergate/erp/erptest"
)

// TestCrashesLoseAndRepeatNothing drops documents into a gateway and
// kills it with SIGKILL over and over: at random moments, between the ERP
// storing an order and the gateway recording its answer (HangAfterCommit),
// and between claiming a file and committing its document (the test pause
// after-claim); each time a new gateway starts. In the end every file is
// exactly one document and one order, the ERP holds every delivered order
// exactly once, each customer's in approval order, and nothing is stuck.
// Short: 60 documents and 3 random kills; ORDERGATE_LONG_TESTS=1: 1,000
// documents and 10 random kills.
func TestCrashesLoseAndRepeatNothing(t *testing.T) {
	docs, kills := 60, 3
	if longTests() {
		docs, kills = 1000, 10
	}
	began := time.Now()
	rcv := erptest.NewWebhookReceiver(t, "s3cret")
	f := newFleet(t, 7, rcv.URL, rcv.LookupURL, proofWorkers)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	review := func(i int) bool { return i%10 == 9 }
	f.dropDocs(0, docs/2, review)
	t.Logf("%s: master data imported", time.Since(began).Round(time.Millisecond))

	// A kill between claiming a file and committing its document.
	p := f.start("ORDERGATE_TEST_PAUSE=after-claim")
	eventually(t, "the test pause after a claim", func() bool { return strings.Contains(p.logs.String(), "test pause") })
	kill(t, p)

	// A kill while the ERP has stored an order but not answered.
	rcv.FailNext(erptest.HangAfterCommit)
	p = f.start()
	eventuallyWithin(t, 60*time.Second, "the ERP stores an order and hangs", func() bool { return rcv.Count() > 0 })
	kill(t, p)

	// Random kills while the documents move through the pipeline; the
	// other half of the files arrives meanwhile.
	for k := range kills {
		p := f.start()
		if k == 0 {
			f.dropDocs(docs/2, docs-docs/2, review)
		}
		time.Sleep(time.Duration(100+rng.IntN(1400)) * time.Millisecond)
		kill(t, p)
	}

	t.Logf("%s: kills done; the last gateway starts", time.Since(began).Round(time.Millisecond))
	last := f.start()
	f.waitSettled(docs, 90*time.Second)
	t.Logf("%s: settled", time.Since(began).Round(time.Millisecond))
	f.checkExactlyOnce(docs, rcv)
	if want := docs - docs/10; f.count(`SELECT count(*) FROM orders WHERE state = 'delivered'`) != want {
		t.Errorf("delivered = %d, want %d", f.count(`SELECT count(*) FROM orders WHERE state = 'delivered'`), want)
	}
	if t.Failed() {
		t.Logf("last gateway's log:\n%s", last.logs.String())
	}
}
