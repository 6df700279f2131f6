package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Shapes of the ids the tab API accepts; anything else is refused before a
// request goes upstream.
var (
	guidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	envRE   = regexp.MustCompile(`^(Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	runRE   = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)
	subIDRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,64}$`)
)

// invalid is the 400 every validation failure answers.
func invalid(format string, args ...any) error {
	return flowdeck.Errorf(flowdeck.ErrInvalid, format, args...)
}

// envParam returns the :env path parameter, an environment name.
func envParam(c echo.Context) (string, error) {
	v := c.Param("env")
	if !envRE.MatchString(v) {
		return "", invalid("That is not an environment id: it is Default-<guid> or a guid.")
	}
	return v, nil
}

// guidParam returns the path parameter name, which must be a guid; what names it in the message.
func guidParam(c echo.Context, name, what string) (string, error) {
	v := c.Param(name)
	if !guidRE.MatchString(v) {
		return "", invalid("That is not %s id: it is a guid.", what)
	}
	return v, nil
}

// flowPath returns the :env and :flow path parameters, checked.
func flowPath(c echo.Context) (env, flow string, err error) {
	if env, err = envParam(c); err != nil {
		return "", "", err
	}
	if flow, err = guidParam(c, "flow", "a flow"); err != nil {
		return "", "", err
	}
	return env, flow, nil
}

// query reads query parameters strictly: each known parameter at most once,
// integers within bounds, enums from their list. Unknown parameters are
// ignored. The first problem is kept in err; later reads are no-ops.
type query struct {
	v   url.Values
	err error
}

func newQuery(c echo.Context) *query { return &query{v: c.QueryParams()} }

// get returns the single value of name and whether it was given.
func (q *query) get(name string) (string, bool) {
	vs, ok := q.v[name]
	if !ok || q.err != nil {
		return "", false
	}
	if len(vs) > 1 {
		q.err = invalid("Give %s only once.", name)
		return "", false
	}
	return vs[0], true
}

// enum returns name's value, one of allowed (exactly), or def when absent;
// "" among allowed lets an empty value stand for "any" (the refusal does not
// list it).
func (q *query) enum(name, def string, allowed ...string) string {
	v, ok := q.get(name)
	if !ok {
		return def
	}
	if !slices.Contains(allowed, v) {
		named := slices.DeleteFunc(slices.Clone(allowed), func(a string) bool { return a == "" })
		q.err = invalid("%s is one of %s.", name, strings.Join(named, ", "))
		return def
	}
	return v
}

// boolean returns name's value, "true" or "false", or def when absent.
func (q *query) boolean(name string, def bool) bool {
	v, ok := q.get(name)
	if !ok {
		return def
	}
	if v != "true" && v != "false" {
		q.err = invalid("%s is true or false.", name)
		return def
	}
	return v == "true"
}

// integer returns name's value, a whole number in [lo, hi], or def when absent.
func (q *query) integer(name string, def, lo, hi int) int {
	v, ok := q.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi || strings.HasPrefix(v, "+") {
		q.err = invalid("%s is a whole number from %d to %d.", name, lo, hi)
		return def
	}
	return n
}

// text returns name's value: at most maxRunes printable characters.
func (q *query) text(name string, maxRunes int) string {
	v, ok := q.get(name)
	if !ok {
		return ""
	}
	if !printable(v, maxRunes) {
		q.err = invalid("%s is at most %d printable characters.", name, maxRunes)
		return ""
	}
	return v
}

// guid returns name's value, a guid, or "" when absent.
func (q *query) guid(name string) string {
	v, ok := q.get(name)
	if ok && !guidRE.MatchString(v) {
		q.err = invalid("%s is a guid.", name)
		return ""
	}
	return v
}

// printable reports whether s is valid UTF-8 of at most maxRunes characters
// without control characters.
func printable(s string, maxRunes int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxRunes {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// isJSON reports whether the request's Content-Type is application/json
// (any parameters, such as charset, allowed).
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	return err == nil && mt == echo.MIMEApplicationJSON
}

// decodeJSON decodes the request body into dst strictly: Content-Type
// application/json, exactly one JSON object, no unknown fields. The body's
// size is bounded by the server's body limit (a larger one is 413).
func decodeJSON(c echo.Context, dst any) error {
	r := c.Request()
	if !isJSON(r) {
		return invalid("Send the body as JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return flowdeck.Wrap(flowdeck.ErrInvalid, err, "The request body could not be read.")
	}
	if !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		return invalid("The body is one JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case errors.As(err, &ute) && ute.Field != "":
			return flowdeck.Wrap(flowdeck.ErrInvalid, err, "The field "+strconv.Quote(ute.Field)+" has the wrong type.")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return flowdeck.Wrap(flowdeck.ErrInvalid, err, "The body has a field this request does not take: "+strings.TrimPrefix(err.Error(), "json: unknown field ")+".")
		}
		return flowdeck.Wrap(flowdeck.ErrInvalid, err, "The body is not valid JSON.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("The body is one JSON object and nothing after it.")
	}
	return nil
}

// noBody checks a mutating request that takes no body: if it carries one
// anyway, or a Content-Type, that must be application/json.
func noBody(c echo.Context) error {
	r := c.Request()
	if (r.ContentLength != 0 || r.Header.Get(echo.HeaderContentType) != "") && !isJSON(r) {
		return invalid("Send requests as JSON (Content-Type: application/json).")
	}
	return nil
}
