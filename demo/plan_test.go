package demo

import (
	"net"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
)

func TestOverlappingRoutes(t *testing.T) {
	route := func(cidr string) netlink.Route {
		_, dst, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		return netlink.Route{Dst: dst}
	}
	for _, tc := range []struct {
		routes []netlink.Route
		clash  string
	}{
		{[]netlink.Route{{}, route("0.0.0.0/0"), route("10.0.0.0/16"), route("192.168.1.0/24")}, ""},
		{[]netlink.Route{route("10.99.0.128/25")}, "10.99.0.128/25"},
		{[]netlink.Route{route("10.0.0.0/8")}, "10.0.0.0/8"},
		{[]netlink.Route{route("10.99.0.7/32")}, "10.99.0.7/32"},
	} {
		err := overlapping(tc.routes)
		if tc.clash == "" && err != nil {
			t.Errorf("routes %v: %v, want no clash", tc.routes, err)
		}
		if tc.clash != "" && (err == nil || !strings.Contains(err.Error(), "the host routes "+tc.clash+", which overlaps")) {
			t.Errorf("routes %v: %v, want a clash with %s", tc.routes, err, tc.clash)
		}
	}
}
