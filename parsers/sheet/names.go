package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Field is what a column of an order table holds: the JSON name of the
// order.Line field it fills, or FieldIgnore.
type Field string

// Fields of order lines a column can hold.
const (
	FieldLineNo       Field = "line_no"
	FieldBuyerItem    Field = "buyer_item"    // the customer's own item number (or our SKU: matching tries both)
	FieldSupplierItem Field = "supplier_item" // our item number as the customer wrote it
	FieldGTIN         Field = "gtin"
	FieldDescription  Field = "description"
	FieldQuantity     Field = "quantity"
	FieldUnit         Field = "unit"
	FieldUnitPrice    Field = "unit_price"
	FieldLineAmount   Field = "line_amount"
	FieldDeliveryDate Field = "delivery_date"
	FieldNotes        Field = "notes"
	FieldIgnore       Field = "ignore" // a column the desk told us to leave alone
)

// Fields lists every Field, for validating a layout.
var Fields = []Field{FieldLineNo, FieldBuyerItem, FieldSupplierItem, FieldGTIN, FieldDescription, FieldQuantity,
	FieldUnit, FieldUnitPrice, FieldLineAmount, FieldDeliveryDate, FieldNotes, FieldIgnore}

// identifies reports whether a field names the item.
func (f Field) identifies() bool {
	return f == FieldBuyerItem || f == FieldSupplierItem || f == FieldGTIN
}

// Normalize is the comparable form of a header or label cell: letters
// and digits only, lower-case, accents removed and the Nordic and German
// letters spelled out in ASCII ("Art.-Nr." -> "artnr", "Määrä" -> "maara",
// "Beløb" -> "belob", "Stück" -> "stuck", "Maße" -> "masse"). Layouts are
// keyed by the normalised header cells.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		case unicode.Is(unicode.Mn, r):
		default:
			switch unicode.ToLower(r) {
			case 'æ':
				b.WriteString("ae")
			case 'ø':
				b.WriteByte('o')
			case 'ß':
				b.WriteString("ss")
			case 'đ', 'ð':
				b.WriteByte('d')
			case 'þ':
				b.WriteString("th")
			case 'ł':
				b.WriteByte('l')
			default:
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					b.WriteRune(unicode.ToLower(r))
				}
			}
		}
	}
	return b.String()
}

// columnNames maps normalised header cells to fields, in English, Swedish,
// Norwegian, Danish, Finnish and German as customers write them.
var columnNames = func() map[string]Field {
	m := map[string]Field{}
	add := func(f Field, names ...string) {
		for _, n := range names {
			m[n] = f
		}
	}
	add(FieldLineNo, "pos", "position", "line", "lineno", "linenumber", "row", "rad", "radnr", "rivi", "rivinro",
		"rivinumero", "linje", "linjenr", "nr", "no", "lfdnr", "zeile", "posnr", "positionsnr")
	add(FieldBuyerItem, "item", "itemno", "itemnr", "itemnumber", "itemcode", "article", "articleno", "articlenr",
		"articlenumber", "artno", "artnr", "artnummer", "artikelnr", "artikelnummer", "artikelno",
		"artikkelnr", "artikkelnummer", "varenr", "varenummer", "varenumber", "varekode", "varunr", "art",
		"varunummer", "tuotenro", "tuotenumero", "tuotekoodi", "nimikenro", "nimikenumero", "koodi",
		"productno", "productnumber", "productcode", "productid", "prodno", "partno", "partnumber", "sku", "code",
		"kod", "kode", "materialnr", "materialnummer", "material", "artikelnummer", "ourartno", "ouritemno",
		"vartartnr", "vartartikelnummer", "egetartnr", "egetartikelnummer", "vortvarenr", "vortvarenummer",
		"voresvarenr", "voresvarenummer", "meidantuotenumero", "unsereartikelnummer", "kundenartikelnummer",
		"kundartikelnr", "kundartikelnummer", "customeritem", "customeritemno", "customerpartno")
	add(FieldSupplierItem, "supplieritem", "supplieritemno", "supplierartno", "supplierpartno", "vendoritem",
		"vendoritemno", "vendorpartno", "yourartno", "youritemno", "yourpartno", "levartnr", "levartikelnr",
		"levartikelnummer", "leverantorensartnr", "leverantorensartikelnummer", "ertartnr", "ertartikelnummer",
		"erartnr", "erartikelnr", "levvarenr", "leverandorvarenr", "leverandorensvarenr", "leverandorvarenummer",
		"deresvarenr", "deresvarenummer", "toimittajantuotenumero", "toimittajannimike", "teidantuotenumero",
		"lieferantenartikelnummer", "lieferantenartnr", "ihreartikelnummer", "ihreartnr", "bestellnr", "bestellnummer",
		"herstellernr", "herstellerartikelnummer")
	add(FieldGTIN, "ean", "eannr", "eanno", "eannummer", "eancode", "eankod", "eankode", "eankoodi", "ean13", "gtin",
		"gtin13", "gtin14", "streckkod", "strekkode", "stregkode", "viivakoodi", "barcode", "upc")
	add(FieldDescription, "description", "desc", "name", "itemname", "itemdescription", "productname",
		"productdescription", "product", "text", "benamning", "beskrivning", "artikelbenamning", "artikelbeskrivning",
		"produktnamn", "produkt", "varubeskrivning", "beskrivelse", "betegnelse", "varebetegnelse", "varenavn",
		"varebeskrivelse", "produktnavn", "tekst", "kuvaus", "nimi", "nimike", "tuotenimi", "tuotekuvaus", "nimitys",
		"bezeichnung", "beschreibung", "artikelbezeichnung", "artikelbeschreibung", "produktbezeichnung", "benennung",
		"artikeltext")
	add(FieldQuantity, "qty", "quantity", "qnty", "orderqty", "orderquantity", "orderedqty", "pcs", "antal",
		"antall", "ant", "antalst", "mangd", "bestalltantal", "bestallt", "bestilt", "bestiltantall", "antalbestilt",
		"maengde", "mengde", "maara", "tilattu", "tilausmaara", "kpl", "kplmaara", "menge", "anzahl", "bestellmenge",
		"stuck", "stk", "st", "count", "quant", "kolli")
	add(FieldUnit, "unit", "units", "uom", "unitofmeasure", "enhet", "enh", "eining", "enhed", "yksikko", "yks",
		"einheit", "me", "mengeneinheit", "ve", "verpackungseinheit", "forpackning", "forp", "pakning")
	add(FieldUnitPrice, "price", "unitprice", "netprice", "netunitprice", "priceunit", "priceeach", "pris", "apris",
		"styckpris", "enhetspris", "nettopris", "prisst", "aprisst", "stykpris", "enhedspris", "hinta", "ahinta",
		"yksikkohinta", "nettohinta", "preis", "einzelpreis", "stuckpreis", "ep", "nettopreis", "preisproeinheit")
	add(FieldLineAmount, "amount", "lineamount", "linetotal", "total", "totalprice", "value", "sum", "summa",
		"belopp", "radsumma", "totalt", "belob", "belop", "ialt", "linjesum", "rivisumma", "yhteensa", "summa",
		"gesamt", "gesamtpreis", "betrag", "gesamtbetrag", "nettobetrag", "positionswert")
	add(FieldDeliveryDate, "deliverydate", "delivery", "leveransdatum", "levdatum", "leverans", "onskatlevdatum",
		"onskadleverans", "leveringsdato", "levering", "levdato", "toimituspaiva", "toimituspvm", "toimitus",
		"liefertermin", "lieferdatum", "wunschtermin", "requesteddate", "requesteddeliverydate", "deliveryweek",
		"leveransvecka", "levvecka", "leveringsuke", "leveringsuge", "toimitusviikko", "lieferwoche", "eta")
	add(FieldNotes, "comment", "comments", "note", "notes", "remark", "remarks", "kommentar", "anmarkning",
		"merknad", "bemerkning", "bemaerkning", "huomautus", "huom", "lisatieto", "lisatiedot", "bemerkung",
		"hinweis", "info", "meddelande", "notering")
	return m
}()

// itemOrName are header names that mean the item's number in a table
// without another item column, and its name beside one ("Artikel" next to
// "Artikelnummer").
var itemOrName = map[string]bool{"artikel": true, "artikkel": true, "item": true, "article": true, "vare": true,
	"product": true, "produkt": true, "tuote": true}

// columnField recognises a header cell: a known name, else a name that
// contains a known word ("Beställt antal", "Önskat leveransdatum",
// "Pris/st exkl. moms"). Price comes before unit and quantity, so that
// "Enhetspris" is a price and "Antal enheter" a quantity.
func columnField(cell string) (Field, bool) {
	n := Normalize(cell)
	if n == "" {
		return "", false
	}
	if f, ok := columnNames[n]; ok {
		return f, true
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(n, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("ean", "gtin", "streckkod", "strekkode", "stregkode", "viivakoodi", "barcode"):
		return FieldGTIN, true
	case has("datum", "dato", "date", "paiva", "pvm", "termin", "vecka", "week", "uke", "uge", "viikko", "woche"):
		return FieldDeliveryDate, true
	case has("summa", "total", "belopp", "belob", "belop", "betrag", "gesamt", "amount", "yhteensa"):
		return FieldLineAmount, true
	case has("pris", "price", "preis", "hinta"):
		return FieldUnitPrice, true
	case has("antal", "antall", "menge", "anzahl", "maara", "qty", "quantity", "mangd", "mengde", "maengde"):
		return FieldQuantity, true
	case has("bezeichnung", "beschreibung", "description", "benamning", "beskriv", "kuvaus", "nimitys",
		"varenavn", "betegnelse", "tuotenimi", "produktnamn"):
		return FieldDescription, true
	case has("enhet", "einheit", "yksikko", "unit", "enhed", "eining"):
		return FieldUnit, true
	case has("artnr", "artikelnr", "artikelnummer", "artikkelnr", "varenr", "varenummer", "tuotenumero", "tuotenro",
		"tuotekoodi", "itemno", "itemnumber", "sku", "productcode", "materialnr", "partno", "artno", "nimikenumero"):
		if has("lev", "supplier", "vendor", "your", "ert", "deres", "toimittaja", "teidan", "lieferant", "ihre", "hersteller") {
			return FieldSupplierItem, true
		}
		return FieldBuyerItem, true
	}
	return "", false
}

// Order-level values a label above or beside the table can name.
const (
	labelPONumber     = "po_number"
	labelOrderDate    = "order_date"
	labelDeliveryDate = "delivery_date"
	labelCustomer     = "customer_number"
	labelShipTo       = "ship_to"
	labelCurrency     = "currency"
	labelNotes        = "notes"
)

// labelNames maps normalised label cells ("Ordernr:", "Bestellnummer",
// "Leveransdatum") to the order-level value they introduce.
var labelNames = func() map[string]string {
	m := map[string]string{}
	add := func(f string, names ...string) {
		for _, n := range names {
			m[n] = f
		}
	}
	add(labelPONumber, "ordernr", "ordernummer", "orderno", "ordernumber", "order", "purchaseorder", "purchaseorderno",
		"purchaseordernumber", "po", "pono", "ponr", "ponumber", "poref", "poreference", "yourorderno", "ourorderno",
		"inkopsorder", "inkopsordernr", "inkopsordernummer", "bestallning", "bestallningsnr", "bestallningsnummer",
		"bestillingsnr", "bestillingsnummer", "bestilling", "bestillingsno", "ordrenr", "ordrenummer", "ordreno",
		"innkjopsordre", "indkobsordre", "tilausnro", "tilausnumero", "tilaus", "ostotilaus", "ostotilausnro",
		"ostotilausnumero", "bestellnummer", "bestellnr", "bestellung", "bestellungnr", "auftragsnr", "auftragsnummer",
		"auftrag", "ordreferens", "orderreferens", "orderref")
	add(labelOrderDate, "orderdate", "orderdatum", "date", "datum", "dato", "ordredato", "bestallningsdatum",
		"bestillingsdato", "tilauspaiva", "tilauspvm", "pvm", "paivays", "paivamaara", "bestelldatum", "auftragsdatum",
		"podate", "dateoforder", "inkopsdatum")
	add(labelDeliveryDate, "deliverydate", "delivery", "requesteddeliverydate", "requesteddate", "deliverby",
		"leveransdatum", "levdatum", "leverans", "onskadleverans", "onskatleveransdatum", "onskatlevdatum",
		"leveranstid", "leveringsdato", "levering", "leveringsdag", "onsketleveringsdato", "onsketlevering",
		"toimituspaiva", "toimituspvm", "toimitus", "haluttutoimituspaiva", "toivottutoimituspaiva", "liefertermin",
		"lieferdatum", "wunschtermin", "wunschliefertermin", "deliveryweek", "leveransvecka", "levvecka",
		"leveringsuke", "leveringsuge", "toimitusviikko", "lieferwoche")
	add(labelCustomer, "customerno", "customernumber", "customernr", "customerid", "customer", "accountno",
		"accountnumber", "account", "kundnr", "kundnummer", "kund", "kundid", "kundenr", "kundenummer", "kunde",
		"asiakasnro", "asiakasnumero", "asiakas", "asiakastunnus", "kundennr", "kundennummer", "debitornr",
		"debitorennummer", "vartkundnr", "vortkundenr", "voreskundenr")
	add(labelShipTo, "deliveryaddress", "shipto", "shiptoaddress", "deliverto", "leveransadress", "leveransadr",
		"levadress", "godsmottagare", "leveringsadresse", "leveringsadr", "varemottaker", "varemodtager",
		"toimitusosoite", "vastaanottaja", "lieferadresse", "lieferanschrift", "warenempfanger")
	add(labelCurrency, "currency", "valuta", "valuutta", "wahrung")
	add(labelNotes, "comment", "comments", "note", "notes", "remark", "remarks", "kommentar", "kommentarer",
		"anmarkning", "meddelande", "merknad", "merknader", "bemerkning", "bemaerkning", "huomautus", "huom",
		"lisatieto", "lisatiedot", "viesti", "bemerkung", "bemerkungen", "hinweis", "message", "instructions")
	return m
}()

// totalWords start the cells of total, subtotal, tax and freight rows,
// which are never order lines.
var totalWords = []string{"total", "subtotal", "grandtotal", "sum", "summa", "summe", "delsumma", "delsum",
	"mellansumma", "gesamt", "zwischensumme", "endsumme", "yhteensa", "valisumma", "kokonaissumma", "ialt",
	"tilsammen", "moms", "mva", "vat", "mwst", "ust", "alv", "frakt", "freight", "shipping", "fracht", "rahti",
	"porto", "attbetala", "netto", "brutto", "ordervarde", "ordersumma", "rabatt", "discount", "alennus"}

// isTotal reports whether a cell starts a total, tax or freight row: its
// first word is one of totalWords, or starts with one of five letters or
// more ("Totalsumma", "Gesamtsumme"); "Portobello" is no postage.
func isTotal(cell string) bool {
	first := strings.FieldsFunc(cell, func(r rune) bool { return !unicode.IsLetter(r) })
	if len(first) == 0 {
		return false
	}
	w := Normalize(first[0])
	for _, t := range totalWords {
		if w == t || len(t) >= 5 && strings.HasPrefix(w, t) {
			return true
		}
	}
	return false
}
