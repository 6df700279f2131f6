package bot

import (
	"slices"
	"strings"
)

// isQuoted reports whether the i-th argument was typed in quotes.
func (c Command) isQuoted(i int) bool { return i < len(c.quoted) && c.quoted[i] }

// forScope applies the scope's reading of a final "post": it asks to answer
// in the group only in a group; in a personal chat there is no group, and
// the word is the last word of the arguments (a flow called "Daily post").
func (c Command) forScope(group bool) Command {
	if group || !c.Post {
		return c
	}
	c.Post = false
	if len(c.Args) < MaxArgs {
		quoted := make([]bool, len(c.Args)+1)
		for i := range c.Args {
			quoted[i] = c.isQuoted(i)
		}
		// Written back by String, the "post" argument is quoted, so that a
		// button on this answer reads it as the same argument.
		quoted[len(c.Args)] = true
		c.Args, c.quoted = append(slices.Clone(c.Args), "post"), quoted
	}
	return c
}

// runIDs separates the run ids among the arguments from the words naming a
// flow. A quoted argument is always part of the name.
func (c Command) runIDs() (flowText string, ids []string) {
	var words []string
	for i, a := range c.Args {
		if c.isQuoted(i) {
			words = append(words, a)
			continue
		}
		text, found := splitRunIDs([]string{a})
		if text != "" {
			words = append(words, text)
		}
		ids = append(ids, found...)
	}
	return strings.Join(words, " "), ids
}

// takeWindow finds a time window ("24h", "7d", "week", …; see windows)
// among args, wherever it is, and returns it with the other arguments.
// Without one it returns def and args unchanged.
func (c Command) takeWindow(def string) (window string, rest []string) {
	for i, a := range c.Args {
		if w, ok := windows[strings.ToLower(a)]; ok && !c.isQuoted(i) {
			return w, slices.Delete(slices.Clone(c.Args), i, i+1)
		}
	}
	return def, c.Args
}
