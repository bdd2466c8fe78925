package erp_test

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/ordergate/ordergate/erp"
	"github.com/ordergate/ordergate/order"
)

// The delivery job's side of the contract: deliver, and after an unclear
// failure look the order up before posting it again.
func Example() {
	cfg := erp.Config{Kind: erp.KindBusinessCentral, BusinessCentral: erp.BusinessCentralConfig{
		TenantID: "contoso.onmicrosoft.com", Environment: "production",
		CompanyID: "f64eba74-dacd-4854-a584-1834f68cfc3a", ClientID: "app-id", ClientSecret: "from-config",
	}}
	conn, err := erp.New(cfg, &http.Client{Timeout: 30 * time.Second}, slog.Default())
	if err != nil {
		panic(err) // names the bad keys
	}
	var po order.PurchaseOrder // the matched, approved order
	d := erp.NewDelivery(42, po)
	ctx := context.Background()

	rc, err := conn.Deliver(ctx, d)
	switch erp.Classify(err) {
	case erp.KindNone:
		// store rc.Number on the order
	case erp.KindPermanent:
		// fail the order; show erp.Message(err) to the sales desk
	case erp.KindTransient:
		// retry later, not before erp.RetryAfter(err)
	case erp.KindUnclear:
		if found, ok, lerr := conn.Lookup(ctx, d); lerr == nil && ok {
			rc = found // the ERP has it: do not post again
		}
		// otherwise retry later (Lookup again first if it failed)
	}
	_ = rc
}
