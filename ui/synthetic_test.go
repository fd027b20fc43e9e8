package ui

import (
	"fmt"
	"time"

	"github.com/nsdive/nsdive/inspect"
)

// syntheticSnapshot builds the snapshot of a busy container host with
// about nprocs processes and exactly nns namespaces, for benchmarks: the
// initial namespaces with a host's kernel threads and daemons, then, in
// turn, docker containers (mnt, uts, ipc, pid, net and cgroup namespaces,
// a process tree with NSpid, a veth to the host's docker0, a volume that
// receives the host's /srv mounts), rootless sandboxes (user namespaces
// nested three deep, each with a pid namespace under its parent's, and
// mnt, net and uts namespaces) and network namespaces held only by a bind
// mount under /run/netns with a veth between each two. Every part a full
// scan reads is filled in, so that every page has all it can show.
func syntheticSnapshot(nprocs, nns int) *inspect.Snapshot {
	g := &synth{
		snap: inspect.NewSnapshot(time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), inspect.NamespaceSet{}),
		next: 4026532200,
	}
	g.initial()
	for i := 0; len(g.snap.Namespaces) < nns; i++ {
		switch left := nns - len(g.snap.Namespaces); {
		case left >= 6 && i%10 < 7:
			g.container(i)
		case left >= 5 && i%10 < 9:
			g.sandbox(i)
		default:
			g.persisted(i)
		}
	}
	g.populate(nprocs)
	return g.snap
}

// synth is the state of syntheticSnapshot.
type synth struct {
	snap    *inspect.Snapshot
	next    uint64 // the next namespace inode
	nextPID int
	hostNet *inspect.NetInfo
	// units are the sets of namespaces processes are added to in turn,
	// with the process that starts each and the container it is.
	units     []*unit
	sandboxes []*unit // rootless sandboxes, parents of the next ones
	lastNetns *inspect.Namespace
}

// unit is a container or sandbox: its namespaces and processes.
type unit struct {
	set       inspect.NamespaceSet
	container *inspect.Container
	depth     int // pid namespace levels below the host's
	members   []*inspect.Process
	comm      string
	// parent is the process that started the unit; for a nested
	// sandbox, nil until outer, its parent sandbox, has a process.
	parent *inspect.Process
	outer  *unit
}

const synthDev = 4

func (g *synth) id(ino uint64) inspect.NamespaceID {
	return inspect.NamespaceID{Dev: synthDev, Ino: ino}
}

func (g *synth) ns(t inspect.Type, ino uint64, owner inspect.NamespaceID) *inspect.Namespace {
	if ino == 0 {
		ino, g.next = g.next, g.next+1
	}
	ns := &inspect.Namespace{ID: g.id(ino), Type: t, Owner: owner, OwnerUID: -1, NetNSID: -1, Serial: ino - 4026531000}
	g.snap.Namespaces[ns.ID] = ns
	return ns
}

// initial makes the initial namespaces, the host's mounts and network,
// and its kernel threads and daemons.
func (g *synth) initial() {
	s := g.snap
	s.Parts = inspect.PartMountHolders | inspect.PartFDHolders | inspect.PartForChildren |
		inspect.PartHierarchy | inspect.PartContainers | inspect.PartNetNSID
	s.DetailTypes = inspect.AllTypes
	s.InitialPID = 1
	user := g.ns(inspect.User, 0xEFFFFFFD, inspect.NamespaceID{})
	user.OwnerUID = 0
	user.Details.User = &inspect.UserInfo{UIDMap: []inspect.IDMapRange{{Length: 4294967295}},
		GIDMap: []inspect.IDMapRange{{Length: 4294967295}}, SetGroups: "allow"}
	inos := map[inspect.Type]uint64{inspect.Cgroup: 0xEFFFFFFB, inspect.IPC: 0xEFFFFFFF, inspect.Mnt: 0xEFFFFFF8,
		inspect.Net: 0xEFFFFFF9, inspect.PID: 0xEFFFFFFC, inspect.Time: 0xEFFFFFFA, inspect.UTS: 0xEFFFFFFE}
	for _, t := range inspect.Types {
		var ns *inspect.Namespace
		if t == inspect.User {
			ns = user
		} else {
			ns = g.ns(t, inos[t], user.ID)
		}
		g.details(ns, "web-01")
		s.Initial[inspect.LinkOf(t)] = ns.ID
	}
	s.Initial[inspect.LinkPIDForChildren] = s.Initial[inspect.LinkPID]
	s.Initial[inspect.LinkTimeForChildren] = s.Initial[inspect.LinkTime]
	g.hostNet = s.Namespaces[s.Initial[inspect.LinkNet]].Details.Net
	g.hostNet.Interfaces = append(g.hostNet.Interfaces,
		inspect.Interface{Index: 2, Name: "eth0", Kind: "device", State: "up", MTU: 1500, Addrs: []string{"10.1.0.5/24"}},
		inspect.Interface{Index: 3, Name: "docker0", Kind: "bridge", State: "up", MTU: 1500, Addrs: []string{"172.17.0.1/16"}})
	g.hostNet.Routes = append(g.hostNet.Routes, inspect.Route{Dst: "default", Gateway: "10.1.0.1", Dev: "eth0"},
		inspect.Route{Dst: "172.17.0.0/16", Dev: "docker0", Src: "172.17.0.1"})
	hostMnt := s.Initial[inspect.LinkMnt]
	g.mounts(hostMnt, []string{"/", "/proc", "/sys", "/dev", "/dev/pts", "/run", "/boot", "/home", "/var/lib/docker", "/srv"}, 0)
	host := &unit{set: s.Initial, comm: "host"}
	g.units = append(g.units, host)
	g.nextPID = 1
	g.process(host, 0, "systemd", []string{"/sbin/init"})
	kthreadd := g.process(host, 0, "kthreadd", nil)
	for i := 0; i < 150; i++ {
		g.process(host, kthreadd.PID, fmt.Sprintf("kworker/%d:%d", i%2, i), nil)
	}
}

// mounts gives a mount namespace a table with these mount points, the
// last one in peer group 12 (the host's /srv, shared; a container's
// volume, a slave of it) when group is nonzero, or shared:12 when zero.
func (g *synth) mounts(mntns inspect.NamespaceID, points []string, group int) {
	s := g.snap
	for i, p := range points {
		m := inspect.Mount{ID: 20 + i, ParentID: 19 + i, Major: 8, Minor: 1, Root: "/", MountPoint: p,
			Options: "rw,relatime", FSType: "ext4", Source: "/dev/sda1", SuperOptions: "rw"}
		if p == "/proc" {
			m.FSType, m.Source = "proc", "proc"
		}
		if i == 0 {
			m.ParentID = 1
		}
		if i == len(points)-1 {
			if group == 0 {
				m.Shared = 12
			} else {
				m.Master = 12
			}
			s.PeerGroups[12] = append(s.PeerGroups[12], inspect.MountRef{MountNS: mntns, MountID: m.ID})
		}
		s.Mounts[mntns] = append(s.Mounts[mntns], m)
	}
}

// details fills what a scan reads inside ns.
func (g *synth) details(ns *inspect.Namespace, name string) {
	d := &ns.Details
	switch ns.Type {
	case inspect.UTS:
		d.UTS = &inspect.UTSInfo{Hostname: name, Domainname: "(none)"}
	case inspect.Net:
		d.Net = &inspect.NetInfo{Interfaces: []inspect.Interface{{Index: 1, Name: "lo", Kind: "device", State: "unknown", MTU: 65536, Addrs: []string{"127.0.0.1/8", "::1/128"}}},
			Routes: []inspect.Route{{Dst: "127.0.0.0/8", Dev: "lo"}}}
		ns.NetNSID = int(ns.ID.Ino % 1000)
	case inspect.Time:
		d.Time = &inspect.TimeOffsets{}
	case inspect.Cgroup:
		d.Cgroup = &inspect.CgroupInfo{Root: "/" + name}
	case inspect.IPC:
		d.IPC = &inspect.IPCInfo{SharedMemory: int(ns.ID.Ino % 3)}
	case inspect.User:
		d.User = &inspect.UserInfo{UIDMap: []inspect.IDMapRange{{Outside: 100000, Length: 65536}},
			GIDMap: []inspect.IDMapRange{{Outside: 100000, Length: 65536}}, SetGroups: "deny"}
	}
}

// veth wires a veth pair between two network namespaces.
func (g *synth) veth(a *inspect.NetInfo, aNS inspect.NamespaceID, aName, aAddr string, b *inspect.NetInfo, bNS inspect.NamespaceID, bName, bAddr, master string) {
	ai, bi := len(a.Interfaces)+100, len(b.Interfaces)+1
	a.Interfaces = append(a.Interfaces, inspect.Interface{Index: ai, Name: aName, Kind: "veth", State: "up", MTU: 1500,
		Addrs: []string{aAddr}, Master: master, Peer: &inspect.PeerRef{Namespace: bNS, Index: bi, Name: bName}})
	b.Interfaces = append(b.Interfaces, inspect.Interface{Index: bi, Name: bName, Kind: "veth", State: "up", MTU: 1500,
		Addrs: []string{bAddr}, Peer: &inspect.PeerRef{Namespace: aNS, Index: ai, Name: aName}})
	if aAddr == "" {
		a.Interfaces[len(a.Interfaces)-1].Addrs = nil
	}
}

// container adds a docker container's namespaces.
func (g *synth) container(i int) {
	s := g.snap
	id := fmt.Sprintf("%012x", 0x3f2a1c000000+uint64(i)*7919)
	name := fmt.Sprintf("web-%d", i)
	c := &inspect.Container{Engine: "docker", ID: id, Name: name}
	u := &unit{set: s.Initial, container: c, depth: 1, comm: "nginx"}
	owner := s.Initial[inspect.LinkUser]
	for _, t := range []inspect.Type{inspect.Mnt, inspect.UTS, inspect.IPC, inspect.PID, inspect.Net, inspect.Cgroup} {
		ns := g.ns(t, 0, owner)
		ns.Container, ns.Containers = c, []*inspect.Container{c}
		g.details(ns, id)
		u.set[inspect.LinkOf(t)] = ns.ID
		if t == inspect.PID {
			ns.Parent = s.Initial[inspect.LinkPID]
			u.set[inspect.LinkPIDForChildren] = ns.ID
		}
	}
	net := s.Namespaces[u.set[inspect.LinkNet]]
	addr := fmt.Sprintf("172.17.%d.%d/16", i/250, i%250+2)
	g.veth(g.hostNet, s.Initial[inspect.LinkNet], fmt.Sprintf("veth%06x", i), "", net.Details.Net, net.ID, "eth0", addr, "docker0")
	net.Details.Net.Routes = append(net.Details.Net.Routes, inspect.Route{Dst: "default", Gateway: "172.17.0.1", Dev: "eth0"})
	g.mounts(u.set[inspect.LinkMnt], []string{"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
		"/sys/fs/cgroup", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/proc/bus", "/proc/fs", "/proc/irq",
		"/proc/sys", "/proc/sysrq-trigger", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware", "/data"}, 12)
	shim := g.process(g.units[0], 1, "containerd-shim", []string{"/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", id})
	u.parent = shim
	g.units = append(g.units, u)
}

// sandbox adds a rootless sandbox: a user namespace under the previous
// sandbox's (three levels, then again from the host's), with its own pid,
// mnt, net and uts namespaces.
func (g *synth) sandbox(i int) {
	s := g.snap
	parent := &unit{set: s.Initial}
	if n := len(g.sandboxes); n > 0 && g.sandboxes[n-1].depth < 3 {
		parent = g.sandboxes[n-1]
	}
	u := &unit{set: parent.set, depth: parent.depth + 1, comm: "sleep"}
	user := g.ns(inspect.User, 0, parent.set[inspect.LinkUser])
	user.Parent, user.OwnerUID = parent.set[inspect.LinkUser], 1000
	g.details(user, "")
	u.set[inspect.LinkUser] = user.ID
	for _, t := range []inspect.Type{inspect.PID, inspect.Mnt, inspect.Net, inspect.UTS} {
		ns := g.ns(t, 0, user.ID)
		g.details(ns, fmt.Sprintf("box-%d", i))
		u.set[inspect.LinkOf(t)] = ns.ID
		if t == inspect.PID {
			ns.Parent = parent.set[inspect.LinkPID]
			u.set[inspect.LinkPIDForChildren] = ns.ID
		}
	}
	g.mounts(u.set[inspect.LinkMnt], []string{"/", "/proc", "/tmp", "/home"}, 0)
	if parent.depth > 0 {
		u.outer = parent
	} else {
		u.parent = g.process(g.units[0], 1, "unshare", []string{"unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--net", "--uts", "sh"})
	}
	g.sandboxes = append(g.sandboxes, u)
	g.units = append(g.units, u)
}

// persisted adds a network namespace held only by a bind mount, wired by
// a veth to the one added before it.
func (g *synth) persisted(i int) {
	s := g.snap
	ns := g.ns(inspect.Net, 0, s.Initial[inspect.LinkUser])
	g.details(ns, "")
	path := fmt.Sprintf("/run/netns/lab-%d", i)
	ns.Holders = []inspect.Holder{{Kind: inspect.HeldByMount, Path: path, MountNS: s.Initial[inspect.LinkMnt]}}
	hostMnt := s.Initial[inspect.LinkMnt]
	s.Mounts[hostMnt] = append(s.Mounts[hostMnt], inspect.Mount{ID: 1000 + i, ParentID: 25, Root: fmt.Sprintf("net:[%d]", ns.ID.Ino),
		MountPoint: path, Options: "rw", FSType: "nsfs", Source: "nsfs", SuperOptions: "rw"})
	if g.lastNetns != nil {
		g.veth(g.lastNetns.Details.Net, g.lastNetns.ID, fmt.Sprintf("v-%d", i), fmt.Sprintf("10.9.%d.1/30", i%250),
			ns.Details.Net, ns.ID, fmt.Sprintf("v-%d-peer", i), fmt.Sprintf("10.9.%d.2/30", i%250), "")
		g.lastNetns = nil
		return
	}
	g.lastNetns = ns
}

// populate adds processes to the units in turn, host daemons in between,
// until there are nprocs.
func (g *synth) populate(nprocs int) {
	host, units := g.units[0], g.units[1:]
	for i := 0; len(g.snap.Processes) < nprocs; i++ {
		if i%8 == 0 {
			g.process(host, 1, fmt.Sprintf("daemon-%d", i), []string{fmt.Sprintf("/usr/sbin/daemon-%d", i), "--foreground"})
			continue
		}
		// Units in order, so that a sandbox has a process before the
		// sandboxes nested in it.
		u := units[(i-1-i/8)%len(units)]
		if u.parent == nil {
			u.parent = u.outer.members[0]
		}
		ppid := u.parent.PID
		if n := len(u.members); n > 0 {
			ppid = u.members[(n-1)/3].PID
		}
		g.process(u, ppid, u.comm, []string{u.comm, "-g", "daemon off;", fmt.Sprint(len(u.members))})
	}
}

// process adds a process to a unit.
func (g *synth) process(u *unit, ppid int, comm string, args []string) *inspect.Process {
	pid := g.nextPID
	g.nextPID++
	p := &inspect.Process{PID: pid, TGID: pid, PPID: ppid, Comm: comm, Cmdline: args, UID: 0, State: 'S',
		StartTime: uint64(pid) * 7, Namespaces: u.set, Container: u.container,
		Read: inspect.FieldStat | inspect.FieldNSpid | inspect.FieldCmdline | inspect.FieldCgroup}
	if u.depth > 0 {
		p.NSpid = []int{pid}
		for d := 1; d <= u.depth; d++ {
			p.NSpid = append(p.NSpid, len(u.members)+d)
		}
		p.UID = 100000
	}
	if u.container != nil {
		p.Cgroup = "/system.slice/docker-" + u.container.ID + ".scope"
	} else {
		p.Cgroup = "/user.slice"
	}
	g.snap.Processes[pid] = p
	u.members = append(u.members, p)
	for _, t := range inspect.Types {
		ns := g.snap.Namespaces[u.set.Of(t)]
		ns.Processes = append(ns.Processes, p)
	}
	return p
}
