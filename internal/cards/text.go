package cards

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Length limits of user text, in characters (runes).
const (
	maxName    = 80   // flow, environment, app, person names
	maxTitle   = 200  // approval titles
	maxButton  = 40   // button and choice labels
	maxComment = 1000 // approval comments (the comment box's maxLength)
	maxError   = 400  // error messages
	maxDetails = 3000 // approval details
)

const ellipsis = "…"

// Escape makes s safe to put in a TextBlock or a Fact, where Teams reads a
// markdown subset: bold and italic (* and _), lists ("- ", "1. " at the
// start of a line) and links ([text](url)); no headings, tables, images,
// code, block quotes or HTML
// (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#format-cards-with-markdown,
// learn.microsoft.com/adaptive-cards/create/textfeatures). It escapes only
// what that subset would interpret, so that renderers that show the
// backslashes (the adaptivecards JS renderer without a markdown processor)
// show as few as possible: "runs <flow>" and "Create_invoice" stay as they
// are. A backslash is escaped only before punctuation (where CommonMark
// reads it as an escape), "_" only where it can open or close emphasis
// (not inside a word), "]" only before "(" (a link), list markers only at
// the start of a line; "{{" is broken with a zero-width space so that no
// name is read as a {{DATE()}} function.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	lineStart := true
	var prev rune
	for i := 0; i < len(s); {
		rest := s[i:]
		if lineStart {
			if n := orderedMarker(rest); n > 0 {
				b.WriteString(rest[:n-1])
				b.WriteByte('\\')
				b.WriteByte(rest[n-1])
				i += n
				lineStart, prev = false, rune(rest[n-1])
				continue
			}
			if strings.HasPrefix(rest, "- ") || strings.HasPrefix(rest, "+ ") {
				b.WriteByte('\\')
			}
		}
		r, size := utf8.DecodeRuneInString(rest)
		next, _ := utf8.DecodeRuneInString(rest[size:])
		lineStart = r == '\n' || r == '\r' || (lineStart && r == ' ')
		switch {
		case r == '*',
			r == '\\' && isASCIIPunct(next),
			r == '_' && !(isWordRune(prev) && isWordRune(next)),
			r == ']' && next == '(':
			b.WriteByte('\\')
		case r == '{' && next == '{':
			b.WriteString("{\u200b")
			i += size
			prev = r
			continue
		}
		b.WriteString(rest[:size])
		i += size
		prev = r
	}
	return b.String()
}

// isASCIIPunct reports the characters a CommonMark backslash escapes.
func isASCIIPunct(r rune) bool {
	return r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
}

// isWordRune reports a letter or digit: "_" between two of them is part of
// a word, never emphasis (CommonMark 0.31, 6.2: "_" is not left- or
// right-flanking inside a word).
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// orderedMarker returns the length of a "12." list marker at the start of s, or 0.
func orderedMarker(s string) int {
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != '.' {
		return 0
	}
	return i + 1
}

var (
	mdImage = regexp.MustCompile(`!\[([^\]\n]*)\]\(([^)\s]*)[^)\n]*\)`)
	mdLink  = regexp.MustCompile(`\[([^\]\n]*)\]\(([^)\s]*)[^)\n]*\)`)
)

// SafeMarkdown renders Power Automate approval details: it keeps bold,
// italic, lists and line breaks, rewrites every link to "text (url)" and every
// image to its alt text, so that no label can hide where a link points,
// breaks what is left of link syntax and {{…}} functions (as Escape does),
// and trims to 3,000 characters. Teams shows no HTML, headings, tables or
// code in a TextBlock, so "<", "#", "|" and "`" are left as typed.
func SafeMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = Trim(s, maxDetails)
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		if sub[1] == "" || sub[1] == sub[2] {
			return sub[2]
		}
		return sub[1] + " (" + sub[2] + ")"
	})
	var b strings.Builder
	for i, r := range s {
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		switch {
		case r == '\\' && isASCIIPunct(next), r == ']' && next == '(':
			b.WriteByte('\\')
		case r == '{' && next == '{':
			b.WriteString("{\u200b")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OneLine folds runs of white space (newlines included) into single spaces.
func OneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// Trim cuts s to at most max characters, ending at a word boundary when one
// is near and adding an ellipsis when it cut anything.
func Trim(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := 0
	for i := range s {
		if cut == max-1 {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexFunc(s, unicode.IsSpace); i > len(s)*3/4 {
		s = s[:i]
	}
	return strings.TrimRightFunc(s, unicode.IsSpace) + ellipsis
}

// name is a user-supplied name for a TextBlock: one line, trimmed, escaped.
func name(s string) string { return Escape(Trim(OneLine(s), maxName)) }

// label is a user-supplied string for a button or choice (plain text).
func label(s string) string { return Trim(OneLine(s), maxButton) }

// orDash returns s, or "—" when s is empty.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// person is the name to show for p: name, then e-mail, then "someone".
func person(p flowdeck.Person) string {
	switch {
	case strings.TrimSpace(p.Name) != "":
		return name(p.Name)
	case strings.TrimSpace(p.Email) != "":
		return name(p.Email)
	}
	return flowdeck.Someone
}

// When renders t in the viewer's time zone and locale ("Tue, Feb 14, 2026 6:08 AM").
func When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	s := t.UTC().Format("2006-01-02T15:04:05Z")
	return "{{DATE(" + s + ", SHORT)}} {{TIME(" + s + ")}}"
}

// Day renders t's date in the viewer's time zone and locale.
func Day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return "{{DATE(" + t.UTC().Format("2006-01-02T15:04:05Z") + ", SHORT)}}"
}

// Clock renders t's time of day (HH:MM) in the viewer's time zone and locale.
func Clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return "{{TIME(" + t.UTC().Format("2006-01-02T15:04:05Z") + ")}}"
}

// webURL returns u when it is an absolute http(s) URL, or "".
func webURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return p.String()
}

// count renders "1 run" / "3 runs".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// duration renders d as "45 seconds", "3 minutes", "2 hours" (rounded up).
func duration(d time.Duration) string {
	switch {
	case d <= time.Minute:
		return count(int((d+time.Second-1)/time.Second), "second", "seconds")
	case d <= time.Hour:
		return count(int((d+time.Minute-1)/time.Minute), "minute", "minutes")
	default:
		return count(int((d+time.Hour-1)/time.Hour), "hour", "hours")
	}
}

// owner is "Owner: <name>" for a flow whose owner FlowDeck could name, else "".
func owner(f flowdeck.Flow) string {
	if strings.TrimSpace(f.OwnerName) == "" {
		return ""
	}
	return "Owner: " + name(f.OwnerName)
}
