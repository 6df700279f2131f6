package upstream

import (
	"net/url"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// NextURL resolves a collection's nextLink for the client whose base URL is
// base. A link on another host or port (the real service points at regional
// hosts such as emea.api.flow.microsoft.com:11777) keeps its path and query
// but is re-pointed at base's scheme, host and port, so the token never goes
// to a host FlowDeck was not configured for. A relative link resolves
// against base.
func NextURL(base *url.URL, next string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(next))
	if err != nil || (u.Scheme != "" && u.Scheme != "https" && u.Scheme != "http") || u.Opaque != "" {
		return nil, &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: "Power Platform sent a broken link to the next page; try again in a minute.",
			Err: errBadNextLink}
	}
	if !u.IsAbs() {
		u = base.ResolveReference(u)
	}
	out := *u
	out.Scheme, out.Host, out.User = base.Scheme, base.Host, nil
	if !strings.HasPrefix(out.Path, "/") {
		out.Path = "/" + out.Path
	}
	return &out, nil
}

type nextLinkError struct{}

func (nextLinkError) Error() string { return "upstream: malformed nextLink" }

var errBadNextLink error = nextLinkError{}
