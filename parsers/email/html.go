package email

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText turns an HTML body into the plain text a person reads: blocks
// and line breaks become lines, table cells are separated by tabs (so a
// table pasted from Excel reads as tab-separated rows), quoted blocks get
// "> " before each line, scripts, styles and comments are dropped. The
// HTML is only read, never rendered or passed on.
func htmlText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip, quote, pre := 0, 0, 0
	cellInRow := 0
	newline := func() {
		s := b.String()
		if len(s) > 0 && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
		if quote > 0 {
			b.WriteString(strings.Repeat("> ", quote))
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if pre == 0 {
				t = collapseSpace(t)
				if strings.TrimSpace(t) == "" && (b.Len() == 0 || strings.HasSuffix(b.String(), "\n") || strings.HasSuffix(b.String(), "\t")) {
					continue
				}
			} else if quote > 0 {
				t = strings.ReplaceAll(t, "\n", "\n"+strings.Repeat("> ", quote))
			}
			b.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Br:
				b.WriteByte('\n')
				if quote > 0 {
					b.WriteString(strings.Repeat("> ", quote))
				}
			case atom.Blockquote:
				if start {
					quote++
				} else if quote > 0 {
					quote--
				}
				newline()
			case atom.Pre:
				if start {
					pre++
				} else if pre > 0 {
					pre--
				}
				newline()
			case atom.Tr:
				cellInRow = 0
				newline()
			case atom.Td, atom.Th:
				if start {
					if cellInRow > 0 {
						b.WriteByte('\t')
					}
					cellInRow++
				}
			case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Table, atom.H1, atom.H2, atom.H3,
				atom.H4, atom.H5, atom.H6, atom.Hr, atom.Dl, atom.Dt, atom.Dd, atom.Section, atom.Article,
				atom.Header, atom.Footer, atom.Address:
				newline()
				if a == atom.Hr && start {
					b.WriteString("________________________________")
					newline()
				}
			}
		}
	}
}

// collapseSpace folds runs of white space (HTML source line breaks
// included) into one space, as a browser shows them; no-break spaces
// become spaces.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// tidyText trims each line's end and drops runs of blank lines.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(strings.TrimLeft(l, " "), " \t")
		if strings.Trim(l, "> ") == "" {
			blank++
			if blank > 1 {
				continue
			}
			l = strings.TrimRight(l, " ")
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
