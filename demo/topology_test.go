package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/inside"
	"github.com/nsdive/nsdive/internal/sandbox"
	"golang.org/x/sys/unix"
)

// nsAt returns the snapshot's namespace at an nsfs path.
func nsAt(t *testing.T, snap *inspect.Snapshot, path string) *inspect.Namespace {
	t.Helper()
	id := sandbox.IDAt(path)
	ns := snap.Namespaces[inspect.NamespaceID{Dev: id.Dev, Ino: id.Ino}]
	if ns == nil {
		t.Fatalf("the snapshot has no namespace %s (%v)", path, id)
	}
	return ns
}

// TestSnapshotShowsTheLab builds the lab and checks that a scan shows
// all of it: each container in eight namespaces of its own with what is
// inside them, the bridge and veths with their addresses, the persisted
// and descriptor-held namespaces, and the propagation tmpfs's peer group
// across the mount namespaces.
func TestSnapshotShowsTheLab(t *testing.T) {
	labTest(t)
	s := up(t)
	snap, err := inspect.Scan(context.Background(), inspect.Everything())
	if err != nil {
		t.Fatal(err)
	}
	labNet := nsAt(t, snap, "/run/netns/"+Netns)
	for _, ns := range []*inspect.Namespace{labNet, nsAt(t, snap, "/run/netns/"+EmptyNetns)} {
		if ns.NumProcs() != 0 || !slices.ContainsFunc(ns.Holders, func(h inspect.Holder) bool { return h.Kind == inspect.HeldByMount }) {
			t.Errorf("net:[%d]: %d processes, holders %v, want none and a bind mount", ns.ID.Ino, ns.NumProcs(), ns.Holders)
		}
	}
	ifaces := map[string]inspect.Interface{}
	for _, i := range labNet.Details.Net.Interfaces {
		ifaces[i.Name] = i
	}
	if br := ifaces[Bridge]; br.Kind != "bridge" || !slices.Contains(br.Addrs, BridgeAddr.String()) {
		t.Errorf("%s in %s: %+v, want a bridge with %s", Bridge, Netns, br, BridgeAddr)
	}
	for _, c := range Containers {
		pid := pidOf(t, s, c.Name)
		p := snap.Processes[pid]
		if p == nil {
			t.Fatalf("%s (pid %d) is not in the snapshot", c.Name, pid)
		}
		for _, typ := range inspect.Types {
			if p.Namespaces.Of(typ) == snap.Initial.Of(typ) {
				t.Errorf("%s is in the initial %s namespace", c.Name, typ)
			}
		}
		if p.NSpid[len(p.NSpid)-1] != 1 {
			t.Errorf("%s has NSpid %v, want pid 1 in its own pid namespace", c.Name, p.NSpid)
		}
		ns := func(typ inspect.Type) *inspect.Namespace { return snap.Namespaces[p.Namespaces.Of(typ)] }
		if got := ns(inspect.UTS).Details.UTS.Hostname; got != c.Name {
			t.Errorf("%s's hostname is %q", c.Name, got)
		}
		if m := ns(inspect.User).Details.User.UIDMap; len(m) != 1 || m[0] != (inspect.IDMapRange{Inside: 0, Outside: uint32(c.UIDBase), Length: IDRange}) {
			t.Errorf("%s's uid map is %+v, want 0 %d %d", c.Name, m, c.UIDBase, IDRange)
		}
		if got := ns(inspect.Time).Details.Time; got == nil || got.Monotonic != c.Monotonic {
			t.Errorf("%s's time offsets are %+v, want monotonic %s", c.Name, got, c.Monotonic)
		}
		if got := ns(inspect.IPC).Details.IPC; got == nil || got.MessageQueue != 1 {
			t.Errorf("%s's ipc namespace holds %+v, want one message queue", c.Name, got)
		}
		if owner := queueOwner(t, p.PID); owner != fmt.Sprintf("%d %d %d %d", c.UIDBase, c.UIDBase, c.UIDBase, c.UIDBase) {
			t.Errorf("%s's message queue has uid gid cuid cgid %q, want the container's root, %d, which it sees as root", c.Name, owner, c.UIDBase)
		}
		if dir := cgroupDir(c.Name); dir != "" {
			if got := ns(inspect.Cgroup).Details.Cgroup; got == nil || got.Root != "/"+CgroupParent+"/"+c.Name {
				t.Errorf("%s's cgroup namespace root is %+v, want /%s/%s", c.Name, got, CgroupParent, c.Name)
			}
		}
		var eth0 inspect.Interface
		for _, i := range ns(inspect.Net).Details.Net.Interfaces {
			if i.Name == ContainerIf {
				eth0 = i
			}
		}
		if !slices.Contains(eth0.Addrs, c.Addr.String()) || eth0.Peer == nil || eth0.Peer.Namespace != labNet.ID || eth0.Peer.Name != c.Name {
			t.Errorf("%s's %s: %+v, want %s and its peer %s in %s", c.Name, ContainerIf, eth0, c.Addr, c.Name, Netns)
		}
		if end := ifaces[c.Name]; end.Master != Bridge || end.State != "up" {
			t.Errorf("%s's end in %s: %+v, want up with master %s", c.Name, Netns, end, Bridge)
		}
	}
	keeper := snap.Processes[pidOf(t, s, Keeper)]
	held := slices.IndexFunc(snap.SortedNamespaces(), func(ns *inspect.Namespace) bool {
		return ns.Type == inspect.UTS && ns.NumProcs() == 0 && ns.Details.UTS != nil && ns.Details.UTS.Hostname == HeldHostname &&
			slices.ContainsFunc(ns.Holders, func(h inspect.Holder) bool { return h.Kind == inspect.HeldByFD && h.PID == keeper.PID })
	})
	if held < 0 {
		t.Errorf("no uts namespace %s held only by a descriptor of the keeper %d", HeldHostname, keeper.PID)
	}
	checkPropagation(t, snap, s)
	checkPrivateMounts(t, snap, s)
}

// checkPrivateMounts checks that in each container's mount namespace no
// mount but PropDir shares or receives mount events.
func checkPrivateMounts(t *testing.T, snap *inspect.Snapshot, s State) {
	t.Helper()
	for _, c := range Containers {
		pid := pidOf(t, s, c.Name)
		for _, m := range snap.Mounts[snap.Processes[pid].Namespaces.Of(inspect.Mnt)] {
			if m.MountPoint != PropDir && (m.Shared != 0 || m.Master != 0) {
				t.Errorf("%s in %s: %+v, want private", m.MountPoint, c.Name, m.Propagation)
			}
		}
	}
}

// checkPropagation checks PropDir in each mount namespace: the host's and
// the keeper's are peers, lab-web's a shared slave of them, lab-db's
// private, lab-cache's unbindable.
func checkPropagation(t *testing.T, snap *inspect.Snapshot, s State) {
	t.Helper()
	prop := func(pid int) inspect.Mount {
		for _, m := range snap.Mounts[snap.Processes[pid].Namespaces.Of(inspect.Mnt)] {
			if m.MountPoint == PropDir {
				return m
			}
		}
		t.Fatalf("pid %d has no mount at %s", pid, PropDir)
		return inspect.Mount{}
	}
	host, keeper := prop(os.Getpid()), prop(pidOf(t, s, Keeper))
	if host.Shared == 0 || keeper.Shared != host.Shared {
		t.Errorf("%s: host %+v, keeper %+v, want peers", PropDir, host.Propagation, keeper.Propagation)
	}
	if web := prop(pidOf(t, s, "lab-web")); web.Shared == 0 || web.Master != host.Shared {
		t.Errorf("%s in lab-web: %+v, want shared and a slave of peer group %d", PropDir, web.Propagation, host.Shared)
	}
	if db := prop(pidOf(t, s, "lab-db")); db.Propagation != (inspect.Propagation{}) {
		t.Errorf("%s in lab-db: %+v, want private", PropDir, db.Propagation)
	}
	if cache := prop(pidOf(t, s, "lab-cache")); !cache.Unbindable {
		t.Errorf("%s in lab-cache: %+v, want unbindable", PropDir, cache.Propagation)
	}
	if peers := snap.PeerGroups[host.Shared]; len(peers) < 2 {
		t.Errorf("peer group %d has %v, want the host's and the keeper's mounts", host.Shared, peers)
	}
}

// TestMountPropagatesAsTheTypesSay mounts a tmpfs under PropDir on the
// host: it shows in the keeper (a peer) and lab-web (a slave), not in
// lab-db (private) nor lab-cache (unbindable, so private too).
func TestMountPropagatesAsTheTypesSay(t *testing.T) {
	labTest(t)
	s := up(t)
	dir := filepath.Join(PropDir, "shown")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("lab-test", dir, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	for name, want := range map[string]bool{Keeper: true, "lab-web": true, "lab-db": false, "lab-cache": false} {
		mountinfo, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pidOf(t, s, name)))
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for line := range strings.Lines(string(mountinfo)) {
			if fields := strings.Fields(line); len(fields) > 4 && fields[4] == dir {
				got = true
			}
		}
		if got != want {
			t.Errorf("%s sees the mount at %s: %v, want %v", name, dir, got, want)
		}
	}
}

// queueOwner returns the uid, gid, cuid and cgid of the lab's message
// queue in the ipc namespace of pid, as /proc/sysvipc/msg shows them from
// the host's user namespace.
func queueOwner(t *testing.T, pid int) string {
	t.Helper()
	var data []byte
	err := inside.Run(fmt.Sprintf("/proc/%d/ns/ipc", pid), unix.CLONE_NEWIPC, func() error {
		var err error
		data, err = os.ReadFile("/proc/sysvipc/msg") // bound to the opener's ipc namespace
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		// key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid ...
		f := strings.Fields(line)
		if len(f) >= 11 && f[0] == fmt.Sprint(QueueKey) {
			return strings.Join(f[7:11], " ")
		}
	}
	t.Fatalf("no queue with key %d in the ipc namespace of %d:\n%s", QueueKey, pid, data)
	return ""
}
