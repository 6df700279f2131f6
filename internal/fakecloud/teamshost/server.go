package teamshost

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"
)

// HostPath is where a Server serves the host page.
const HostPath = "/_teams/"

// ServerOptions configure a Server.
type ServerOptions struct {
	Options
	// Listener is where to serve; nil listens on a free loopback port.
	Listener net.Listener
	// Backend, when set, is FlowDeck's base URL: every path outside HostPath
	// is proxied to it, so the tab, its API and its sign-in pages share the
	// host page's origin (teams-js and the tab's frame-ancestors need that).
	// FlowDeck's public URL should then be the Server's URL.
	Backend *url.URL
	// TLS, when set, serves HTTPS (as Teams requires of a tab, and teams-js
	// of authentication.authenticate's URL); nil serves plain HTTP.
	TLS *tls.Config
}

// Server serves a Handler on loopback.
type Server struct {
	srv    *http.Server
	ln     net.Listener
	scheme string
}

// Start serves the host page at HostPath on o.Listener (or a new loopback
// listener) until Close.
func Start(o ServerOptions) (*Server, error) {
	h, err := New(o.Options)
	if err != nil {
		return nil, err
	}
	ln := o.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.Handle(HostPath, http.StripPrefix(HostPath[:len(HostPath)-1], h))
	if o.Backend != nil {
		backend := o.Backend
		mux.Handle("/", &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(backend)
			r.Out.Host = r.In.Host // FlowDeck sees its public host
		}})
	} else {
		mux.Handle("/{$}", http.RedirectHandler(HostPath, http.StatusFound))
	}
	s := &Server{ln: ln, scheme: "http", srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	if o.TLS != nil {
		s.scheme = "https"
		ln = tls.NewListener(ln, o.TLS)
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// URL is the server's base URL (http://127.0.0.1:port, or https:// with TLS).
func (s *Server) URL() string { return s.scheme + "://" + s.ln.Addr().String() }

// HostURL is the host page's URL.
func (s *Server) HostURL() string { return s.URL() + HostPath }

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
