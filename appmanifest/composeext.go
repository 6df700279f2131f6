package appmanifest

import (
	"regexp"
	"strings"
)

// The message extension's search commands: their ids are what Teams sends
// as commandId in composeExtension/query (the bot's CommandSearch*
// constants; internal/app checks that the two agree).
const (
	SearchFlowsID     = "searchFlows"
	SearchFailedID    = "searchFailed"
	SearchApprovalsID = "searchApprovals"
)

// MaxLinkDomains is the most messageHandlers link domains Options may list.
const MaxLinkDomains = 20

// searchCommands are the message extension's search commands, usable from
// the compose box and the command box; each runs at once when opened
// (initialRun) and then searches the text typed.
var searchCommands = []meCommand{
	{ID: SearchFlowsID, Title: "Flows", Description: "Find one of your flows and share its live card"},
	{ID: SearchFailedID, Title: "Failed runs", Description: "Find a recent failed run and share it, with Resubmit"},
	{ID: SearchApprovalsID, Title: "Approvals", Description: "Find an approval waiting for you and share its card"},
}

type (
	composeExtension struct {
		BotID           string           `json:"botId"`
		Commands        []meCommand      `json:"commands"`
		MessageHandlers []messageHandler `json:"messageHandlers,omitempty"`
	}
	meCommand struct {
		ID          string        `json:"id"`
		Type        string        `json:"type"`
		Title       string        `json:"title"`
		Description string        `json:"description"`
		InitialRun  bool          `json:"initialRun"`
		Context     []string      `json:"context"`
		Parameters  []meParameter `json:"parameters"`
	}
	meParameter struct {
		Name        string `json:"name"`
		Title       string `json:"title"`
		Description string `json:"description"`
		InputType   string `json:"inputType"`
	}
	messageHandler struct {
		Type  string              `json:"type"`
		Value messageHandlerValue `json:"value"`
	}
	messageHandlerValue struct {
		Domains []string `json:"domains"`
	}
)

// composeExtensions is the manifest's message extension: the search
// commands and, when there are link domains, link unfurling for them.
func (r resolved) composeExtensions() []composeExtension {
	ce := composeExtension{BotID: r.clientID}
	for _, c := range searchCommands {
		c.Type, c.InitialRun, c.Context = "query", true, []string{"compose", "commandBox"}
		c.Parameters = []meParameter{{Name: "query", Title: "Search", Description: "Part of the name", InputType: "text"}}
		ce.Commands = append(ce.Commands, c)
	}
	if len(r.linkDomains) > 0 {
		ce.MessageHandlers = []messageHandler{{Type: "link", Value: messageHandlerValue{Domains: r.linkDomains}}}
	}
	return []composeExtension{ce}
}

// domainPattern is a host name as messageHandlers lists it, optionally with
// a leading "*." wildcard label.
var domainPattern = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// checkLinkDomains lower-cases the link domains (a scheme is dropped),
// drops duplicates and reports those that are not host names.
func checkLinkDomains(in []string) ([]string, []string) {
	var out, bad []string
	seen := map[string]bool{}
	for _, d := range in {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://"), "/"))
		if !domainPattern.MatchString(d) {
			bad = append(bad, d)
			continue
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, bad
}
