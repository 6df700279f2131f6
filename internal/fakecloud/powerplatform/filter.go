package powerplatform

import (
	"regexp"
	"strings"
	"time"
)

// clause is one "<field> <op> <value>" term of a $filter.
type clause struct {
	field, op, value string
	quoted           bool
}

var (
	clauseRE = regexp.MustCompile(`^([A-Za-z][A-Za-z/]*)\s+(eq|ne|ge|gt|lt|le)\s+('([^']*)'|(\S+))$`)
	andRE    = regexp.MustCompile(`(?i)\s+and\s+`)
)

// parseClauses splits f on "and" into clauses; ok is false on anything else.
func parseClauses(f string) ([]clause, bool) {
	f = strings.TrimSpace(f)
	if f == "" {
		return nil, true
	}
	var out []clause
	for _, part := range andRE.Split(f, -1) {
		m := clauseRE.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, false
		}
		c := clause{field: strings.ToLower(m[1]), op: strings.ToLower(m[2]), value: m[5]}
		if strings.HasPrefix(m[3], "'") {
			c.value, c.quoted = m[4], true
		}
		out = append(out, c)
	}
	return out, true
}

// runFilter is a parsed runs $filter.
type runFilter struct {
	status string
	// from/to bound startTime: from inclusive, to exclusive (after normalising gt/le).
	from, to time.Time
}

func (f runFilter) match(r *Run) bool {
	if f.status != "" && !strings.EqualFold(r.Status, f.status) {
		return false
	}
	if !f.from.IsZero() && r.StartTime.Before(f.from) {
		return false
	}
	if !f.to.IsZero() && !r.StartTime.Before(f.to) {
		return false
	}
	return true
}

func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseRunFilter parses status eq '<x>' and startTime ge|gt|lt|le <iso>.
func parseRunFilter(f string) (runFilter, bool) {
	var rf runFilter
	cs, ok := parseClauses(f)
	if !ok {
		return rf, false
	}
	for _, c := range cs {
		switch c.field {
		case "status":
			if c.op != "eq" || !c.quoted {
				return rf, false
			}
			rf.status = c.value
		case "starttime":
			t, ok := parseTime(c.value)
			if !ok {
				return rf, false
			}
			switch c.op {
			case "ge":
				rf.from = t
			case "gt":
				rf.from = t.Add(time.Nanosecond)
			case "lt":
				rf.to = t
			case "le":
				rf.to = t.Add(time.Nanosecond)
			default:
				return rf, false
			}
		default:
			return rf, false
		}
	}
	return rf, true
}

// approvalFilter is a parsed approvalViews $filter.
type approvalFilter struct {
	role       string // "", Approver, Owner
	active     *bool
	descending bool
}

func parseApprovalFilter(f string) (approvalFilter, bool) {
	var af approvalFilter
	cs, ok := parseClauses(f)
	if !ok {
		return af, false
	}
	for _, c := range cs {
		if c.op != "eq" {
			return af, false
		}
		switch c.field {
		case "properties/userrole":
			switch strings.ToLower(c.value) {
			case "approver":
				af.role = "Approver"
			case "owner", "requestor":
				af.role = "Owner"
			default:
				return af, false
			}
		case "properties/isactive", "properties/isdescending":
			v := strings.ToLower(c.value)
			if v != "true" && v != "false" {
				return af, false
			}
			b := v == "true"
			if c.field == "properties/isactive" {
				af.active = &b
			} else {
				af.descending = b
			}
		default:
			return af, false
		}
	}
	return af, true
}

// envFilter reads "environment eq '<env>'" (and, for apps, classification eq
// 'EditableApps') from a Power Apps $filter.
func parseEnvFilter(f string) (env string, editable, ok bool) {
	cs, ok := parseClauses(f)
	if !ok {
		return "", false, false
	}
	for _, c := range cs {
		switch {
		case c.field == "environment" && c.op == "eq":
			env = c.value
		case c.field == "classification" && c.op == "eq" && strings.EqualFold(c.value, "EditableApps"):
			editable = true
		default:
			return "", false, false
		}
	}
	return env, editable, true
}
