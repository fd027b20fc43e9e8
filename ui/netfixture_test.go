package ui

import (
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// netFixture inodes: the host's, two docker containers', a persisted
// netns with no process (blue), one with a process (red) and a process
// alone in a netns of its own (unshare --net).
var (
	netHost   = inspect.NamespaceID{Dev: 4, Ino: 4026531833}
	netWeb    = inspect.NamespaceID{Dev: 4, Ino: 4026532249}
	netDB     = inspect.NamespaceID{Dev: 4, Ino: 4026532301}
	netBlue   = inspect.NamespaceID{Dev: 4, Ino: 4026532176}
	netRed    = inspect.NamespaceID{Dev: 4, Ino: 4026532180}
	netLonely = inspect.NamespaceID{Dev: 4, Ino: 4026532410}
)

// netFixtureTaken is when the fixture's first snapshot was taken.
var netFixtureTaken = time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)

// netFixture builds a host with docker0 bridging the containers web and
// db, the pair v-blue–v-red between the netns blue (no process) and red,
// and a netns with only loopback, as
//
//	docker run -d --name web nginx; docker run -d --name db postgres
//	ip netns add blue; ip netns add red
//	ip link add v-blue netns blue type veth peer v-red netns red
//	ip netns exec red sleep infinity &; unshare --net sleep infinity &
//
// would. Every counter is its base times grow, so that two fixtures with
// grow 1 and 2, taken 2 s apart, have known rates.
func netFixture(grow uint64, taken time.Time) *inspect.Snapshot {
	snap := inspect.NewSnapshot(taken, inspect.NamespaceSet{})
	snap.Initial[inspect.LinkNet] = netHost
	snap.DetailTypes = inspect.TypesOf(inspect.Net)
	stats := func(rx, tx uint64) *inspect.LinkStats {
		return &inspect.LinkStats{RxBytes: rx * grow, TxBytes: tx * grow, RxPackets: rx * grow / 100, TxPackets: tx * grow / 100}
	}
	lo := func() inspect.Interface {
		return inspect.Interface{Index: 1, Name: "lo", Kind: "device", State: "unknown", MAC: "00:00:00:00:00:00", MTU: 65536,
			Addrs: []string{"127.0.0.1/8", "::1/128"}, Stats: stats(0, 0)}
	}
	veth := func(index int, name, mac, master string, addrs []string, peerNS inspect.NamespaceID, peerIdx int, peerName string, st *inspect.LinkStats) inspect.Interface {
		return inspect.Interface{Index: index, Name: name, Kind: "veth", State: "up", MAC: mac, MTU: 1500, Master: master, Addrs: addrs,
			Peer: &inspect.PeerRef{Namespace: peerNS, Index: peerIdx, Name: peerName}, Stats: st}
	}
	pid := 100
	add := func(id inspect.NamespaceID, ifcs []inspect.Interface, routes []inspect.Route, procs []string, c *inspect.Container, holders ...inspect.Holder) {
		ns := &inspect.Namespace{ID: id, Type: inspect.Net, NetNSID: -1, OwnerUID: -1, Holders: holders, Container: c,
			Details: inspect.Details{Net: &inspect.NetInfo{Interfaces: ifcs, Routes: routes}}}
		if c != nil {
			ns.Containers = []*inspect.Container{c}
		}
		for _, comm := range procs {
			pid += 17
			p := &inspect.Process{PID: pid, TGID: pid, PPID: 1, Comm: comm, Cmdline: []string{comm}, UID: 0, State: 'S',
				Namespaces: inspect.NamespaceSet{inspect.LinkNet: id}, Container: c, Read: inspect.FieldStat | inspect.FieldCmdline}
			snap.Processes[pid] = p
			ns.Processes = append(ns.Processes, p)
		}
		snap.Namespaces[id] = ns
	}
	add(netHost, []inspect.Interface{
		lo(),
		{Index: 2, Name: "eth0", Kind: "device", State: "up", MAC: "52:54:00:12:34:56", MTU: 1500,
			Addrs: []string{"10.0.2.15/24", "fe80::5054:ff:fe12:3456/64"}, Stats: stats(52_000, 13_000)},
		{Index: 3, Name: "docker0", Kind: "bridge", State: "up", MAC: "02:42:7c:1e:00:01", MTU: 1500,
			Addrs: []string{"172.17.0.1/16"}, Stats: stats(31_000, 2_400_000)},
		veth(7, "veth9a1f3c2", "6e:1a:2b:3c:4d:01", "docker0", nil, netWeb, 2, "eth0", stats(30_000, 2_400_000)),
		veth(9, "veth77c0d1e", "6e:1a:2b:3c:4d:02", "docker0", nil, netDB, 2, "eth0", stats(1_000, 0)),
	}, []inspect.Route{
		{Dst: "default", Gateway: "10.0.2.2", Dev: "eth0"},
		{Dst: "10.0.2.0/24", Dev: "eth0", Src: "10.0.2.15"},
		{Dst: "172.17.0.0/16", Dev: "docker0", Src: "172.17.0.1"},
	}, []string{"systemd", "sshd", "dockerd"}, nil)
	web := &inspect.Container{Engine: "docker", ID: "3f2a1c9b8d7e", Name: "web"}
	add(netWeb, []inspect.Interface{
		lo(),
		veth(2, "eth0", "02:42:ac:11:00:02", "", []string{"172.17.0.2/16"}, netHost, 7, "veth9a1f3c2", stats(2_400_000, 30_000)),
	}, []inspect.Route{{Dst: "default", Gateway: "172.17.0.1", Dev: "eth0"}}, []string{"nginx", "nginx", "nginx"}, web)
	db := &inspect.Container{Engine: "docker", ID: "88b2e0f4a6c1", Name: "db"}
	add(netDB, []inspect.Interface{
		lo(),
		veth(2, "eth0", "02:42:ac:11:00:03", "", []string{"172.17.0.3/16"}, netHost, 9, "veth77c0d1e", stats(0, 1_000)),
	}, []inspect.Route{{Dst: "default", Gateway: "172.17.0.1", Dev: "eth0"}}, []string{"postgres"}, db)
	add(netBlue, []inspect.Interface{
		lo(),
		veth(5, "v-blue", "ae:00:00:00:0b:01", "", []string{"10.0.0.1/24"}, netRed, 6, "v-red", stats(800, 800)),
	}, []inspect.Route{{Dst: "10.0.0.0/24", Dev: "v-blue", Src: "10.0.0.1"}}, nil, nil,
		inspect.Holder{Kind: inspect.HeldByMount, Path: "/run/netns/blue", MountNS: inspect.NamespaceID{Dev: 4, Ino: 4026531832}})
	add(netRed, []inspect.Interface{
		lo(),
		veth(6, "v-red", "ae:00:00:00:0c:01", "", []string{"10.0.0.2/24"}, netBlue, 5, "v-blue", stats(800, 800)),
	}, []inspect.Route{{Dst: "10.0.0.0/24", Dev: "v-red", Src: "10.0.0.2"}}, []string{"sleep"}, nil,
		inspect.Holder{Kind: inspect.HeldByMount, Path: "/run/netns/red", MountNS: inspect.NamespaceID{Dev: 4, Ino: 4026531832}})
	add(netLonely, []inspect.Interface{
		{Index: 1, Name: "lo", Kind: "device", State: "down", MAC: "00:00:00:00:00:00", MTU: 65536, Stats: stats(0, 0)},
	}, nil, []string{"sleep"}, nil)
	return snap
}

// netFixtureWorld is the world after two scans of the fixture, 2 s apart,
// in which every counter doubled: each interface's rate is its base
// counter over 2 s.
func netFixtureWorld() *world {
	w := newWorld(netFixture(1, netFixtureTaken), 0)
	return w.next(netFixture(2, netFixtureTaken.Add(2*time.Second)), 0, netFixtureTaken.Add(2*time.Second))
}
