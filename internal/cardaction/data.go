package cardaction

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Input limits.
const (
	// MaxComment is the longest approval comment, in characters (the card's
	// comment box allows as much).
	MaxComment = 1000
	// maxOption is the longest response option.
	maxOption = 200
)

var (
	guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	envRE  = regexp.MustCompile(`^(?:Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	runRE  = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)
	// htmlRE finds what looks like markup: a tag, a comment or a processing instruction.
	htmlRE = regexp.MustCompile(`<\s*[A-Za-z!/?]`)
)

func invalid(msg string) error { return flowdeck.Errorf(flowdeck.ErrInvalid, "%s", msg) }

// fields reads data strictly: only the allowed keys, each of the type its
// reader wants. It never echoes what it read into an error.
type fields struct {
	data map[string]any
	err  error
}

func newFields(data map[string]any, allowed ...string) *fields {
	f := &fields{data: data}
	if len(data) > len(allowed) {
		f.err = invalid("This card sent more than FlowDeck expects; reload the card and try again.")
		return f
	}
	for k := range data {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			f.err = invalid("This card sent a field FlowDeck does not know; reload the card and try again.")
			return f
		}
	}
	return f
}

// str returns the string at key ("" when absent); any other type is an error.
func (f *fields) str(key string, required bool) string {
	if f.err != nil {
		return ""
	}
	v, ok := f.data[key]
	if !ok || v == nil {
		if required {
			f.err = invalid("This card is missing " + key + "; reload the card and try again.")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		f.err = invalid("This card sent " + key + " in the wrong form; reload the card and try again.")
		return ""
	}
	if required && s == "" {
		f.err = invalid("This card is missing " + key + "; reload the card and try again.")
	}
	return s
}

// flag returns the bool at key (false when absent); any other type is an error.
func (f *fields) flag(key string) bool {
	if f.err != nil {
		return false
	}
	v, ok := f.data[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		f.err = invalid("This card sent " + key + " in the wrong form; reload the card and try again.")
	}
	return b
}

// match records an error unless s matches re.
func (f *fields) match(s string, re *regexp.Regexp, what string) {
	if f.err == nil && s != "" && !re.MatchString(s) {
		f.err = invalid("This card does not carry a valid " + what + "; reload the card and try again.")
	}
}

// parseApproval validates the data of approval.respond and approval.refresh.
func parseApproval(verb string, data map[string]any) (cards.ApprovalData, error) {
	f := newFields(data, "approvalId", "environmentId", "response", "comment", "shared")
	d := cards.ApprovalData{
		ApprovalID:    f.str("approvalId", true),
		EnvironmentID: f.str("environmentId", true),
		Response:      f.str("response", verb == cards.VerbApprovalRespond),
		Comment:       f.str("comment", false),
		Shared:        f.flag("shared"),
	}
	f.match(d.ApprovalID, guidRE, "approval id")
	f.match(d.EnvironmentID, envRE, "environment")
	if f.err != nil {
		return cards.ApprovalData{}, f.err
	}
	if verb == cards.VerbApprovalRefresh {
		d.Response, d.Comment = "", ""
		return d, nil
	}
	if !utf8.ValidString(d.Response) || utf8.RuneCountInString(d.Response) > maxOption || strings.ContainsFunc(d.Response, unicode.IsControl) {
		return cards.ApprovalData{}, invalid("That response is not one of this approval's options.")
	}
	if err := checkComment(d.Comment); err != nil {
		return cards.ApprovalData{}, err
	}
	d.Comment = strings.TrimSpace(d.Comment)
	return d, nil
}

// checkComment accepts plain text of at most MaxComment characters.
func checkComment(c string) error {
	switch {
	case !utf8.ValidString(c):
		return invalid("The comment is not valid text.")
	case utf8.RuneCountInString(c) > MaxComment:
		return invalid("The comment is too long: keep it to 1,000 characters.")
	case strings.ContainsFunc(c, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		return invalid("The comment contains characters that cannot be sent.")
	case htmlRE.MatchString(c):
		return invalid("Comments are plain text: remove the HTML tags and try again.")
	}
	return nil
}

// parseRun validates the data of the alert.* verbs. Resubmit and cancel
// need the run.
func parseRun(verb string, data map[string]any) (cards.RunData, error) {
	f := newFields(data, "environmentId", "flowId", "runId", "confirm")
	needRun := verb == cards.VerbAlertResubmit || verb == cards.VerbAlertCancel
	d := cards.RunData{
		EnvironmentID: f.str("environmentId", true),
		FlowID:        f.str("flowId", true),
		RunID:         f.str("runId", needRun),
		Confirm:       f.flag("confirm"),
	}
	f.match(d.EnvironmentID, envRE, "environment")
	f.match(d.FlowID, guidRE, "flow id")
	f.match(d.RunID, runRE, "run id")
	if f.err != nil {
		return cards.RunData{}, f.err
	}
	return d, nil
}
