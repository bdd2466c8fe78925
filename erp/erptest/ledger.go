package erptest

import "sync"

// ledger is what the Business Central and Visma fakes keep alike: the
// customers and items they know, the orders created, the create requests
// that passed authentication, and their token endpoint.
type ledger[T any] struct {
	tokens *tokenIssuer

	mu        sync.Mutex
	customers map[string]bool
	items     map[string]bool
	units     map[string][]string // item -> its units of measure, when set
	orders    []T
	posts     int
}

// SetItemUnits makes the fake know exactly these units of measure (codes
// as the ERP writes them, PCS, BOX, ...) for the item: a line in another
// unit is refused as the real ERP refuses it. Items without units set
// take any unit.
func (l *ledger[T]) SetItemUnits(item string, codes ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.units == nil {
		l.units = make(map[string][]string)
	}
	l.units[item] = codes
}

// knowsUnit reports whether the item may be ordered in the unit ("" is the
// item's default unit). The caller holds mu.
func (l *ledger[T]) knowsUnit(item, unit string) bool {
	codes, ok := l.units[item]
	if !ok || unit == "" {
		return true
	}
	for _, c := range codes {
		if c == unit {
			return true
		}
	}
	return false
}

// Orders returns the stored sales orders.
func (l *ledger[T]) Orders() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.orders...)
}

// OrderCount returns how many sales orders were created.
func (l *ledger[T]) OrderCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.orders)
}

// Posts returns how many create requests passed authentication.
func (l *ledger[T]) Posts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.posts
}

// TokensIssued returns how many access tokens the token endpoint issued.
func (l *ledger[T]) TokensIssued() int { return l.tokens.count() }

// ExpireTokens makes every issued token invalid: the API answers 401 until
// the client fetches a new one.
func (l *ledger[T]) ExpireTokens() { l.tokens.revoke() }
