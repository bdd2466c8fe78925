package intake

import (
	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/matching"
)

// liveMatching returns the catalog snapshot and matching options the
// pipeline matches with, for the desk's look-ups and previews, which
// match nothing into the database.
func (p *Pipeline) liveMatching() (*catalog.Snapshot, matching.Options, error) {
	m, ok := p.opts.Matcher.(*CatalogMatcher)
	if !ok || m.Snapshot == nil {
		return nil, matching.Options{}, &Error{Kind: ErrConflict, Message: "automatic matching is not set up, so there is no catalog to look items up in"}
	}
	snap := m.Snapshot()
	if snap == nil {
		return nil, matching.Options{}, ErrCatalogNotReady
	}
	return snap, m.today(), nil
}

// customerID finds a customer by number for a desk look-up; "" is none.
func customerID(snap *catalog.Snapshot, number string) (catalog.CustomerID, error) {
	if number == "" {
		return catalog.NoCustomer, nil
	}
	c, ok := snap.CustomerByNumber(number)
	if !ok {
		return catalog.NoCustomer, invalidf("customer number %s is not in the customer list", number)
	}
	return c, nil
}
