package botframework

import (
	"net"
	"strings"
)

// IsLoopback reports whether addr (host:port, or a bare host) names only a
// loopback interface: 127.0.0.0/8, ::1 or localhost. An empty host (":3978")
// means every interface and is not loopback.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
