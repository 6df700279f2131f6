package server

import (
	"net"
	"net/netip"

	"github.com/labstack/echo/v4"
)

// proxyExtractors returns how the client address and the scheme are found.
// Without trusted proxies the peer is the client and only TLS means https.
// With them, X-Forwarded-For and X-Forwarded-Proto are believed only when
// they come from those ranges: loopback, link-local and private addresses are
// not trusted unless listed, so a client on the same network cannot spoof.
func proxyExtractors(trusted []netip.Prefix) (echo.IPExtractor, echo.SchemeExtractor) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), echo.ExtractSchemeDirect()
	}
	opts := []echo.TrustOption{
		echo.TrustLoopback(false),
		echo.TrustLinkLocal(false),
		echo.TrustPrivateNet(false),
	}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{
			IP:   net.IP(p.Addr().AsSlice()),
			Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen()),
		}))
	}
	return echo.ExtractIPFromXFFHeader(opts...), echo.ExtractSchemeFromHeaders(opts...)
}
