package masterdata_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/masterdata"
)

const (
	glnStore = "4012345000009"
	glnDepot = "4012345000016"
)

// TestLocationsImportAndUpdate: a location is updated by its GLN, or by its
// code when it has none; a file without a column leaves it alone; a push
// takes the same records; the catalog finds them.
func TestLocationsImportAndUpdate(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Customers, "number,name,gln\nC1,One,4012345000023\nC2,Two,\n")
	importCSV(t, ctx, pool, masterdata.Locations, "Customer,GLN,Code,Name,Address,City,Postal Code,Country\n"+
		"c1,"+glnStore+",st-1,Store Gent,Veldstraat 1,Gent,9000,be\n"+
		"C1,,wh,Warehouse,Dok 3,Antwerpen,2000,BE\n")
	// By GLN: the code and name change, the address stays (no column).
	importCSV(t, ctx, pool, masterdata.Locations, "customer,gln,code,name\nC1,"+glnStore+",ST-2,Store Gent Centrum\n")
	// By code (no GLN): the address changes.
	importCSV(t, ctx, pool, masterdata.Locations, "customer,code,address\nC1,WH,Dok Noord 5\n")
	res, err := masterdata.UpsertJSON(ctx, pool, masterdata.Locations,
		[]byte(`[{"customer":"C2","gln":"`+glnDepot+`","name":"Depot","city":"Liège","country":"BE"}]`), masterdata.ImportOptions{})
	if err != nil || res.Rows != 1 {
		t.Fatalf("push: %+v %v", res, err)
	}
	d, _, err := masterdata.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Location{
		{Customer: "C1", GLN: glnStore, Code: "ST-2", Name: "Store Gent Centrum", Address: "Veldstraat 1", City: "Gent", Postcode: "9000", Country: "BE"},
		{Customer: "C1", Code: "WH", Name: "Warehouse", Address: "Dok Noord 5", City: "Antwerpen", Postcode: "2000", Country: "BE"},
		{Customer: "C2", GLN: glnDepot, Name: "Depot", City: "Liège", Country: "BE"},
	}
	if !reflect.DeepEqual(d.Locations, want) {
		t.Errorf("locations:\n got %+v\nwant %+v", d.Locations, want)
	}
	d.Currency = "EUR"
	snap, err := catalog.Build(d)
	if err != nil {
		t.Fatal(err)
	}
	c1, _ := snap.CustomerByNumber("C1")
	if l, c, ok := snap.LocationByGLN(glnStore); !ok || c != c1 || l.Code != "ST-2" {
		t.Errorf("catalog: %+v %v %v", l, c, ok)
	}
	// An unchanged list again writes nothing.
	v := res.Version
	again := importCSV(t, ctx, pool, masterdata.Locations, "customer,code,address\nC1,WH,Dok Noord 5\n")
	if again.Version != v {
		t.Errorf("version %d after an unchanged import, was %d", again.Version, v)
	}
}

// TestLocationsRefused: a GLN belongs to one location, a code to one
// location of its customer, and a location needs one of them; the import is
// refused with the rows that clash and writes nothing.
func TestLocationsRefused(t *testing.T) {
	ctx, pool := setup(t)
	importCSV(t, ctx, pool, masterdata.Customers, "number,name\nC1,One\nC2,Two\n")
	importCSV(t, ctx, pool, masterdata.Locations, "customer,gln,code,name\nC1,"+glnStore+",ST-1,Store\n")
	tests := []struct {
		name, file string
		want       []string
	}{
		{"cells", "customer,gln,code,country\nC1,4012345000010,,BE\nC1,,,BE\nC1,,X,Belgium\n", []string{
			`row 2, column gln: "4012345000010" is not a valid GTIN (GTIN check digit is wrong)`,
			`row 3, column gln: a location needs a GLN or a code (the ERP's code of the location)`,
			`row 4, column country: "Belgium" is not a country code (two letters, such as BE)`,
		}},
		{"unknown customer", "customer,code\nC9,X\n", []string{`row 2, column customer: there is no customer "C9"`}},
		{"the same location twice", "customer,gln,name\nC1," + glnDepot + ",a\nc1," + glnDepot + ",b\n",
			[]string{`row 3, column gln: repeats row 2 (the same entry twice)`}},
		{"a GLN of another customer's location", "customer,gln,name\nC2," + glnStore + ",Mine\n",
			[]string{`row 2, column gln: GLN ` + glnStore + ` is already a location of customer C1; a GLN belongs to one location`}},
		{"a GLN for two customers in one file", "customer,gln\nC1," + glnDepot + "\nC2," + glnDepot + "\n", []string{
			`row 2, column gln: GLN ` + glnDepot + ` is already a location of customer C2; a GLN belongs to one location`,
			`row 3, column gln: GLN ` + glnDepot + ` is already a location of customer C1; a GLN belongs to one location`,
		}},
		{"a code of another location", "customer,code\nC1,st-1\n",
			[]string{`row 2, column code: code ST-1 is already the code of another location (GLN ` + glnStore + `); a code belongs to one location of the customer`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := masterdata.Import(ctx, pool, masterdata.Locations, strings.NewReader(tt.file), masterdata.ImportOptions{})
			if got := problems(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	if n := countRows(t, ctx, pool, "locations"); n != 1 {
		t.Errorf("locations has %d rows after refused imports, want 1", n)
	}
	// Another customer may use the same code, and two locations may swap
	// codes in one file.
	importCSV(t, ctx, pool, masterdata.Locations, "customer,code\nC2,ST-1\n")
	importCSV(t, ctx, pool, masterdata.Locations, "customer,gln,code\nC1,"+glnDepot+",ST-9\n")
	importCSV(t, ctx, pool, masterdata.Locations, "customer,gln,code\nC1,"+glnStore+",ST-9\nC1,"+glnDepot+",ST-1\n")
}
