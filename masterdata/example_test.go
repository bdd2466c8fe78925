package masterdata_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ordergate/ordergate/masterdata"
)

// Importing a file as `ordergate import items items.xlsx` does: a progress
// bar on stderr, and on bad data one line per problem for the user.
func ExampleImportFile() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	res, err := masterdata.ImportFile(ctx, pool, masterdata.Items, "items.xlsx",
		masterdata.ImportOptions{Progress: os.Stderr})
	var ie *masterdata.ImportError
	switch {
	case errors.As(err, &ie):
		for _, p := range ie.Problems {
			fmt.Println(p) // row 17, column price: "12,5x" is not a number
		}
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Printf("%d items imported, master data version %d\n", res.Rows, res.Version)
	}
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]masterdata.Kind{
		"items": masterdata.Items, "Item_Units": masterdata.Units, "units": masterdata.Units,
		"open-orders": masterdata.OpenOrders, " CrossRefs ": masterdata.CrossRefs,
	} {
		if got, ok := masterdata.ParseKind(in); !ok || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := masterdata.ParseKind("orders"); ok {
		t.Error("ParseKind(orders) ok")
	}
	for _, k := range masterdata.Kinds {
		if _, ok := masterdata.ParseKind(string(k)); !ok {
			t.Errorf("kind %q not parsed", k)
		}
	}
	ctx := context.Background()
	if _, err := masterdata.UpsertJSON(ctx, nil, "orders", []byte(`[]`), masterdata.ImportOptions{}); !errors.Is(err, masterdata.ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
}
