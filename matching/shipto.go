package matching

import (
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// maxLocationSuggestions caps the locations offered with UNKNOWN_SHIP_TO.
const maxLocationSuggestions = 5

// checkShipTo decides where the goods go (Result.DeliverTo) from the
// order's ship-to party (EDIFACT NAD+DP or NAD+ST). Goods never go to the
// customer's default address in place of one the order names:
//
//   - No ship-to: the customer's default address (DeliverTo nil).
//   - A GLN of one of the customer's locations: that location, its address
//     from the master data (the order's address fills what the master data
//     lacks). A GLN that is the customer's own (as when NAD+DP repeats
//     NAD+BY) and no location's: the default address.
//   - A party id assigned by the supplier (code list 91) or without a code
//     list that is the code of one of the customer's locations: that
//     location. An id assigned by the buyer (92) is the buyer's number, not
//     ours, and is never taken for a location code.
//   - Otherwise, a complete address as sent (street, city, and a postcode or
//     a country) is delivered as sent, whether or not the customer has
//     locations in the master data.
//   - Anything else (a GLN or id alone that is no location of the customer,
//     a name without an address, a customer without locations) is
//     UNKNOWN_SHIP_TO: the desk adds the location or corrects the order.
//   - A GLN that is another customer's location is UNKNOWN_SHIP_TO even
//     with an address: the order or the master data is wrong.
//
// Cancellations are not checked, nor orders of an unknown customer (the
// customer is chosen first; the ship-to is checked when the order is matched
// again).
func (m *run) checkShipTo() {
	st := m.po.ShipTo
	if m.cust == nil || st.IsZero() || m.po.Function == order.FunctionCancellation {
		return
	}
	s, c := m.snap, m.res.Customer
	gln := strings.TrimSpace(st.GLN)
	var other string // the customer whose location the GLN is, when not this one
	if gln != "" {
		if loc, owner, ok := s.LocationByGLN(gln); ok {
			if owner == c {
				m.res.DeliverTo = fromLocation(loc, st)
				return
			}
			other = loc.Customer
		} else if owner, ok := s.CustomerByGLN(gln); ok && owner == c {
			return // the customer's own GLN: its default address
		}
	}
	if id := strings.TrimSpace(st.ID); gln == "" && id != "" && (st.CodeList == "" || st.CodeList == "91") {
		if loc, ok := s.LocationByCode(c, id); ok {
			m.res.DeliverTo = fromLocation(loc, st)
			return
		}
	}
	if other == "" && completeAddress(st) {
		m.res.DeliverTo = &order.Location{GLN: gln, Name: st.Name, Address: st.Address, City: st.City,
			Postcode: st.Postcode, Country: strings.ToUpper(strings.TrimSpace(st.Country)), From: order.LocationAsSent}
		return
	}
	expected := "customer " + m.cust.Number + " (" + m.cust.Name + ")"
	switch {
	case other != "":
		expected += "; it is a location of customer " + other
	case s.NumLocations(c) == 0:
		expected += ", which has no delivery locations in the master data"
	}
	var sugg []Suggestion
	for _, l := range s.Locations(c) {
		if len(sugg) == maxLocationSuggestions {
			break
		}
		sugg = append(sugg, locationSuggestion(l))
	}
	m.add(newException(UnknownShipTo, 0, "", describeParty(st), expected, sugg))
}

// fromLocation is the location to deliver to; the ship-to as sent fills
// the name and address the master data lacks.
func fromLocation(l *catalog.Location, sent *order.Party) *order.Location {
	d := &order.Location{Code: l.Code, GLN: l.GLN, Name: l.Name, Address: l.Address, City: l.City,
		Postcode: l.Postcode, Country: l.Country, From: order.LocationFromMasterData}
	if d.Name == "" {
		d.Name = sent.Name
	}
	if !d.HasAddress() && completeAddress(sent) {
		d.Address, d.City, d.Postcode = sent.Address, sent.City, sent.Postcode
		d.Country = strings.ToUpper(strings.TrimSpace(sent.Country))
	}
	return d
}

// completeAddress reports whether a party's address can be delivered to as
// it is: a street, a city, and a postcode or a country (for countries
// without postcodes).
func completeAddress(p *order.Party) bool {
	has := func(s string) bool { return strings.TrimSpace(s) != "" }
	return has(p.Address) && has(p.City) && (has(p.Postcode) || has(p.Country))
}

// describeParty renders the ship-to as the order names it, for the desk:
// "GLN 5412345000020 (Store 7)", "location STORE-7 assigned by the buyer".
func describeParty(p *order.Party) string {
	var parts []string
	switch {
	case p.GLN != "":
		if _, err := catalog.ParseGTIN(p.GLN); err != nil || len(strings.TrimSpace(p.GLN)) != 13 {
			parts = append(parts, "location "+p.GLN+" (sent as a GLN, but not a valid one)")
		} else {
			parts = append(parts, "GLN "+p.GLN)
		}
	case p.ID != "":
		s := "location " + p.ID
		switch p.CodeList {
		case "91":
			s += " assigned by us"
		case "92":
			s += " assigned by the buyer"
		}
		parts = append(parts, s)
	}
	var addr []string
	for _, v := range []string{p.Name, p.Address, strings.TrimSpace(p.Postcode + " " + p.City), p.Country} {
		if v = strings.TrimSpace(v); v != "" {
			addr = append(addr, v)
		}
	}
	if len(addr) > 0 {
		a := strings.Join(addr, ", ")
		if len(parts) > 0 {
			a = "(" + a + ")"
		}
		parts = append(parts, a)
	}
	if !completeAddress(p) {
		parts = append(parts, "without a complete address")
	}
	return strings.Join(parts, " ")
}

func locationSuggestion(l *catalog.Location) Suggestion {
	id := l.GLN
	if id == "" {
		id = l.Code
	}
	var desc []string
	for _, v := range []string{l.Name, l.Address, strings.TrimSpace(l.Postcode + " " + l.City)} {
		if v != "" {
			desc = append(desc, v)
		}
	}
	return Suggestion{SKU: id, Description: strings.Join(desc, ", "), Reason: "delivery location"}
}
