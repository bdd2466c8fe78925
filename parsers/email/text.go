package email

import (
	"regexp"
	"strings"
)

// What each line of a mail text is, once the parts a customer did not
// write as the order are told apart: quoted replies, signatures,
// disclaimers, the headers of a forwarded mail.
type lineKind uint8

const (
	lineText       lineKind = iota // the customer's own words: read for orders
	lineQuoted                     // "> ..." or below a reply's attribution
	lineSignature                  // from the sign-off or "-- " on
	lineDisclaimer                 // a confidentiality notice
	lineForward                    // a forwarded mail's header block, or the forwarder's note
)

// forwardPhrases open a forwarded mail in every client and language we
// read (Gmail "---------- Forwarded message ---------", Apple Mail "Begin
// forwarded message:", Outlook's localised separators).
var forwardPhrase = regexp.MustCompile(`(?i)^[-_*\s]*(forwarded message|begin forwarded message|vidarebefordrat (meddelande|brev|e-?postmeddelande)|videresendt (melding|meddelelse|besked|e-?post)|start på videresendt (besked|meddelelse)|välitetty viesti( alkaa)?|weitergeleitete nachricht|anfang der weitergeleiteten nachricht|message transféré)[-_*\s:]*$`)

// originalPhrase opens a quoted original in Outlook; the subject tells a
// reply from a forward.
var originalPhrase = regexp.MustCompile(`(?i)^[-_*\s]*(original message|ursprungligt meddelande|opprinnelig melding|oprindelig meddelelse|alkuperäinen viesti|ursprüngliche nachricht|message d'origine)[-_*\s]*$`)

// attribution is a reply's "On ... wrote:" line, in every language we read.
var attribution = regexp.MustCompile(`(?i)(\bwrote|\bskrev( følgende)?|\bschrieb|\bkirjoitti|a écrit)\s*:\s*$`)

// headerLine is a line of an inline header block ("From: ...", "Från:").
var headerLine = regexp.MustCompile(`(?i)^\*?\s*(from|sent|date|to|cc|subject|från|skickat|datum|till|kopia|ämne|von|gesendet|an|betreff|fra|sendt|dato|til|emne|kopi|lähettäjä|lähetetty|päivämäärä|vastaanottaja|aihe|kopio)\s*:\*?\s*(.*)$`)

var fromKeys = map[string]bool{"from": true, "från": true, "von": true, "fra": true, "lähettäjä": true}

// subjectForward is a subject's forward prefix: Fwd, FW, WG (German), VB
// (Swedish), VS (Norwegian, Danish), VL (Finnish), TR (French).
var subjectForward = regexp.MustCompile(`(?i)^\s*((re|sv|aw|vs|fwd?|fw|wg|vb|vl|tr)\s*:\s*)*(fwd?|fw|wg|vb|vs|vl|tr)\s*:`)

// signOff opens a signature: a closing on a short line of its own.
var signOff = regexp.MustCompile(`(?i)^(best regards|kind regards|regards|best wishes|many thanks|thanks( a lot| in advance)?|thank you|cheers|br|med vänliga? hälsning(ar)?|vänliga hälsningar|hälsningar|mvh|hälsning|tack på förhand|tack!?|med venn?lig hilsen|venn?lig hilsen|hilsen|hilsner|beste hilsen|mvh\.?|med venlig hilsen|venlig hilsen|de bedste hilsner|kh|ystävällisin terveisin|terveisin|ystävällisesti|kiittäen|kiitos|mit freundlichen grüßen|mit freundlichen gruessen|freundliche grüße|viele grüße|beste grüße|liebe grüße|schöne grüße|gruß|grüße|mfg|lg|vg)[\s,.!]*$`)

// mobileSignature is a mail program's own line ("Sent from my iPhone").
var mobileSignature = regexp.MustCompile(`(?i)^(sent from my|skickat från min|sendt fra min|lähetetty iphonesta|von meinem .* gesendet|get outlook for|hämta outlook|outlook för)`)

// disclaimerWord marks a confidentiality notice or an external-mail banner.
var disclaimerWord = regexp.MustCompile(`(?i)(confidential|privileged|intended (solely )?for the (use of the )?(addressee|recipient)|if you (have )?received this (e-?mail|message) in error|konfidentiell|sekretess|avsedd endast för|fortrolig|beregnet for|udelukkende|luottamuksellinen|tarkoitettu vain|vertraulich|nicht der richtige adressat|irrtümlich erhalten|caution: this (e-?mail|message) originated|external (e-?mail|sender)|extern avsändare)`)

// classify tells each line of a text what it is, and returns the lines
// as they are read for orders (view: a forwarded mail that its client
// quoted with "> " is read unquoted). forwarded reports that the text
// carries a forwarded mail; from is then the original sender as its
// header block names it.
func classify(lines []string, subject string) (kinds []lineKind, view []string, forwarded bool, from string) {
	kinds = make([]lineKind, len(lines))
	view = lines
	fwdSubject := subjectForward.MatchString(subject)
	start := 0
	// A forwarded mail: the forwarder's note above the marker is not the
	// order; the original below its header block is.
	if marker, hdrEnd, f, ok := findForward(lines, fwdSubject); ok {
		for j := 0; j < hdrEnd; j++ {
			kinds[j] = lineForward
		}
		forwarded, from, start = true, f, hdrEnd
		if strings.HasPrefix(strings.TrimSpace(lines[marker]), ">") {
			view = make([]string, len(lines))
			copy(view, lines)
			for j := hdrEnd; j < len(lines); j++ {
				t := strings.TrimLeft(lines[j], " ")
				if strings.HasPrefix(t, ">") {
					view[j] = strings.TrimPrefix(t[1:], " ")
				}
			}
		}
	}
	cut := len(lines)
	for j := start; j < len(lines); j++ {
		t := strings.TrimSpace(view[j])
		if originalPhrase.MatchString(t) || attribution.MatchString(t) || forwardPhrase.MatchString(t) ||
			(j > start && outlookHeader(view, j)) || strings.HasPrefix(t, "________________________________") && outlookHeader(view, j+1) {
			cut = j
			break
		}
	}
	for j := cut; j < len(lines); j++ {
		kinds[j] = lineQuoted
	}
	sig := cut
	for j := start; j < cut; j++ {
		t := strings.TrimSpace(view[j])
		if view[j] == "-- " || t == "--" || mobileSignature.MatchString(t) || (j > start && len(t) <= 40 && signOff.MatchString(t)) {
			sig = j
			break
		}
	}
	for j := sig; j < cut; j++ {
		kinds[j] = lineSignature
	}
	// Quoted lines and disclaimer paragraphs inside the text.
	for j := start; j < sig; j++ {
		if strings.HasPrefix(strings.TrimSpace(view[j]), ">") {
			kinds[j] = lineQuoted
		}
	}
	for j := start; j < sig; {
		k := j
		for k < sig && strings.TrimSpace(view[k]) != "" {
			k++
		}
		if disclaimerWord.MatchString(strings.Join(view[j:k], " ")) {
			for m := j; m < k; m++ {
				kinds[m] = lineDisclaimer
			}
		}
		j = k + 1
	}
	return kinds, view, forwarded, from
}

// findForward finds a forwarded mail in a text: an explicit forward
// marker, or (with a forward subject) an Outlook separator or header
// block. It returns the marker's line, the first line after its header
// block and the original sender.
func findForward(lines []string, fwdSubject bool) (marker, bodyStart int, from string, ok bool) {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, ">") {
			t = strings.TrimSpace(strings.TrimLeft(t, "> "))
		}
		explicit := forwardPhrase.MatchString(t)
		ambiguous := fwdSubject && (originalPhrase.MatchString(t) || strings.HasPrefix(t, "________________________________") || outlookHeader(lines, i))
		if !explicit && !ambiguous {
			continue
		}
		j := i
		if !outlookHeader(lines, i) {
			j = i + 1
		}
		for j < len(lines) && strings.TrimSpace(unquote(lines[j])) == "" {
			j++
		}
		for ; j < len(lines); j++ {
			t := strings.TrimSpace(unquote(lines[j]))
			if t == "" {
				break
			}
			m := headerLine.FindStringSubmatch(t)
			if m == nil {
				break
			}
			if fromKeys[strings.ToLower(m[1])] && from == "" {
				from = m[2]
			}
		}
		return i, j, from, true
	}
	return 0, 0, "", false
}

// outlookHeader reports an inline header block starting at line i: a From
// line followed within four lines by a Subject line.
func outlookHeader(lines []string, i int) bool {
	if i >= len(lines) {
		return false
	}
	m := headerLine.FindStringSubmatch(strings.TrimSpace(unquote(lines[i])))
	if m == nil || !fromKeys[strings.ToLower(m[1])] {
		return false
	}
	for j := i + 1; j < min(len(lines), i+6); j++ {
		m := headerLine.FindStringSubmatch(strings.TrimSpace(unquote(lines[j])))
		if m == nil {
			return false
		}
		switch strings.ToLower(m[1]) {
		case "subject", "ämne", "betreff", "emne", "aihe", "sent", "skickat", "gesendet", "sendt", "lähetetty":
			return true
		}
	}
	return false
}

func unquote(l string) string {
	t := strings.TrimLeft(l, " ")
	for strings.HasPrefix(t, ">") {
		t = strings.TrimLeft(t[1:], " ")
	}
	return t
}
