package powerplatform

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what a test injects into one route's answers: latency, an error
// status, throttling, an HTML error page, a truncated or padded body. Errors
// apply after authentication, so a bad token still gets its 401.
type Fault struct {
	// Latency delays every answer; with LatencyMax > Latency the delay is
	// uniform in [Latency, LatencyMax]. The wait ends early when the request's
	// context is cancelled: the response is aborted (the connection closes
	// with no answer, never an empty 200) and the request is logged with
	// status 0.
	Latency    time.Duration
	LatencyMax time.Duration
	// Hold, when set, holds every answer (after its Latency) until Hold is
	// closed, so that a test decides when the answers come rather than a
	// clock; like Latency's, the wait ends early, with no answer, when the
	// request's context is cancelled.
	Hold <-chan struct{}
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
	// calls made since SetFault. ThrottleCode is TooManyRequests (default) or
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

// faultState is a route's fault and what it has counted so far.
type faultState struct {
	f         Fault
	remaining int
	calls     int
}

// faults holds the fault of each route.
type faults struct {
	mu  sync.Mutex
	m   map[string]*faultState
	rng *rand.Rand
}

func (fs *faults) init(seed int64) {
	fs.m = map[string]*faultState{}
	fs.rng = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// SetFault sets (replaces) the fault of route and restarts its call count.
func (s *Server) SetFault(route string, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.m[route] = &faultState{f: f, remaining: f.Times}
}

// ClearFault removes the fault of route.
func (s *Server) ClearFault(route string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	delete(s.faults.m, route)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.m)
}

// get returns the fault of route and its state; nil state for none.
func (fs *faults) get(route string) (Fault, *faultState) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	st := fs.m[route]
	if st == nil {
		return Fault{}, nil
	}
	return st.f, st
}

// latency is the delay of one answer under f.
func (fs *faults) latency(f Fault) time.Duration {
	if f.LatencyMax <= f.Latency {
		return f.Latency
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return f.Latency + time.Duration(fs.rng.Int64N(int64(f.LatencyMax-f.Latency)+1))
}

// inject writes an injected error or a throttling answer and reports whether it did.
func (fs *faults) inject(w http.ResponseWriter, f Fault, st *faultState, c *call) bool {
	fs.mu.Lock()
	st.calls++
	calls := st.calls
	inject := false
	if f.Status != 0 {
		switch {
		case f.Times > 0:
			if st.remaining > 0 {
				st.remaining--
				inject = true
			}
		case f.Rate > 0:
			inject = fs.rng.Float64() < f.Rate
		default:
			inject = true
		}
	}
	fs.mu.Unlock()
	retry := f.RetryAfter
	if retry <= 0 {
		retry = 2 * time.Second
	}
	oid := ""
	if c.p != nil {
		oid = c.p.OID
	}
	if f.ThrottleAfter > 0 && calls > f.ThrottleAfter {
		writeAPIError(w, errThrottled(f.ThrottleCode, oid, retry))
		return true
	}
	if !inject {
		return false
	}
	switch f.Status {
	case http.StatusTooManyRequests:
		writeAPIError(w, errThrottled(f.Code, oid, retry))
	case http.StatusInternalServerError:
		code, msg := f.Code, f.Message
		if code == "" {
			code, msg = "UnexpectedError", "An unexpected error occurred."
		}
		writeAPIError(w, &apiError{status: f.Status, code: code, message: msg, bare: true})
	case http.StatusBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"))
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(retry)))
		w.WriteHeader(f.Status)
	case http.StatusGatewayTimeout:
		w.WriteHeader(f.Status)
	default:
		code, msg := f.Code, f.Message
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(f.Status), " ", "")
			msg = http.StatusText(f.Status) + "."
		}
		writeAPIError(w, &apiError{status: f.Status, code: code, message: msg})
	}
	return true
}
