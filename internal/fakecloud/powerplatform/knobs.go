package powerplatform

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Route keys name the routes for knobs, counters and the request log.
const (
	RouteEnvironmentsList    = "environments.list"
	RouteEnvironmentsGet     = "environments.get"
	RouteFlowsList           = "flows.list"
	RouteFlowsGet            = "flows.get"
	RouteFlowsStart          = "flows.start"
	RouteFlowsStop           = "flows.stop"
	RouteTriggersList        = "triggers.list"
	RouteRunsList            = "runs.list"
	RouteRunsGet             = "runs.get"
	RouteRunsCancel          = "runs.cancel"
	RouteRunsResubmit        = "runs.resubmit"
	RouteActionsList         = "actions.list"
	RouteActionsGet          = "actions.get"
	RouteApprovalsList       = "approvals.list"
	RouteApprovalsGet        = "approvals.get"
	RouteApprovalsResponses  = "approvals.responses"
	RouteApprovalsRespond    = "approvals.respond"
	RouteAppsList            = "apps.list"
	RouteAppsGet             = "apps.get"
	RouteConnectionsList     = "connections.list"
	RoutePAEnvironmentsList  = "powerapps.environments.list"
	RoutePAEnvironmentsGet   = "powerapps.environments.get"
	RouteBAPEnvironmentsList = "bap.environments.list"
	RouteBAPEnvironmentsGet  = "bap.environments.get"
)

// Knob changes how one route answers. Faults apply after authentication, so a
// bad token still gets its 401.
type Knob struct {
	// Latency delays every answer; with LatencyMax > Latency the delay is
	// uniform in [Latency, LatencyMax]. The wait ends early when the request's
	// context is cancelled (the client gets no answer).
	Latency    time.Duration
	LatencyMax time.Duration
	// Status injects an error status: for the next Times calls, else at Rate
	// (0..1), else on every call. 429 carries Retry-After and the throttling
	// body, 500 the bare {"code":"UnexpectedError"} body, 502 an HTML page,
	// 503 an empty body with Retry-After, 504 an empty body, any other status
	// the {"error":{…}} envelope with Code and Message.
	Status  int
	Times   int
	Rate    float64
	Code    string
	Message string
	// RetryAfter is the Retry-After of 429 and 503 answers (default 2 s).
	RetryAfter time.Duration
	// ThrottleAfter answers 429 to every call after the first ThrottleAfter
	// calls made since SetKnob. ThrottleCode is TooManyRequests (default) or
	// TooManyConcurrentRequests.
	ThrottleAfter int
	ThrottleCode  string
	// HTMLOnExpand answers 500 with an ASP.NET HTML error page when the
	// request has $expand=properties/actions (runs.get).
	HTMLOnExpand bool
	// Truncate cuts successful JSON bodies in half.
	Truncate bool
	// ContentPad appends that many bytes of white space to the answers of
	// the run-content host (RouteContentGet), beyond the link's contentSize.
	ContentPad int
}

type knobState struct {
	k         Knob
	remaining int
	calls     int
}

type knobs struct {
	mu  sync.Mutex
	m   map[string]*knobState
	rng *rand.Rand
}

func (kn *knobs) init(seed int64) {
	kn.m = map[string]*knobState{}
	kn.rng = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// SetKnob sets (replaces) the knob of route and restarts its call count.
func (s *Server) SetKnob(route string, k Knob) {
	s.kn.mu.Lock()
	defer s.kn.mu.Unlock()
	s.kn.m[route] = &knobState{k: k, remaining: k.Times}
}

// ClearKnob removes the knob of route.
func (s *Server) ClearKnob(route string) {
	s.kn.mu.Lock()
	defer s.kn.mu.Unlock()
	delete(s.kn.m, route)
}

// ClearKnobs removes every knob.
func (s *Server) ClearKnobs() {
	s.kn.mu.Lock()
	defer s.kn.mu.Unlock()
	clear(s.kn.m)
}

func (kn *knobs) get(route string) (Knob, *knobState) {
	kn.mu.Lock()
	defer kn.mu.Unlock()
	ks := kn.m[route]
	if ks == nil {
		return Knob{}, nil
	}
	return ks.k, ks
}

func (kn *knobs) latency(k Knob) time.Duration {
	if k.LatencyMax <= k.Latency {
		return k.Latency
	}
	kn.mu.Lock()
	defer kn.mu.Unlock()
	return k.Latency + time.Duration(kn.rng.Int64N(int64(k.LatencyMax-k.Latency)+1))
}

// fault writes an injected error or a throttling answer and reports whether it did.
func (kn *knobs) fault(w http.ResponseWriter, k Knob, ks *knobState, c *call) bool {
	kn.mu.Lock()
	ks.calls++
	calls := ks.calls
	inject := false
	if k.Status != 0 {
		switch {
		case k.Times > 0:
			if ks.remaining > 0 {
				ks.remaining--
				inject = true
			}
		case k.Rate > 0:
			inject = kn.rng.Float64() < k.Rate
		default:
			inject = true
		}
	}
	kn.mu.Unlock()
	retry := k.RetryAfter
	if retry <= 0 {
		retry = 2 * time.Second
	}
	oid := ""
	if c.p != nil {
		oid = c.p.OID
	}
	if k.ThrottleAfter > 0 && calls > k.ThrottleAfter {
		writeAPIError(w, errThrottled(k.ThrottleCode, oid, retry))
		return true
	}
	if !inject {
		return false
	}
	switch k.Status {
	case http.StatusTooManyRequests:
		writeAPIError(w, errThrottled(k.Code, oid, retry))
	case http.StatusInternalServerError:
		code, msg := k.Code, k.Message
		if code == "" {
			code, msg = "UnexpectedError", "An unexpected error occurred."
		}
		writeAPIError(w, &apiError{status: k.Status, code: code, message: msg, bare: true})
	case http.StatusBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(k.Status)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"))
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(retry)))
		w.WriteHeader(k.Status)
	case http.StatusGatewayTimeout:
		w.WriteHeader(k.Status)
	default:
		code, msg := k.Code, k.Message
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(k.Status), " ", "")
			msg = http.StatusText(k.Status) + "."
		}
		writeAPIError(w, &apiError{status: k.Status, code: code, message: msg})
	}
	return true
}
