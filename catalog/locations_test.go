package catalog

import (
	"errors"
	"strings"
	"testing"
)

const (
	glnStore  = "4012345000009"
	glnDepot  = "4012345000016"
	glnOther  = "4012345000023"
	glnBroken = "4012345000010" // wrong check digit
)

func TestLocations(t *testing.T) {
	d := smallData()
	d.Locations = []Location{
		{Customer: "C2", GLN: glnOther, Name: "Beta depot"},
		{Customer: "c1", GLN: glnStore, Code: "st-1", Name: "Acme store", City: "Gent"},
		{Customer: "C1", Code: "WH", Name: "Acme warehouse"},
		{Customer: "C1", GLN: glnDepot},
	}
	s := mustBuild(t, d)
	c1, _ := s.CustomerByNumber("C1")
	c2, _ := s.CustomerByNumber("C2")
	if l, c, ok := s.LocationByGLN("0" + glnStore); !ok || c != c1 || l.Name != "Acme store" {
		t.Errorf("by GLN (14 digits): %+v %v %v", l, c, ok)
	}
	if l, c, ok := s.LocationByGLN(glnOther); !ok || c != c2 || l.Name != "Beta depot" {
		t.Errorf("by GLN of C2: %+v %v %v", l, c, ok)
	}
	if _, _, ok := s.LocationByGLN("4006381333931"); ok {
		t.Error("a customer's own GLN is no location")
	}
	if l, ok := s.LocationByCode(c1, " ST-1 "); !ok || l.GLN != glnStore {
		t.Errorf("by code: %+v %v", l, ok)
	}
	if _, ok := s.LocationByCode(c2, "ST-1"); ok {
		t.Error("a code is per customer")
	}
	ls := s.Locations(c1)
	if len(ls) != 3 || ls[0].Name != "Acme store" || ls[1].Code != "WH" || ls[2].GLN != glnDepot || s.NumLocations(c1) != 3 {
		t.Errorf("locations of C1: %+v", ls)
	}
	if n := s.NumLocations(NoCustomer); n != 0 || s.Locations(NoCustomer) != nil {
		t.Errorf("locations of no customer: %d", n)
	}
}

func TestLocationsRefused(t *testing.T) {
	d := smallData()
	d.Locations = []Location{
		{Customer: "C9", GLN: glnStore},
		{Customer: "C1"},
		{Customer: "C1", GLN: glnBroken},
		{Customer: "C1", GLN: glnDepot, Code: "A"},
		{Customer: "C2", GLN: glnDepot},
		{Customer: "C1", Code: "a"},
	}
	_, err := Build(d)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build = %v, want a BuildError", err)
	}
	for i, want := range []string{
		`location 1 (GLN "4012345000009", code ""): unknown customer "C9"`,
		`location 2 of customer "C1": neither a GLN nor a code`,
		`location 3 of customer "C1": GLN "4012345000010" is not a valid 13-digit GLN`,
		`location 5 of customer "C2": GLN 4012345000016 is already location 4 of customer "C1"`,
		`location 6 of customer "C1": code A is already location 4`,
	} {
		if i >= len(be.Problems) || be.Problems[i] != want {
			t.Errorf("problem %d:\n got %q\nwant %q", i, strings.Join(be.Problems, "\n"), want)
		}
	}
}
