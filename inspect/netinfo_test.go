package inspect

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// ipRun runs ip with args and returns its output; the test fails if ip does.
func ipRun(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return out
}

// testNetns is a named network namespace made for a test.
type testNetns struct {
	name string
	path string
	id   NamespaceID
}

// makeNamedNetns creates a named network namespace, unique to this test process,
// that is deleted, with every interface in it, on cleanup.
func makeNamedNetns(t testing.TB, suffix string) testNetns {
	t.Helper()
	name := fmt.Sprintf("nsdive-test-%s-%d", suffix, os.Getpid())
	ipRun(t, "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	path := "/run/netns/" + name
	return testNetns{name, path, nsIDOfPath(t, path)}
}

func nsIDOfPath(t testing.TB, path string) NamespaceID {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}
}

func findInterface(t testing.TB, info *NetInfo, name string) *Interface {
	t.Helper()
	for i := range info.Interfaces {
		if info.Interfaces[i].Name == name {
			return &info.Interfaces[i]
		}
	}
	t.Fatalf("no interface %s in %+v", name, info.Interfaces)
	return nil
}

// readNetUp reads a namespace once the interface name is up: the kernel
// updates the operational state asynchronously.
func readNetUp(t testing.TB, path, name string) *NetInfo {
	t.Helper()
	var info *NetInfo
	up := nstest.Poll(func() bool {
		var err error
		if info, err = readNet(joinOnce(Net), path); err != nil {
			t.Fatal(err)
		}
		return findInterface(t, info, name).State == "up"
	})
	if !up {
		t.Fatalf("%s in %s never came up", name, path)
	}
	return info
}

// netFixture builds two namespaces, a and b, joined by the veth pair
// va (index 10, in a) and vb (index 20, in b), with addresses and routes in
// a; a also holds the bridge br0 and the local veth pair la/lb, lb enslaved
// to br0. Only lo, va and vb are up.
func netFixture(t testing.TB) (a, b testNetns) {
	t.Helper()
	a, b = makeNamedNetns(t, "a"), makeNamedNetns(t, "b")
	for _, args := range [][]string{
		{"link", "add", "name", "va", "index", "10", "netns", a.name, "address", "02:00:00:00:0a:01", "mtu", "1400",
			"type", "veth", "peer", "name", "vb", "index", "20", "netns", b.name, "address", "02:00:00:00:0b:01"},
		{"-n", a.name, "addr", "add", "10.201.0.1/24", "dev", "va"},
		{"-n", a.name, "addr", "add", "fd00:201::1/64", "dev", "va", "nodad"},
		{"-n", b.name, "addr", "add", "10.201.0.2/24", "dev", "vb"},
		{"-n", a.name, "link", "set", "lo", "up"},
		{"-n", a.name, "link", "set", "va", "up"},
		{"-n", b.name, "link", "set", "vb", "up"},
		{"-n", a.name, "route", "add", "default", "via", "10.201.0.2"},
		{"-n", a.name, "route", "add", "10.203.0.0/24", "nexthop", "via", "10.201.0.2", "dev", "va", "nexthop", "via", "10.201.0.3", "dev", "va"},
		{"-n", a.name, "route", "add", "10.9.9.9", "dev", "va"},
		{"-n", a.name, "-6", "route", "add", "fd00:202::/64", "via", "fd00:201::2", "dev", "va"},
		{"-n", a.name, "link", "add", "br0", "type", "bridge"},
		{"-n", a.name, "link", "add", "la", "type", "veth", "peer", "name", "lb"},
		{"-n", a.name, "link", "set", "lb", "master", "br0"},
	} {
		ipRun(t, args...)
	}
	return a, b
}

func TestNetReadNet(t *testing.T) {
	nstest.RequireRoot(t)
	a, _ := netFixture(t)
	info := readNetUp(t, a.path, "va")

	tests := []Interface{
		{Index: 1, Name: "lo", Kind: "device", State: "unknown", MAC: "00:00:00:00:00:00", MTU: 65536,
			Addrs: []string{"127.0.0.1/8", "::1/128"}},
		{Index: 10, Name: "va", Kind: "veth", State: "up", MAC: "02:00:00:00:0a:01", MTU: 1400,
			Addrs: []string{"10.201.0.1/24", "fd00:201::1/64"}, peerIdx: 20},
		{Name: "br0", Kind: "bridge", State: "down", MTU: 1500},
		{Name: "lb", Kind: "veth", State: "down", MTU: 1500, Master: "br0", linkNID: -1},
	}
	for _, want := range tests {
		t.Run(want.Name, func(t *testing.T) {
			got := findInterface(t, info, want.Name)
			if got.Kind != want.Kind || got.State != want.State || got.MTU != want.MTU || got.Master != want.Master {
				t.Errorf("got %+v, want %+v", *got, want)
			}
			if want.Index != 0 && got.Index != want.Index {
				t.Errorf("index %d, want %d", got.Index, want.Index)
			}
			if got.MAC != want.MAC && want.Kind != "bridge" && want.Name != "lb" {
				t.Errorf("MAC %s, want %s", got.MAC, want.MAC)
			}
			// The kernel adds a link-local IPv6 address of its own.
			for _, addr := range want.Addrs {
				if !slices.Contains(got.Addrs, addr) {
					t.Errorf("addrs %v lack %s", got.Addrs, addr)
				}
			}
			if want.peerIdx != 0 && got.peerIdx != want.peerIdx {
				t.Errorf("peer index %d, want %d", got.peerIdx, want.peerIdx)
			}
			if want.linkNID != 0 && got.linkNID != want.linkNID {
				t.Errorf("peer netnsid %d, want %d", got.linkNID, want.linkNID)
			}
		})
	}
	if !slices.IsSortedFunc(info.Interfaces, func(a, b Interface) int { return a.Index - b.Index }) {
		t.Errorf("interfaces not sorted by index: %+v", info.Interfaces)
	}

	wantRoutes := []Route{
		{Dst: "default", Gateway: "10.201.0.2", Dev: "va"},
		{Dst: "10.9.9.9/32", Dev: "va"},
		{Dst: "10.201.0.0/24", Dev: "va", Src: "10.201.0.1"},
		{Dst: "10.203.0.0/24", Gateway: "10.201.0.2", Dev: "va"},
		{Dst: "10.203.0.0/24", Gateway: "10.201.0.3", Dev: "va"},
		{Dst: "fd00:201::/64", Dev: "va"},
		{Dst: "fd00:202::/64", Gateway: "fd00:201::2", Dev: "va"},
		{Dst: "fe80::/64", Dev: "va"},
	}
	if !slices.Equal(info.Routes, wantRoutes) {
		t.Errorf("routes:\n got %+v\nwant %+v", info.Routes, wantRoutes)
	}
}

// ipLink is the part of `ip -d -j addr show` that readNet reads.
type ipLink struct {
	Index       int    `json:"ifindex"`
	Name        string `json:"ifname"`
	OperState   string `json:"operstate"`
	MTU         int    `json:"mtu"`
	Address     string `json:"address"`
	Master      string `json:"master"`
	Link        string `json:"link"`       // the peer's name, when local
	LinkIndex   int    `json:"link_index"` // the peer's index, when remote
	LinkNetnsID *int   `json:"link_netnsid"`
	LinkInfo    struct {
		Kind string `json:"info_kind"`
	} `json:"linkinfo"`
	AddrInfo []struct {
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
	} `json:"addr_info"`
}

// TestNetMatchesIP holds readNet against iproute2 in both namespaces of the
// fixture, the raw veth fields included: IFLA_LINK is the peer's ifindex,
// IFLA_LINK_NETNSID the peer namespace's id as seen from the veth's.
func TestNetMatchesIP(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := netFixture(t)
	readNetUp(t, a.path, "va")
	for _, ns := range []testNetns{a, b} {
		t.Run(ns.name, func(t *testing.T) {
			var links []ipLink
			if err := json.Unmarshal(ipRun(t, "-n", ns.name, "-d", "-j", "addr", "show"), &links); err != nil {
				t.Fatal(err)
			}
			info, err := readNet(joinOnce(Net), ns.path)
			if err != nil {
				t.Fatal(err)
			}
			if len(info.Interfaces) != len(links) {
				t.Errorf("%d interfaces, ip shows %d", len(info.Interfaces), len(links))
			}
			for _, l := range links {
				got := findInterface(t, info, l.Name)
				want := Interface{
					Index: l.Index, Name: l.Name, Kind: cmp.Or(l.LinkInfo.Kind, "device"),
					State: strings.ToLower(l.OperState), MAC: l.Address, MTU: l.MTU, Master: l.Master,
				}
				for _, a := range l.AddrInfo {
					want.Addrs = append(want.Addrs, a.Local+"/"+strconv.Itoa(a.PrefixLen))
				}
				if got.Index != want.Index || got.Kind != want.Kind || got.State != want.State ||
					got.MAC != want.MAC || got.MTU != want.MTU || got.Master != want.Master ||
					!slices.Equal(got.Addrs, want.Addrs) {
					t.Errorf("readNet: %+v\n     ip: %+v", *got, want)
				}
				if got.Kind != "veth" {
					continue
				}
				switch {
				case l.LinkNetnsID != nil:
					if got.linkNID != *l.LinkNetnsID || got.peerIdx != l.LinkIndex {
						t.Errorf("%s: peer %d in netnsid %d, ip says %d in %d",
							l.Name, got.peerIdx, got.linkNID, l.LinkIndex, *l.LinkNetnsID)
					}
				case got.linkNID != -1 || findInterface(t, info, l.Link).Index != got.peerIdx:
					t.Errorf("%s: peer %d in netnsid %d, ip says local %s", l.Name, got.peerIdx, got.linkNID, l.Link)
				}
			}
		})
	}
}

// TestVethPeers builds a.va(10) <-> b.vb(20) and c.vc(10) <-> d.vd(20):
// both remote ends of a pair look alike by their ifindexes, and only the
// netnsid asked in the veth's own namespace tells b from d. a also has the
// local pair la/lb.
func TestVethPeers(t *testing.T) {
	nstest.RequireRoot(t)
	a, b := netFixture(t)
	c, d := makeNamedNetns(t, "c"), makeNamedNetns(t, "d")
	ipRun(t, "link", "add", "name", "vc", "index", "10", "netns", c.name,
		"type", "veth", "peer", "name", "vd", "index", "20", "netns", d.name)
	spaces := []testNetns{a, b, c, d}

	type end struct {
		ns   testNetns
		name string
	}
	tests := []struct {
		name  string
		known []testNetns
		// unreadable is read, but its path is then lost, as when its
		// process exits during the scan.
		unreadable *testNetns
		peers      map[end]*end // nil: no peer found
	}{
		{"all known", spaces, nil, map[end]*end{
			{a, "va"}: {b, "vb"}, {b, "vb"}: {a, "va"},
			{c, "vc"}: {d, "vd"}, {d, "vd"}: {c, "vc"},
			{a, "la"}: {a, "lb"}, {a, "lb"}: {a, "la"},
			{a, "lo"}: nil, {a, "br0"}: nil,
		}},
		{"b unknown", []testNetns{a, c, d}, nil, map[end]*end{
			{a, "va"}: nil,
			{c, "vc"}: {d, "vd"}, {d, "vd"}: {c, "vc"},
			{a, "la"}: {a, "lb"},
		}},
		{"d unreadable", spaces, &d, map[end]*end{
			{a, "va"}: {b, "vb"}, {b, "vb"}: {a, "va"},
			{c, "vc"}: nil, {d, "vd"}: nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nets := make(map[NamespaceID]*NetInfo)
			paths := make(map[NamespaceID]string)
			for _, ns := range tt.known {
				info, err := readNet(joinOnce(Net), ns.path)
				if err != nil {
					t.Fatal(err)
				}
				nets[ns.id], paths[ns.id] = info, ns.path
			}
			if tt.unreadable != nil {
				paths[tt.unreadable.id] = "/nonexistent"
			}
			err := resolveVethPeers(joinOnce(Net), nets, paths)
			if (err != nil) != (tt.unreadable != nil) {
				t.Errorf("resolveVethPeers: %v", err)
			}
			for from, to := range tt.peers {
				got := findInterface(t, nets[from.ns.id], from.name).Peer
				var want *PeerRef
				if to != nil {
					want = &PeerRef{to.ns.id, findInterface(t, nets[to.ns.id], to.name).Index, to.name}
				}
				if (got == nil) != (want == nil) || got != nil && *got != *want {
					t.Errorf("peer of %s in %s = %+v, want %+v", from.name, from.ns.name, got, want)
				}
			}
		})
	}
}

// TestNetNetnsIDOf compares netnsIDOf with ip netns list-id and lsns for a
// namespace with an id, one without, and the test's own, and checks that
// asking assigned nothing.
func TestNetNetnsIDOf(t *testing.T) {
	nstest.RequireRoot(t)
	with, without := makeNamedNetns(t, "id"), makeNamedNetns(t, "noid")
	ipRun(t, "netns", "set", with.name, "auto")
	pids := make(map[NamespaceID]int)
	for _, ns := range []testNetns{with, without} {
		pids[ns.id] = spawnSleeper(t, []string{"nsenter", "--net=" + ns.path}, "true")
	}
	own := nsIDOfPath(t, "/proc/self/ns/net")

	listIDs := func() map[string]int {
		ids := make(map[string]int)
		for line := range strings.Lines(string(ipRun(t, "netns", "list-id"))) {
			// nsid 3 (iproute2 netns name: foo)
			var id int
			var name string
			if _, err := fmt.Sscanf(line, "nsid %d (iproute2 netns name: %s", &id, &name); err == nil {
				ids[strings.TrimSuffix(name, ")")] = id
			}
		}
		return ids
	}
	lsnsIDs := func() map[uint64]int {
		// lsns fails now and then on a busy host, when a namespace it
		// found is gone before it reads it: ask again.
		var out []byte
		var err error
		for range 5 {
			if out, err = exec.Command("lsns", "-n", "-t", "net", "-o", "NS,NETNSID").Output(); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("lsns, 5 times: %v", err)
		}
		ids := make(map[uint64]int)
		for line := range strings.Lines(string(out)) {
			fields := strings.Fields(line)
			ino, err := strconv.ParseUint(fields[0], 10, 64)
			if err != nil {
				t.Fatalf("lsns line %q: %v", line, err)
			}
			id, err := strconv.Atoi(fields[1])
			if err != nil {
				id = -1 // unassigned
			}
			ids[ino] = id
		}
		return ids
	}

	ip, lsns := listIDs(), lsnsIDs()
	if _, ok := ip[with.name]; !ok {
		t.Fatalf("ip netns list-id lacks %s: %v", with.name, ip)
	}
	tests := []struct {
		name string
		path string
		id   NamespaceID
		want int
	}{
		{"assigned", with.path, with.id, ip[with.name]},
		{"unassigned", without.path, without.id, -1},
		{"own", "/proc/self/ns/net", own, -1},
		{"via pid", fmt.Sprintf("/proc/%d/ns/net", pids[with.id]), with.id, ip[with.name]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := netnsIDOf(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("netnsIDOf(%s) = %d, want %d", tt.path, got, tt.want)
			}
			if l, ok := lsns[tt.id.Ino]; !ok || l != got {
				t.Errorf("netnsIDOf(%s) = %d, lsns says %d (listed: %v)", tt.path, got, l, ok)
			}
		})
	}
	if _, ok := listIDs()[without.name]; ok {
		t.Errorf("asking assigned %s an id", without.name)
	}
	if _, err := netnsIDOf("/nonexistent"); err == nil {
		t.Error("netnsIDOf of a missing path succeeded")
	}
}

// BenchmarkReadNet reads a namespace with lo, a bridge and two veth pairs,
// a few addresses and routes.
func BenchmarkReadNet(b *testing.B) {
	nstest.RequireRoot(b)
	a, _ := netFixture(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := readNet(joinOnce(Net), a.path); err != nil {
			b.Fatal(err)
		}
	}
}
