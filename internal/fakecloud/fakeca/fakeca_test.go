package fakeca

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"testing"
)

func TestCAServesVerifiableHTTPS(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ca.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	for _, host := range []string{"127.0.0.1", "localhost"} {
		resp, err := ca.Client().Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Fatalf("GET via %s: %v", host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "ok" {
			t.Fatalf("body = %q, want ok", body)
		}
	}

	// A client that does not trust the CA must refuse the certificate.
	if _, err := http.Get("https://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("default client accepted a certificate from the fake CA")
	}

	// A second CA's client must refuse it too.
	other, _ := New()
	if _, err := other.Client().Get("https://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("another CA's client accepted the certificate")
	}
}
