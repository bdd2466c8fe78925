package matching

import (
	"strings"

	"github.com/ordergate/ordergate/catalog"
	"github.com/ordergate/ordergate/order"
)

// evidence is one way the order names its customer.
type evidence struct {
	id   catalog.CustomerID
	what string // "EDI sender id X", for CustomerBy and messages
}

// identifyCustomer finds the customer, in the order of evidence of
// DESIGN.md: the customer chosen at upload (po.ChosenCustomer), the EDI
// interchange sender or a GLN (sender, then NAD+BY), the sender's e-mail
// address, then its domain. The first evidence found decides; any later
// evidence naming a different customer raises AMBIGUOUS_CUSTOMER, even
// against a choice made at upload (the document may be another customer's).
// A domain alone identifies a customer only for a verified sender; an
// unverified e-mail sender is always UNVERIFIED_SENDER.
func (m *run) identifyCustomer() {
	po, s := m.po, m.snap
	var found []evidence
	var tried []string
	try := func(id catalog.CustomerID, ok bool, what string) {
		tried = append(tried, what)
		if ok {
			found = append(found, evidence{id, what})
		}
	}
	if n := strings.TrimSpace(po.ChosenCustomer); n != "" {
		id, ok := s.CustomerByNumber(n)
		if !ok {
			m.add(newException(UnknownCustomer, 0, "", "customer number "+n+" is not in the customer list", "", nil))
			m.checkSender()
			return
		}
		try(id, ok, "customer number "+n+" chosen at upload")
	}
	snd := po.Sender
	switch snd.Kind {
	case order.SenderEDI:
		id, ok := s.CustomerByEDI(snd.ID)
		if !ok && (snd.Qualifier == "14" || len(snd.ID) == 13) {
			id, ok = s.CustomerByGLN(snd.ID)
		}
		try(id, ok, "EDI sender id "+snd.ID)
	case order.SenderGLN:
		id, ok := s.CustomerByGLN(snd.ID)
		try(id, ok, "sender GLN "+snd.ID)
	}
	if po.Buyer != nil && po.Buyer.GLN != "" {
		id, ok := s.CustomerByGLN(po.Buyer.GLN)
		try(id, ok, "buyer GLN "+po.Buyer.GLN)
	}
	var domainAmbiguous bool
	if snd.Kind == order.SenderEmail {
		id, ok := s.CustomerByEmail(snd.ID)
		try(id, ok, "sender address "+snd.ID)
		if !ok && len(found) == 0 {
			dom := catalog.EmailDomain(snd.ID)
			if dom != "" {
				id, ok, amb := s.CustomerByDomain(dom)
				domainAmbiguous = amb
				try(id, ok, "sender domain "+dom)
			}
		}
	}

	if len(found) == 0 {
		got := strings.Join(tried, ", ")
		if got == "" {
			got = "no sender id, GLN or address"
		}
		if domainAmbiguous {
			got += "; several customers use this domain"
		}
		m.add(newException(UnknownCustomer, 0, "", got, "", nil))
		m.checkSender()
		return
	}
	m.setCustomer(found[0])
	for _, e := range found[1:] {
		if e.id != found[0].id {
			m.add(newException(AmbiguousCustomer, 0, "",
				found[0].what+" is customer "+s.Customer(found[0].id).Number,
				e.what+" is customer "+s.Customer(e.id).Number,
				[]Suggestion{customerSuggestion(s, found[0].id), customerSuggestion(s, e.id)}))
			break
		}
	}
	m.checkSender()
}

func customerSuggestion(s *catalog.Snapshot, id catalog.CustomerID) Suggestion {
	c := s.Customer(id)
	return Suggestion{SKU: c.Number, Description: c.Name}
}

func (m *run) setCustomer(e evidence) {
	c := m.snap.Customer(e.id)
	m.cust = c
	m.res.Customer = e.id
	m.res.CustomerNumber = c.Number
	m.res.CustomerBy = e.what
	if !c.AutoApprove {
		m.add(newException(ManualApproval, 0, "", c.Number+" ("+c.Name+")", "", nil))
	}
}

// checkSender flags e-mail senders whose identity the mail channel could
// not verify. See DESIGN.md "Security rules".
func (m *run) checkSender() {
	snd := m.po.Sender
	if snd.Kind != order.SenderEmail || snd.Verified {
		return
	}
	why := "orders from unverified mail are always reviewed"
	if strings.HasPrefix(m.res.CustomerBy, "sender domain") {
		why = "the customer was guessed from the mail domain only"
	}
	m.add(newException(UnverifiedSender, 0, "", snd.ID, why, nil))
}
