package bot

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parser limits: longer text is cut, further arguments are ignored.
const (
	// MaxInputBytes is the most text of one message the parser reads.
	MaxInputBytes = 4096
	// MaxArgs is the most arguments a command keeps.
	MaxArgs = 64
)

// Command is a parsed chat command.
type Command struct {
	// Name is the command word, lower case, aliases resolved ("failures" →
	// "failed"); it may be a word that is no command. "" for empty text.
	Name string
	// Args are the arguments, quotes removed.
	Args []string
	// Post is set by a final unquoted "post": answer in the group, not in
	// private. It means that only in a group (see forScope).
	Post bool
	// quoted marks the arguments the user typed in quotes (parallel to
	// Args): a quoted argument is a name, never a run id or a keyword.
	quoted []bool
}

var (
	mentionRE = regexp.MustCompile(`(?is)<at\b[^>]*>.*?</at>`)
	tagRE     = regexp.MustCompile(`(?s)<[^<>]*>`)
)

// quotePairs maps each opening quote to its closing quote: straight, curly
// (English and German), guillemets and the full-width quote.
var quotePairs = []struct{ open, close rune }{
	{'"', '"'}, {'“', '”'}, {'”', '”'}, {'„', '“'}, {'«', '»'}, {'＂', '＂'},
}

func closerOf(r rune) (rune, bool) {
	for _, p := range quotePairs {
		if p.open == r {
			return p.close, true
		}
	}
	return 0, false
}

// aliases are the other words people type for a command.
var aliases = map[string]string{
	"?": "help", "commands": "help", "hi": "help", "hello": "help", "start": "help",
	"login": "signin", "sign-in": "signin", "logon": "signin",
	"logout": "signout", "sign-out": "signout", "logoff": "signout",
	"environments": "envs", "env": "envs",
	"failures": "failed", "failing": "failed", "errors": "failed",
	"approval": "approvals", "pending": "approvals",
	"app": "apps", "powerapps": "apps",
	"connection": "connections", "conns": "connections",
	"flow": "flows",
}

// CleanText turns what Teams sends as a message's text into plain text: it
// drops <at>…</at> mentions and HTML tags, decodes entities (&nbsp;, &amp;, …),
// turns every kind of space into one space, removes control and invalid
// characters, and cuts the text at MaxInputBytes.
func CleanText(s string) string {
	if len(s) > MaxInputBytes {
		s = s[:MaxInputBytes]
	}
	s = strings.ToValidUTF8(s, "")
	s = mentionRE.ReplaceAllString(s, " ")
	s = tagRE.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff':
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

// ParseCommand parses a message's text (see CleanText) into a command: the
// first word, lower-cased, with a leading "/" and aliases resolved; the
// arguments, where "double", “curly”, „German“ or «guillemet» quotes keep
// words together; and a final unquoted "post". It never fails.
func ParseCommand(text string) Command {
	toks, quoted := tokenize(CleanText(text))
	if len(toks) == 0 {
		return Command{}
	}
	name := strings.ToLower(toks[0])
	if t := strings.TrimLeft(name, "/"); t != "" {
		name = t
	}
	if a, ok := aliases[name]; ok {
		name = a
	}
	c := Command{Name: name}
	args, q := toks[1:], quoted[1:]
	if n := len(args); n > 0 && !q[n-1] && strings.EqualFold(args[n-1], "post") {
		c.Post = true
		args = args[:n-1]
	}
	if len(args) > MaxArgs {
		args, q = args[:MaxArgs], q[:MaxArgs]
	}
	if len(args) > 0 {
		c.Args, c.quoted = args, q[:len(args)]
	}
	return c
}

// tokenize splits cleaned text at spaces; a token that starts with an
// opening quote runs to its closing quote (or the end) and may hold spaces.
// Empty tokens are dropped.
func tokenize(s string) (toks []string, quoted []bool) {
	for len(s) > 0 {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		if closer, ok := closerOf(r); ok {
			rest := s[size:]
			end := strings.IndexRune(rest, closer)
			var tok string
			if end < 0 {
				tok, s = rest, ""
			} else {
				tok, s = rest[:end], rest[end+utf8.RuneLen(closer):]
			}
			if tok = strings.TrimSpace(tok); tok != "" {
				toks, quoted = append(toks, tok), append(quoted, true)
			}
			continue
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		toks, quoted = append(toks, s[:end]), append(quoted, false)
		s = s[end:]
	}
	return toks, quoted
}

// String formats c as text that ParseCommand reads back as c: arguments
// with spaces or quotes are quoted, and &, < and > are written as HTML
// entities, as Teams does.
func (c Command) String() string {
	parts := make([]string, 0, len(c.Args)+2)
	parts = append(parts, quoteArg(c.Name, false))
	for i, a := range c.Args {
		if c.isQuoted(i) {
			parts = append(parts, quoteAlways(a))
			continue
		}
		parts = append(parts, quoteArg(a, i == len(c.Args)-1 && !c.Post))
	}
	if c.Post {
		parts = append(parts, "post")
	}
	return html.EscapeString(strings.Join(parts, " "))
}

// quoteArg quotes a when reading it back bare would change it.
func quoteArg(a string, last bool) string {
	r, _ := utf8.DecodeRuneInString(a)
	_, opens := closerOf(r)
	if a != "" && !opens && !strings.ContainsRune(a, ' ') && !(last && strings.EqualFold(a, "post")) {
		return a
	}
	return quoteAlways(a)
}

// quoteAlways quotes a with the first pair of quotes it does not contain.
func quoteAlways(a string) string {
	for _, p := range quotePairs {
		if !strings.ContainsRune(a, p.close) {
			return string(p.open) + a + string(p.close)
		}
	}
	return a
}

// distance is the Levenshtein distance of a and b (in runes).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
