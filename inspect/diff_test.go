package inspect

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestDiffReusedPID: a pid whose start time changed between two snapshots
// names a new process; one whose start time was not read is matched by
// pid alone.
func TestDiffReusedPID(t *testing.T) {
	ns := NamespaceSet{LinkNet: {Dev: 1, Ino: 10}}
	snap := func(procs ...*Process) *Snapshot {
		s := &Snapshot{Processes: make(map[int]*Process), Namespaces: make(map[NamespaceID]*Namespace)}
		for _, p := range procs {
			s.Processes[p.PID] = p
		}
		return s
	}
	read := func(pid int, start uint64) *Process {
		return &Process{PID: pid, TGID: pid, StartTime: start, Namespaces: ns, Read: FieldStat}
	}
	lazy := &Process{PID: 5, TGID: 5, Namespaces: ns}
	got := Diff(snap(read(5, 100), read(6, 100)), snap(read(5, 200), read(6, 100)))
	want := Changes{
		ProcessesAppeared: []ProcessKey{{5, 200}},
		ProcessesVanished: []ProcessKey{{5, 100}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Diff = %+v, want %+v", got, want)
	}
	if got := Diff(snap(read(5, 100)), snap(lazy)); !got.Empty() {
		t.Errorf("Diff against an unread start time = %+v, want no change", got)
	}
}

// TestDiffReusedInode: the kernel reuses a destroyed namespace's inode
// number; a namespace under the same inode with another serial, or
// without serials with no member and no holder in common, is a new one.
func TestDiffReusedInode(t *testing.T) {
	id := NamespaceID{Dev: 1, Ino: 10}
	proc := func(pid int, start uint64) *Process {
		return &Process{PID: pid, TGID: pid, StartTime: start, Read: FieldStat}
	}
	snap := func(serial uint64, members ...*Process) *Snapshot {
		s := &Snapshot{Processes: make(map[int]*Process), Namespaces: make(map[NamespaceID]*Namespace)}
		for _, p := range members {
			p.Namespaces[LinkNet] = id
			s.Processes[p.PID] = p
		}
		s.Namespaces[id] = &Namespace{ID: id, Type: Net, Serial: serial, Processes: members}
		return s
	}
	tests := []struct {
		name     string
		old, new *Snapshot
		reused   bool
	}{
		{"other serial", snap(7, proc(5, 100)), snap(8, proc(5, 100)), true},
		{"same serial", snap(7, proc(5, 100)), snap(7, proc(6, 300)), false},
		{"no members in common", snap(0, proc(5, 100)), snap(0, proc(6, 300)), true},
		{"a member in common", snap(0, proc(5, 100), proc(6, 200)), snap(0, proc(6, 200)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Diff(tt.old, tt.new)
			reused := slices.Equal(c.NamespacesVanished, []NamespaceID{id}) && slices.Equal(c.NamespacesAppeared, []NamespaceID{id})
			if reused != tt.reused {
				t.Errorf("Diff = %+v, want the inode reused: %v", c, tt.reused)
			}
		})
	}
}

// TestDiffLive scans, creates namespaces and a process, scans, changes
// and destroys them, scans again: each Diff names what the test did.
func TestDiffLive(t *testing.T) {
	nstest.RequireRoot(t)
	opts := Options{BindMounts: true, Hierarchy: true, NetNSID: true, Details: TypesOf(UTS, Net)}
	before := mustScan(t, opts)

	// Not makeNamedNetns: the test deletes it itself.
	name := fmt.Sprintf("nsdive-test-diff-%d", os.Getpid())
	ipRun(t, "netns", "add", name)
	t.Cleanup(func() {
		if _, err := os.Stat("/run/netns/" + name); err == nil {
			ipRun(t, "netns", "del", name)
		}
	})
	netns := testNetns{name, "/run/netns/" + name, nsIDOfPath(t, "/run/netns/"+name)}
	p := nstest.Start(t, "unshare", "--uts", "sh", "-c", "hostname diff-a && exec sleep 1000")
	p.WaitUntil(t, "unshare to exec sleep", func() bool { return nstest.Comm(p.PID()) == "sleep" })
	uts := nsOf(p.PID(), UTS)
	during := mustScan(t, opts)
	proc := during.Processes[p.PID()]
	if proc == nil {
		t.Fatalf("pid %d missing from the scan", p.PID())
	}

	c := Diff(before, during)
	for _, id := range []NamespaceID{netns.id, uts} {
		if !slices.Contains(c.NamespacesAppeared, id) {
			t.Errorf("namespace %s not among the appeared %v", id, c.NamespacesAppeared)
		}
	}
	if !slices.Contains(c.ProcessesAppeared, proc.Key()) {
		t.Errorf("process %+v not among the appeared %v", proc.Key(), c.ProcessesAppeared)
	}
	assertSorted(t, c)

	// Change what is inside both namespaces, and the netns's holders.
	nstest.Run(t, "nsenter", fmt.Sprintf("--uts=/proc/%d/ns/uts", p.PID()), "hostname", "diff-b")
	ipRun(t, "-n", netns.name, "link", "add", "diffa", "type", "veth", "peer", "name", "diffb")
	second := nstest.BindNamespace(t, netns.path)
	changed := mustScan(t, opts)
	c = Diff(during, changed)
	want := map[NamespaceID]Change{uts: ChangedDetails, netns.id: ChangedDetails | ChangedHolders}
	for id, ch := range want {
		i := slices.IndexFunc(c.NamespacesChanged, func(nc NamespaceChange) bool { return nc.ID == id })
		if i < 0 || c.NamespacesChanged[i].Change&ch != ch {
			t.Errorf("namespace %s: changes %v, want change %b", id, c.NamespacesChanged, ch)
		}
	}

	p.Kill(t)
	// Mount namespaces made while second was mounted (by anyone, on a
	// busy host) have a copy of it, which umount leaves; unlinking a
	// mount point detaches it in every mount namespace, as ip netns del
	// does for its file.
	nstest.Run(t, "umount", second)
	if err := os.Remove(second); err != nil {
		t.Fatal(err)
	}
	ipRun(t, "netns", "del", netns.name)
	// The uts namespace had only the process. The netns may outlive its
	// bind mounts here: a mount namespace made elsewhere on the host while
	// they were mounted holds copies of them, and a scan may hold it open
	// for a moment. Then it is no longer held in this mount namespace, and
	// Diff says its holders changed.
	var after *Snapshot
	heldHere := func(id NamespaceID) bool {
		ns := after.Namespaces[id]
		return ns != nil && slices.ContainsFunc(ns.Holders, func(h Holder) bool {
			return h.Kind == HeldByMount && h.MountNS == after.Self()[LinkMnt]
		})
	}
	for range 20 {
		after = mustScan(t, opts)
		c = Diff(changed, after)
		if slices.Contains(c.NamespacesVanished, uts) && !heldHere(netns.id) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !slices.Contains(c.NamespacesVanished, uts) {
		t.Errorf("uts namespace %s not among the vanished %v", uts, c.NamespacesVanished)
	}
	if !slices.Contains(c.NamespacesVanished, netns.id) {
		i := slices.IndexFunc(c.NamespacesChanged, func(nc NamespaceChange) bool { return nc.ID == netns.id })
		if heldHere(netns.id) || i < 0 || c.NamespacesChanged[i].Change&ChangedHolders == 0 {
			t.Errorf("netns %s neither vanished (%v) nor lost its holders here (%+v)", netns.id, c.NamespacesVanished, after.Namespaces[netns.id])
		}
	}
	if !slices.Contains(c.ProcessesVanished, proc.Key()) {
		t.Errorf("process %+v not among the vanished %v", proc.Key(), c.ProcessesVanished)
	}
	assertSorted(t, c)
}

func assertSorted(t *testing.T, c Changes) {
	t.Helper()
	byIno := func(a, b NamespaceID) int { return int(a.Ino) - int(b.Ino) }
	byPID := func(a, b ProcessKey) int { return a.PID - b.PID }
	if !slices.IsSortedFunc(c.NamespacesAppeared, byIno) || !slices.IsSortedFunc(c.NamespacesVanished, byIno) ||
		!slices.IsSortedFunc(c.ProcessesAppeared, byPID) || !slices.IsSortedFunc(c.ProcessesVanished, byPID) {
		t.Errorf("changes not sorted: %+v", c)
	}
}

// BenchmarkDiff compares two scans of the live host, as the explorer does
// after each rescan.
func BenchmarkDiff(b *testing.B) {
	opts := Options{BindMounts: true, Threads: true, Hierarchy: true}
	old, err := Scan(b.Context(), opts)
	if err != nil {
		b.Fatal(err)
	}
	cur, err := Scan(b.Context(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Diff(old, cur)
	}
	b.ReportMetric(float64(len(cur.Processes)), "processes")
}

// TestDiffIgnoresCounters: an interface whose counters moved is no change
// in the namespace's details, an address that came is one.
func TestDiffIgnoresCounters(t *testing.T) {
	id := NamespaceID{Dev: 1, Ino: 10}
	snap := func(rx uint64, addrs ...string) *Snapshot {
		s := &Snapshot{Processes: make(map[int]*Process), Namespaces: make(map[NamespaceID]*Namespace), DetailTypes: TypesOf(Net)}
		ifc := Interface{Index: 2, Name: "eth0", Kind: "veth", Addrs: addrs, Stats: &LinkStats{RxBytes: rx, RxPackets: rx / 100}}
		s.Namespaces[id] = &Namespace{ID: id, Type: Net, Details: Details{Net: &NetInfo{Interfaces: []Interface{ifc}}}}
		return s
	}
	if c := Diff(snap(1000), snap(5000)); !c.Empty() {
		t.Errorf("counters alone: Diff = %+v, want no change", c)
	}
	c := Diff(snap(1000), snap(1000, "10.0.0.1/24"))
	if len(c.NamespacesChanged) != 1 || c.NamespacesChanged[0].Change != ChangedDetails {
		t.Errorf("a new address: Diff = %+v, want the details changed", c)
	}
	old := snap(1000)
	Diff(old, snap(5000))
	if old.Namespaces[id].Details.Net.Interfaces[0].Stats == nil {
		t.Error("Diff dropped the counters of the snapshot it was given")
	}
}
