package edifact_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ordergate/ordergate/parsers"
	"github.com/ordergate/ordergate/parsers/edifact"
)

func ExampleParser_Parse() {
	data := []byte("UNA:+.? 'UNB+UNOC:3+5412345000013:14+8712345000002:14+260315:1030+IC1'" +
		"UNH+1+ORDERS:D:96A:UN:EAN008'BGM+220+PO-1+9'DTM+137:20260315:102'" +
		"LIN+1++5412345678908:EN'QTY+21:12:PCE'UNS+S'CNT+2:1'UNT+8+1'" +
		"UNH+2+INVOIC:D:96A:UN:EAN008'BGM+380+INV-1+9'UNT+3+2'UNZ+2+IC1'")
	res, err := edifact.New().Parse(context.Background(), parsers.Document{Data: data})
	if err != nil {
		panic(err)
	}
	o := res.Orders[0]
	fmt.Println(o.PONumber, o.OrderDate, o.Lines[0].GTIN, o.Lines[0].Quantity, o.Lines[0].Unit)
	fmt.Println("source of the quantity:", o.Lines[0].Sources.Get("quantity"))
	fmt.Println(res.Errors[0].Message)
	// Output:
	// PO-1 2026-03-15 5412345678908 12 PCE
	// source of the quantity: QTY #5 element 1.2
	// edifact: not an order: INVOIC (invoice) message; expected ORDERS or ORDCHG
}

func ExampleWriteContrl() {
	data := []byte("UNB+UNOA:3+PARTNER:ZZ+US:ZZ+260315:1030+IC1'" +
		"UNH+1+ORDERS:D:96A:UN'BGM+220+PO-1+9'LIN+1'QTY+21:x'UNT+5+1'UNZ+1+IC1'")
	ics, _, _ := edifact.New().ParseInterchanges(context.Background(), parsers.Document{Data: data})
	out := edifact.ReplyTo(ics[0], edifact.PartyID{ID: "US", Qualifier: "ZZ"}, "C0001", time.Date(2026, 3, 15, 10, 45, 0, 0, time.UTC))
	if err := edifact.WriteContrl(os.Stdout, out, "1", edifact.NewContrl(ics[0])); err != nil {
		panic(err)
	}
	// Output:
	// UNB+UNOA:3+US:ZZ+PARTNER:ZZ+260315:1045+C0001'UNH+1+CONTRL:D:3:UN'UCI+IC1+PARTNER:ZZ+US:ZZ+4'UCM+1+ORDERS:D:96A:UN+4'UCS+4'UCD+19+1:2'UNT+6+1'UNZ+1+C0001'
}
