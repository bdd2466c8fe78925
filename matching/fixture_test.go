package matching

import (
	"testing"
	"time"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/catalog/catalogtest"
	"github.com/ordergate/ordergate/order"
)

var today = order.NewDate(2026, time.November, 25)

func dec(s string) order.Decimal { return order.MustDecimal(s) }

func decp(s string) *order.Decimal {
	d := order.MustDecimal(s)
	return &d
}

// GTINs and GLNs of the fixture.
var (
	gtinScrew      = catalogtest.GTIN(100) // AB-100, one piece
	gtinScrewCT    = catalogtest.GTIN14(100)
	gtinWood       = catalogtest.GTIN(200)
	glnAcme        = catalogtest.GLN(1)
	glnBeta        = catalogtest.GLN(2)
	glnAcmeShipTo  = catalogtest.GLN(11)
	glnAcmeStore   = catalogtest.GLN(501) // a location of C100 with an address
	glnAcmeBare    = catalogtest.GLN(502) // a location of C100 with a code only
	glnBetaSite    = catalogtest.GLN(503) // a location of C200
	glnNowhere     = catalogtest.GLN(504) // no one's
	learnedAt      = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	acmeCreditLim  = dec("10000")
	gammaCreditLim = dec("100")
)

// fixtureData is a small catalog with one case of everything.
func fixtureData() catalog.Data {
	return catalog.Data{
		Currency: "EUR",
		Customers: []catalog.Customer{
			{Number: "C100", Name: "Acme Retail", GLNs: []string{glnAcme, glnAcmeShipTo}, EDIIDs: []string{"ACMEEDI"},
				Emails: []string{"orders@acme.example"}, Domains: []string{"acme.example"}, CreditLimit: &acmeCreditLim,
				OpenBalance: dec("1000"), PriceList: "STD", AutoApprove: true, PriceTolerancePct: dec("1")},
			{Number: "C200", Name: "Beta Bau", GLNs: []string{glnBeta}, Emails: []string{"buyer@beta.example"},
				Domains: []string{"beta.example"}, AutoApprove: false},
			{Number: "C300", Name: "Gamma GmbH", Domains: []string{"shared.example", "gamma.example"}, AutoApprove: true,
				CreditLimit: &gammaCreditLim, OpenBalance: dec("50")},
			{Number: "C301", Name: "Gamma Sister", Domains: []string{"shared.example"}, AutoApprove: true},
			{Number: "C400", Name: "Delta Inc", Currency: "USD", EDIIDs: []string{"DELTA"}, AutoApprove: true},
		},
		Items: []catalog.Item{
			{SKU: "AB-100", Description: "Hex screw M8 x 40 zinc plated", BaseUnit: "PCE", GTIN: gtinScrew},
			{SKU: "AB-200", Description: "Wood screw 4 x 30 countersunk", BaseUnit: "PCE", GTIN: gtinWood,
				MinQty: dec("50"), OrderMultiple: dec("10")},
			{SKU: "SAND-1", Description: "Quartz sand fine 0.1-0.3 mm", BaseUnit: "KGM"},
			{SKU: "OLD-1", Description: "Hex screw M8 x 40 black", BaseUnit: "PCE", Status: catalog.ItemDiscontinued, Replacement: "AB-100"},
			{SKU: "BLK-1", Description: "Hinge brass 80 mm", BaseUnit: "PCE", Status: catalog.ItemBlocked},
			{SKU: "NOPRICE-1", Description: "Cable tie black 200 mm", BaseUnit: "PCE"},
			{SKU: "USD-1", Description: "Anchor bolt 10 mm", BaseUnit: "PCE"},
			{SKU: "1001", Description: "Washer M8 steel", BaseUnit: "PCE"},
		},
		SalesUnits: []catalog.SalesUnit{
			{SKU: "AB-100", Unit: "CT", Factor: dec("100"), GTIN: gtinScrewCT},
			{SKU: "AB-200", Unit: "BX", Factor: dec("50")},
		},
		Assortments: []catalog.AssortmentEntry{
			{Customer: "C200", SKU: "AB-100"},
			{Customer: "C200", SKU: "SAND-1"},
		},
		CrossRefs: []catalog.CrossRef{
			{Customer: "C100", CustomerItem: "ACME-SCREW-8", SKU: "AB-100", Source: catalog.SourceLearned,
				LearnedBy: "anna", LearnedAt: learnedAt, LearnedFrom: "123"},
			{Customer: "C100", CustomerItem: "ACME-SCREW-CT", SKU: "AB-100", Unit: "CT"},
			{Customer: "C100", CustomerItem: "1001", SKU: "AB-200"},
		},
		Prices: []catalog.Price{
			{SKU: "AB-100", Price: dec("0.10")},
			{PriceList: "STD", SKU: "AB-100", Price: dec("0.09")},
			{Customer: "C100", SKU: "AB-100", Price: dec("0.08")},
			{Customer: "C100", SKU: "AB-100", Price: dec("0.07"), MinQty: dec("1000")},
			{Customer: "C100", SKU: "AB-100", Price: dec("0.01"), ValidTo: order.NewDate(2026, 1, 31)},
			{SKU: "AB-200", Price: dec("5.00"), Unit: "BX"},
			{SKU: "SAND-1", Price: dec("0.50")},
			{SKU: "OLD-1", Price: dec("0.10")},
			{SKU: "BLK-1", Price: dec("2")},
			{SKU: "USD-1", Price: dec("1.5"), Currency: "USD"},
			{SKU: "1001", Price: dec("0.02")},
		},
		Stock: []catalog.Stock{
			{SKU: "AB-100", Warehouse: "MAIN", Quantity: dec("5000")},
			{SKU: "AB-100", Warehouse: "NORTH", Quantity: dec("100")},
			{SKU: "AB-200", Warehouse: "MAIN", Quantity: dec("1000")},
			{SKU: "SAND-1", Warehouse: "MAIN", Quantity: dec("10000")},
			{SKU: "OLD-1", Warehouse: "MAIN", Quantity: dec("100")},
			{SKU: "BLK-1", Warehouse: "MAIN", Quantity: dec("100")},
			{SKU: "NOPRICE-1", Warehouse: "MAIN", Quantity: dec("100")},
			{SKU: "USD-1", Warehouse: "MAIN", Quantity: dec("100")},
			{SKU: "1001", Warehouse: "MAIN", Quantity: dec("100000")},
		},
		OpenOrders: []catalog.OpenOrder{
			{Customer: "C100", OrderID: "o-77", Value: dec("2000")},
		},
		PriorOrders: []catalog.PriorOrder{
			{Customer: "C100", PONumber: "PO-OLD", OrderID: "o-77", Function: order.FunctionOriginal, State: "approved"},
			{Customer: "C100", PONumber: "PO-SENT", OrderID: "o-78", Function: order.FunctionOriginal, State: "delivered", DeliveredToERP: true},
			{Customer: "C100", PONumber: "PO-REJ", OrderID: "o-79", Function: order.FunctionOriginal, State: "rejected"},
		},
		Locations: []catalog.Location{
			{Customer: "C100", GLN: glnAcmeStore, Code: "ST-OSL", Name: "Acme Store Oslo", Address: "Karl Johans gate 1",
				City: "Oslo", Postcode: "0154", Country: "NO"},
			{Customer: "C100", GLN: glnAcmeBare, Code: "ST-BRG"},
			{Customer: "C100", Code: "WH-2", Name: "Acme Warehouse", Address: "Industriveien 9", City: "Lillestrøm", Postcode: "2000", Country: "NO"},
			{Customer: "C200", GLN: glnBetaSite, Name: "Beta site Hamar", Address: "Torget 2", City: "Hamar", Postcode: "2317", Country: "NO"},
		},
	}
}

func fixture(t testing.TB) *catalog.Snapshot {
	t.Helper()
	s, err := catalog.Build(fixtureData())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cleanOrder is an EDI order of Acme that matches cleanly: 10 pieces of
// AB-100 by GTIN at the customer price.
func cleanOrder() *order.PurchaseOrder {
	return &order.PurchaseOrder{
		Format:       "edifact",
		PONumber:     "PO-1",
		Function:     order.FunctionOriginal,
		OrderDate:    today,
		DeliveryDate: order.NewDate(2026, time.December, 2),
		Currency:     "EUR",
		Sender:       order.Sender{Kind: order.SenderEDI, ID: "ACMEEDI", Verified: true},
		Buyer:        &order.Party{GLN: glnAcme, Name: "Acme Retail"},
		Lines: []order.Line{
			{LineNo: 1, GTIN: gtinScrew, Quantity: dec("10"), Unit: "PCE", UnitPrice: decp("0.08")},
		},
	}
}

func opts() Options { return Options{Today: today} }
