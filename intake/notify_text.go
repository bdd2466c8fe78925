package intake

// noticeText is the wording of the answers to customers who order by
// mail, in one language.
type noticeText struct {
	hello          string
	confirmSubject string // PO number
	confirmOurs    string // ", our order %s"
	thanks         string // PO number
	ofDate         string // " of %s"
	accepted       string
	acceptedAs     string // " as our order %s"
	columns        [5]string
	delivery       string // date
	rejectSubject  string // PO number
	rejected       string // PO number, reason
	noNumber       string
	footer         string
}

// noticeTexts are the answers in the languages a mail can be answered in
// (parsers/email.Languages); English where the language is not known.
var noticeTexts = map[string]noticeText{
	"en": {
		hello: "Hello,", confirmSubject: "Order %s confirmed", confirmOurs: ", our order %s",
		thanks: "thank you for your order %s", ofDate: " of %s", accepted: ". We have accepted it", acceptedAs: " as our order %s",
		columns:  [5]string{"Line", "Item", "Description", "Quantity", "Unit price"},
		delivery: "Requested delivery date: %s.", rejectSubject: "Order %s could not be accepted",
		rejected: "we could not accept your order %s: %s.\n\nNothing of it will be delivered. " +
			"Please send a corrected order, or reply to this mail if you have questions.",
		noNumber: "(without a number)", footer: "This message was written automatically by our order system.",
	},
	"sv": {
		hello: "Hej,", confirmSubject: "Order %s bekräftad", confirmOurs: ", vår order %s",
		thanks: "tack för er beställning %s", ofDate: " från %s", accepted: ". Vi har tagit emot den", acceptedAs: " som vår order %s",
		columns:  [5]string{"Rad", "Artikel", "Benämning", "Antal", "Pris"},
		delivery: "Önskat leveransdatum: %s.", rejectSubject: "Order %s kunde inte tas emot",
		rejected: "vi kunde inte ta emot er beställning %s: %s.\n\nInget av den levereras. " +
			"Skicka gärna en rättad beställning, eller svara på detta mejl om ni har frågor.",
		noNumber: "(utan nummer)", footer: "Detta meddelande skrevs automatiskt av vårt ordersystem.",
	},
	"no": {
		hello: "Hei,", confirmSubject: "Ordre %s bekreftet", confirmOurs: ", vår ordre %s",
		thanks: "takk for bestillingen %s", ofDate: " av %s", accepted: ". Vi har tatt imot den", acceptedAs: " som vår ordre %s",
		columns:  [5]string{"Linje", "Vare", "Beskrivelse", "Antall", "Pris"},
		delivery: "Ønsket leveringsdato: %s.", rejectSubject: "Ordre %s kunne ikke tas imot",
		rejected: "vi kunne ikke ta imot bestillingen %s: %s.\n\nIngenting av den blir levert. " +
			"Send gjerne en rettet bestilling, eller svar på denne e-posten om dere har spørsmål.",
		noNumber: "(uten nummer)", footer: "Denne meldingen ble skrevet automatisk av ordresystemet vårt.",
	},
	"da": {
		hello: "Hej,", confirmSubject: "Ordre %s bekræftet", confirmOurs: ", vores ordre %s",
		thanks: "tak for jeres bestilling %s", ofDate: " af %s", accepted: ". Vi har modtaget den", acceptedAs: " som vores ordre %s",
		columns:  [5]string{"Linje", "Vare", "Beskrivelse", "Antal", "Pris"},
		delivery: "Ønsket leveringsdato: %s.", rejectSubject: "Ordre %s kunne ikke modtages",
		rejected: "vi kunne ikke modtage jeres bestilling %s: %s.\n\nIntet af den bliver leveret. " +
			"Send gerne en rettet bestilling, eller svar på denne mail, hvis I har spørgsmål.",
		noNumber: "(uden nummer)", footer: "Denne besked er skrevet automatisk af vores ordresystem.",
	},
	"fi": {
		hello: "Hei,", confirmSubject: "Tilaus %s vahvistettu", confirmOurs: ", tilausnumeromme %s",
		thanks: "kiitos tilauksestanne %s", ofDate: " (%s)", accepted: ". Olemme vastaanottaneet sen", acceptedAs: " tilausnumerolla %s",
		columns:  [5]string{"Rivi", "Tuote", "Kuvaus", "Määrä", "Hinta"},
		delivery: "Toivottu toimituspäivä: %s.", rejectSubject: "Tilausta %s ei voitu vastaanottaa",
		rejected: "emme voineet vastaanottaa tilaustanne %s: %s.\n\nSiitä ei toimiteta mitään. " +
			"Lähettäkää korjattu tilaus, tai vastatkaa tähän viestiin, jos teillä on kysyttävää.",
		noNumber: "(ilman numeroa)", footer: "Tämä viesti on tilausjärjestelmämme automaattisesti kirjoittama.",
	},
	"de": {
		hello: "Guten Tag,", confirmSubject: "Bestellung %s bestätigt", confirmOurs: ", unser Auftrag %s",
		thanks: "vielen Dank für Ihre Bestellung %s", ofDate: " vom %s", accepted: ". Wir haben sie angenommen", acceptedAs: " als unseren Auftrag %s",
		columns:  [5]string{"Pos.", "Artikel", "Bezeichnung", "Menge", "Preis"},
		delivery: "Gewünschter Liefertermin: %s.", rejectSubject: "Bestellung %s konnte nicht angenommen werden",
		rejected: "wir konnten Ihre Bestellung %s nicht annehmen: %s.\n\nDavon wird nichts geliefert. " +
			"Bitte senden Sie eine korrigierte Bestellung, oder antworten Sie auf diese Mail, wenn Sie Fragen haben.",
		noNumber: "(ohne Nummer)", footer: "Diese Nachricht wurde von unserem Bestellsystem automatisch geschrieben.",
	},
}
