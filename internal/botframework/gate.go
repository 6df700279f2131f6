package botframework

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultMaxRequestsPerHost bounds the connector calls in flight to one host.
const DefaultMaxRequestsPerHost = 128

// maxGatedHosts bounds the hosts the gate remembers (a bot talks to a
// handful of serviceUrls); past it the gate starts over.
const maxGatedHosts = 256

// hostGate keeps a burst of sends from turning into a burst of TLS
// handshakes. While a host has no connection, or its HTTP/2 connection is at
// its stream limit, net/http dials a new connection for every request that
// waits, and the extra ones are handshaken and then closed. So the gate lets
// the first call to a host through alone (the others wait for its
// connection), and bounds the calls in flight to a host below common HTTP/2
// stream limits.
type hostGate struct {
	max int

	mu    sync.Mutex
	hosts map[string]*hostSlots
}

// hostSlots is one host's share of the gate.
type hostSlots struct {
	slots chan struct{} // one per call in flight
	first chan struct{} // held by the call that opens the first connection
	warm  atomic.Bool   // a call to the host was answered
}

func (g *hostGate) slotsFor(host string) *hostSlots {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.hosts[host]
	if !ok {
		if g.hosts == nil || len(g.hosts) >= maxGatedHosts {
			g.hosts = make(map[string]*hostSlots)
		}
		h = &hostSlots{slots: make(chan struct{}, g.max), first: make(chan struct{}, 1)}
		g.hosts[host] = h
	}
	return h
}

// enter waits for a slot for a call to rawURL's host. The caller must call
// the returned leave with whether the host answered (any HTTP status).
func (g *hostGate) enter(ctx context.Context, rawURL string) (leave func(answered bool), err error) {
	h := g.slotsFor(hostOf(rawURL))
	first := false
	if !h.warm.Load() {
		select {
		case h.first <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if h.warm.Load() {
			<-h.first // connected while this call waited
		} else {
			first = true
		}
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		if first {
			<-h.first
		}
		return nil, ctx.Err()
	}
	return func(answered bool) {
		<-h.slots
		if first {
			if answered {
				h.warm.Store(true)
			}
			<-h.first
		}
	}, nil
}

// hostOf is the scheme and host of an absolute URL.
func hostOf(rawURL string) string {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return rawURL
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}
