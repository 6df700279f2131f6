package powerplatform

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
)

type skipToken struct {
	NextMarker string `json:"nextMarker"`
}

func encodeMarker(m string) string {
	b, _ := json.Marshal(skipToken{NextMarker: m})
	return base64.StdEncoding.EncodeToString(b)
}

// marker returns the request's continuation marker ("" on the first page).
func (c *call) marker() (string, *apiError) {
	raw := c.r.URL.Query().Get("$skiptoken")
	if raw == "" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	var t skipToken
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.NextMarker == "" {
		return "", errBadRequest("InvalidSkipToken", "The skip token '"+raw+"' is not valid.")
	}
	return t.NextMarker, nil
}

// pageSize is min($top, Options.PageSize).
func (c *call) pageSize() (int, *apiError) {
	n := c.s.opts.PageSize
	if top := c.r.URL.Query().Get("$top"); top != "" {
		v, err := strconv.Atoi(top)
		if err != nil || v < 1 {
			return 0, errBadRequest("InvalidQueryParameterValue", "The value '"+top+"' of query parameter '$top' is not valid.")
		}
		n = min(n, v)
	}
	return n, nil
}

// nextLink is the absolute URL of the next page. With alternate, a link on
// the primary Flow host points at the alternate host and the reverse, as the
// real service points at regional hosts.
func (c *call) nextLink(marker string, alternate bool) string {
	base := "https://" + c.r.Host
	if alternate && c.api == apiFlow {
		if base == c.s.altURL {
			base = c.s.flowURL
		} else {
			base = c.s.altURL
		}
	}
	q := c.r.URL.Query()
	q.Set("$skiptoken", encodeMarker(marker))
	u := url.URL{Path: c.r.URL.Path, RawQuery: q.Encode()}
	return base + u.String()
}

// page is a collection answer.
type page struct {
	Value    []any  `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}

// offsetPage slices items from the offset in the marker.
func (c *call) offsetPage(items []any) (reply, *apiError) {
	m, aerr := c.marker()
	if aerr != nil {
		return reply{}, aerr
	}
	off := 0
	if m != "" {
		v, err := strconv.Atoi(m)
		if err != nil || v < 0 {
			return reply{}, errBadRequest("InvalidSkipToken", "The skip token is not valid.")
		}
		off = min(v, len(items))
	}
	n, aerr := c.pageSize()
	if aerr != nil {
		return reply{}, aerr
	}
	end := min(off+n, len(items))
	p := page{Value: items[off:end]}
	if end < len(items) {
		p.NextLink = c.nextLink(strconv.Itoa(end), false)
	}
	if p.Value == nil {
		p.Value = []any{}
	}
	return reply{status: 200, body: p}, nil
}
