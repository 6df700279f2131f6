package systemtest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// pgProxy stands between FlowDeck and the shared PostgreSQL server, so that
// a test can "restart" the database for FlowDeck alone: Restart drops every
// connection at once and refuses new ones until Up, which is what a server
// restart looks like to a client.
type pgProxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// startPGProxy proxies 127.0.0.1:0 to the server of dsn and returns the
// proxy and dsn pointed at it.
func startPGProxy(t *testing.T, dsn string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{t: t, ln: ln, target: u.Host, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *pgProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close() // refused: the server is restarting
			continue
		}
		p.wg.Add(1)
		go p.pipe(c)
	}
}

// pipe copies both ways between c and a new connection to the server.
func (p *pgProxy) pipe(c net.Conn) {
	defer p.wg.Done()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, s) {
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go cp(s, c)
	go cp(c, s)
	<-done
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// track registers both ends, or closes them when the proxy went down meanwhile.
func (p *pgProxy) track(c, s net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		c.Close()
		s.Close()
		return false
	}
	p.conns[c], p.conns[s] = true, true
	return true
}

// Restart closes every proxied connection at once and refuses new ones.
func (p *pgProxy) Restart() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
}

// Up accepts connections again.
func (p *pgProxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

func (p *pgProxy) close() {
	p.ln.Close()
	p.Restart()
	p.wg.Wait()
}

// TestFaultPostgresRestart: the database drops every connection and refuses
// new ones for a while. The tab's calls that need the store answer 503 with
// retry advice, /readyz says not ready; once it is back, FlowDeck recovers
// without a restart: the subscription, the watermark and the approval card's
// state are intact, and a flow that failed during the outage is told once.
func TestFaultPostgresRestart(t *testing.T) {
	proxy, dsn := startPGProxy(t, storetest.PostgresSchema(t))
	s := newFaultStack(t, faultConfig(t, dsn))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	sub := s.watchAll(ctx, t, adele)
	title := "Budget for the spring campaign"
	approvalID := s.addApproval(t, adele, title)
	card := s.waitCards(ctx, t, adele, title, 1)[0]
	s.waitCardKnown(ctx, t, adele, cardaction.ApprovalKey(faultEnv, approvalID), card.ActivityID)
	before := s.subscription(ctx, t, adele, sub.ID)

	proxy.Restart()
	failedAt := s.failRun(t, adele)
	a := s.tab(ctx, t, adele, http.MethodGet, "/api/settings", "")
	wantTabError(t, "GET /api/settings while the database restarts", a, http.StatusServiceUnavailable, "database", "try again")
	if code := s.ready(t); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database restarts = %d, want 503", code)
	}

	proxy.Up()
	waitUntil(ctx, t, "/readyz is ready again", func() bool { return s.ready(t) == http.StatusOK })
	if a := s.tab(ctx, t, adele, http.MethodGet, "/api/settings", ""); a.status != http.StatusOK {
		t.Errorf("GET /api/settings after the restart = %d %.300s", a.status, a.body)
	}
	if got := s.subscription(ctx, t, adele, sub.ID); got.Watermark.Before(before.Watermark) || got.Paused {
		t.Errorf("the subscription after the restart: %+v, before %+v", got, before)
	}
	wantAlertOnce(ctx, t, s, adele, sub.ID, failedAt)
	if cs, err := s.Main.Parts().Store.GetCard(ctx, cardaction.ApprovalKey(faultEnv, approvalID), s.Driver.ConversationID(adele)); err != nil || cs.ActivityID != card.ActivityID {
		t.Errorf("the approval card's state after the restart: %+v, %v", cs, err)
	}
	if n := len(s.cards(adele, title)); n != 1 {
		t.Errorf("the approval card went out %d times, want once", n)
	}
}

// ready returns the status of /readyz.
func (s *stack) ready(t *testing.T) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL()+"/readyz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, t.Context().Err()) {
			t.Fatal(err)
		}
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
