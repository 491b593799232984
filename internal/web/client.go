package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed. A request from
// any other address is taken at face value, so a reader cannot forge their address by sending the header.
type Proxies []netip.Prefix

// ParseProxies parses a comma-separated list of CIDRs or single addresses.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR range such as 10.0.0.0/8", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

func (ps Proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client is who sent a request, as far as can be trusted.
type client struct {
	IP     netip.Addr
	Secure bool // https between the reader and the first trusted hop
}

type clientKey struct{}

// identify works out the reader's address and scheme. Behind trusted proxies it walks X-Forwarded-For from the
// right, skipping trusted hops, so the first untrusted address is the reader's (the left end is whatever the
// client chose to send).
func (ps Proxies) identify(r *http.Request) client {
	c := client{Secure: r.TLS != nil}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		c.IP = a.Unmap()
	}
	if !c.IP.IsValid() || !ps.trusts(c.IP) {
		return c
	}
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		c.Secure = strings.EqualFold(strings.TrimSpace(strings.Split(proto, ",")[0]), "https")
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		c.IP = a.Unmap()
		if !ps.trusts(a) {
			break
		}
	}
	return c
}

func withClient(ctx context.Context, c client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// clientOf returns the client identified by the middleware.
func clientOf(r *http.Request) client {
	c, _ := r.Context().Value(clientKey{}).(client)
	return c
}
