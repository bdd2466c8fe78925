package email

import (
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
)

// Info is what a mail says of itself: who sent it and for whom it is an
// order, its place in a thread, its language, and whether it may be
// answered. The mailbox source records it when the mail is stored.
type Info struct {
	From     string // the From address
	FromName string
	// Customer is the address of whom the order is from: the From, or
	// the original sender of a forwarded mail (ForwardedBy is then the
	// From).
	Customer    string
	ForwardedBy string
	MessageID   string   // without angle brackets
	Thread      []string // References and In-Reply-To, oldest first, without brackets
	Subject     string
	Date        time.Time
	// Language is sv, no, da, fi, de or en: Content-Language, else the
	// words of the text, else the country of the sender's domain.
	Language string
	// NoAnswer says why the mail must never be answered (auto-generated,
	// a bounce, a mailing list, a no-reply sender); empty when it may be.
	// See RFC 3834 section 2 and RFC 3464.
	NoAnswer string
}

// Inspect reads what a mail says of itself (Info), within the limits. An
// error wraps ErrLimit or ErrUnreadable: such a mail is refused whole.
func Inspect(raw []byte, lim Limits) (Info, error) {
	a, err := analyse(raw, lim)
	if err != nil {
		return Info{}, err
	}
	return a.info, nil
}

var addrRe = regexp.MustCompile(`[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// address reads the address of a From header or an inline "From:" line
// ("Anna <anna@x.se>", "Anna [mailto:anna@x.se]", "anna@x.se").
func address(s string) (addr, name string) {
	if a, err := mail.ParseAddress(decodeWords(s)); err == nil {
		return strings.ToLower(a.Address), a.Name
	}
	if m := addrRe.FindString(s); m != "" {
		name := strings.TrimSpace(strings.Trim(strings.SplitN(s, m, 2)[0], " <[\"'"))
		name = strings.TrimSuffix(strings.TrimSpace(name), "mailto:")
		return strings.ToLower(m), strings.Trim(strings.TrimSpace(name), "\"' [<")
	}
	return "", ""
}

func msgIDs(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' || r == '\r' }) {
		f = strings.Trim(f, "<>")
		if strings.Contains(f, "@") {
			out = append(out, f)
		}
	}
	return out
}

var (
	noReplyLocal = regexp.MustCompile(`(?i)^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|noreply-.*|.*-noreply|bounces?|bounce-.*|auto-?reply|autoresponder|notifications?)$`)
	autoSubject  = regexp.MustCompile(`(?i)^\s*(auto(matic)?( reply| response)?:|automatic reply|autosvar|automatiskt svar|automatisk svar|automatisk besked|automaattinen vastaus|automatische antwort|abwesenheit|out of (the )?office|frånvaro|fravær|poissa|undeliverable|undelivered mail|delivery status notification|mail delivery (failed|subsystem)|returned mail|olevererbar|unzustellbar|kan ikke leveres|ei voitu toimittaa)`)
)

// noAnswer tells why a mail must not be answered, "" when it may be.
func noAnswer(h message.Header, mediaType string, params map[string]string, from string) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "it was sent automatically (Auto-Submitted: " + v + ")"
	}
	if mediaType == "multipart/report" {
		return "it is a delivery or read report (" + params["report-type"] + ")"
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return "it is a bounce (empty return path)"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v == "bulk" || v == "list" || v == "junk" || v == "auto_reply" {
		return "it is bulk or list mail (Precedence: " + v + ")"
	}
	if h.Get("List-Id") != "" || h.Get("List-Unsubscribe") != "" {
		return "it came through a mailing list"
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "none") {
			return "it was sent automatically (" + k + ": " + v + ")"
		}
	}
	if i := strings.IndexByte(from, '@'); i > 0 && noReplyLocal.MatchString(from[:i]) {
		return "its sender " + from + " takes no replies"
	}
	if from == "" {
		return "it names no sender address"
	}
	if autoSubject.MatchString(headerText(h, "Subject")) {
		return "its subject says it is an automatic reply or a delivery report"
	}
	return ""
}

// Languages answers are written in.
var Languages = []string{"sv", "no", "da", "fi", "de", "en"}

var langWords = map[string][]string{
	"sv": {"hej", "tack", "vänlig", "vänliga", "hälsningar", "hälsning", "beställning", "beställa", "beställer", "kartonger", "leverans", "vecka", "och", "önskar", "ert", "vårt", "vill", "skicka", "mvh", "gärna", "vi", "med"},
	"no": {"hei", "takk", "vennlig", "hilsen", "bestilling", "bestiller", "levering", "uke", "og", "ønsker", "vår", "ønsker", "gjerne", "sende", "mvh", "vi", "med", "kartonger"},
	"da": {"hej", "tak", "venlig", "hilsen", "bestilling", "bestiller", "levering", "uge", "og", "ønsker", "vores", "gerne", "sende", "mvh", "vi", "med", "kasser", "venligst"},
	"fi": {"hei", "moi", "kiitos", "terveisin", "ystävällisin", "tilaus", "tilaamme", "tilaan", "kpl", "toimitus", "viikko", "viikolla", "ja", "haluamme", "toimittaa", "laatikkoa", "pyydän"},
	"de": {"hallo", "guten", "tag", "danke", "grüße", "gruß", "bestellung", "bestellen", "stück", "lieferung", "und", "wir", "bitte", "freundlichen", "geehrte", "damen", "herren", "folgende"},
	"en": {"hi", "hello", "dear", "thanks", "thank", "regards", "order", "please", "delivery", "and", "we", "kind", "best", "would", "like", "following"},
}

// detectLanguage picks the language of a mail: its Content-Language, else
// the language most of its words are in, else its sender's country.
func detectLanguage(h message.Header, text, from string) string {
	if cl := strings.ToLower(strings.TrimSpace(h.Get("Content-Language"))); cl != "" {
		switch tag := strings.SplitN(strings.SplitN(cl, ",", 2)[0], "-", 2)[0]; tag {
		case "sv", "da", "fi", "de", "en":
			return tag
		case "nb", "nn", "no":
			return "no"
		}
	}
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == 'ä' || r == 'ö' || r == 'å' || r == 'ü' || r == 'ß' || r == 'æ' || r == 'ø')
	}) {
		for lang, ws := range langWords {
			for _, x := range ws {
				if w == x {
					counts[lang]++
				}
			}
		}
	}
	best, n := "", 0
	for _, lang := range Languages {
		if counts[lang] > n {
			best, n = lang, counts[lang]
		}
	}
	tld := from[strings.LastIndexByte(from, '.')+1:]
	byTLD := map[string]string{"se": "sv", "no": "no", "dk": "da", "fi": "fi", "de": "de", "at": "de", "ch": "de"}[tld]
	// Scandinavian words overlap: the sender's country decides a near tie.
	if byTLD != "" && counts[byTLD] > 0 && counts[byTLD]+2 >= n {
		return byTLD
	}
	if best != "" && n >= 2 {
		return best
	}
	if byTLD != "" {
		return byTLD
	}
	if best != "" {
		return best
	}
	return "en"
}
