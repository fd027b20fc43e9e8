package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// These tests scan the real /proc with the namespaces of
// scan_fixtures_test.go alive; they need root.

func TestScanNestedNamespaces(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)

	t.Run("membership", func(t *testing.T) {
		snap := mustScan(t, Options{ForChildren: true})
		p := snap.Processes[n.init]
		if p == nil {
			t.Fatalf("pid %d (the fixture's sleep) is not in the snapshot", n.init)
		}
		if p.StartTime == 0 || p.Comm != "sleep" || p.IsThread() {
			t.Errorf("process %d: got %+v, want sleep with a start time, not a thread", n.init, p)
		}
		if want := []int{n.init, 1}; !slices.Equal(p.NSpid, want) {
			t.Errorf("NSpid = %v, want %v", p.NSpid, want)
		}
		differs := snap.DiffersFromInitial(p)
		for _, typ := range Types {
			if got := p.Namespaces.Of(typ); got != n.ns[typ] {
				t.Errorf("%s namespace = %v, want %v", typ, got, n.ns[typ])
			}
			if got := p.Namespaces.Of(typ); got == snap.Initial.Of(typ) {
				t.Errorf("%s namespace %v is the initial one", typ, got)
			}
			if !slices.Contains(differs, LinkOf(typ)) {
				t.Errorf("DiffersFromInitial = %v, missing %s", differs, LinkOf(typ))
			}
			ns := snap.Namespaces[n.ns[typ]]
			if ns == nil {
				t.Errorf("%s namespace %v missing from the snapshot", typ, n.ns[typ])
				continue
			}
			if ns.Type != typ || !slices.Contains(ns.Processes, p) {
				t.Errorf("%s namespace %v: type %s, processes %v; want the sleep as a member", typ, ns.ID, ns.Type, pidsOf(ns.Processes))
			}
			if snap.IsInitial(ns) {
				t.Errorf("%s namespace %v counted as initial", typ, ns.ID)
			}
		}
		// unshare itself unshared the pid and time namespaces without
		// entering them: it holds them for its children.
		for _, typ := range []Type{PID, Time} {
			ns := snap.Namespaces[n.ns[typ]]
			if ns == nil {
				continue
			}
			if want := (Holder{Kind: HeldForChildren, PID: n.unshare}); !slices.Contains(ns.Holders, want) {
				t.Errorf("%s namespace holders = %v, want %v among them", typ, ns.Holders, want)
			}
			if got := ns.NumProcs(); got != 1 {
				t.Errorf("%s namespace NumProcs = %d, want 1 (the sleep)", typ, got)
			}
		}
		if got := snap.Namespaces[n.ns[Net]].NumProcs(); got != 2 {
			t.Errorf("net namespace NumProcs = %d, want 2 (unshare and the sleep)", got)
		}
		without := mustScan(t, Options{Lazy: true})
		if p := without.Processes[n.unshare]; p == nil || !p.Namespaces[LinkPIDForChildren].IsZero() {
			t.Errorf("unshare without ForChildren = %+v, want its pid_for_children link unread", p)
		}
		for _, typ := range []Type{PID, Time} {
			if ns := without.Namespaces[n.ns[typ]]; ns == nil || len(ns.Holders) != 0 {
				t.Errorf("%s namespace without ForChildren = %+v, want it with its member and no holder", typ, ns)
			}
		}
	})

	t.Run("hierarchy", func(t *testing.T) {
		snap := mustScan(t, Options{Hierarchy: true})
		initialUser, initialPID := snap.Initial.Of(User), snap.Initial.Of(PID)
		user := snap.Namespaces[n.ns[User]]
		if user == nil {
			t.Fatal("the new user namespace is missing")
		}
		if user.Parent != initialUser || user.Owner != initialUser {
			t.Errorf("user namespace parent %v, owner %v; want the initial one, %v", user.Parent, user.Owner, initialUser)
		}
		if user.OwnerUID != 0 {
			t.Errorf("user namespace OwnerUID = %d, want 0", user.OwnerUID)
		}
		if pidNS := snap.Namespaces[n.ns[PID]]; pidNS.Parent != initialPID {
			t.Errorf("pid namespace parent = %v, want the initial one, %v", pidNS.Parent, initialPID)
		}
		for _, typ := range Types {
			if typ == User {
				continue
			}
			if ns := snap.Namespaces[n.ns[typ]]; ns.Owner != n.ns[User] {
				t.Errorf("%s namespace owner = %v, want the new user namespace %v", typ, ns.Owner, n.ns[User])
			}
		}
		if initial := snap.Namespaces[initialUser]; initial == nil || !initial.Parent.IsZero() {
			t.Errorf("initial user namespace %+v: want it present with no parent", initial)
		}
	})

	t.Run("details", func(t *testing.T) {
		snap := mustScan(t, Options{Details: AllTypes})
		if uts := snap.Namespaces[n.ns[UTS]].Details; uts.UTS == nil || uts.UTS.Hostname != "nsdive-t" {
			t.Errorf("uts details = %+v (%v), want hostname nsdive-t", uts.UTS, uts.Err)
		}
		user := snap.Namespaces[n.ns[User]].Details
		if want := []IDMapRange{{Inside: 0, Outside: 0, Length: 1}}; user.User == nil ||
			!slices.Equal(user.User.UIDMap, want) || !slices.Equal(user.User.GIDMap, want) {
			t.Errorf("user details = %+v (%v), want uid and gid maps %v", user.User, user.Err, want)
		}
		timeNS := snap.Namespaces[n.ns[Time]].Details
		if timeNS.Time == nil || timeNS.Time.Monotonic != nstest.NestedMonotonic || timeNS.Time.Boottime != nstest.NestedBoottime {
			t.Errorf("time details = %+v (%v), want monotonic %v, boottime %v", timeNS.Time, timeNS.Err, nstest.NestedMonotonic, nstest.NestedBoottime)
		}
		if initialTime := snap.Namespaces[snap.Initial.Of(Time)].Details.Time; initialTime == nil || *initialTime != (TimeOffsets{}) {
			t.Errorf("initial time namespace offsets = %+v, want zero", initialTime)
		}
	})
}

func TestScanBindMountedNetns(t *testing.T) {
	nstest.RequireRoot(t)
	self := mustNSIDAt(t, "/proc/self/ns/mnt")
	tests := []struct {
		name string
		// bind creates a network namespace bound to a file and returns
		// the file.
		bind func(t *testing.T) string
	}{
		{"ip netns add", func(t *testing.T) string {
			addNetns(t, nstest.Name)
			return "/run/netns/" + nstest.Name
		}},
		{"unshare --net=FILE", func(t *testing.T) string {
			dir, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, nstest.Name+"-file")
			if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			nstest.Run(t, "unshare", "--net="+file, "true")
			t.Cleanup(func() {
				// Detached, as ip netns del does: a scan running
				// elsewhere may have the file open for a moment.
				if err := unix.Unmount(file, unix.MNT_DETACH); err != nil {
					t.Errorf("umount %s: %v", file, err)
				}
				nstest.CheckUnmounted(t, file)
			})
			return file
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.bind(t)
			id := mustNSIDAt(t, path)
			snap := mustScan(t, Options{BindMounts: true})
			ns := snap.Namespaces[id]
			if ns == nil {
				t.Fatalf("net namespace %v bound at %s is not in the snapshot", id, path)
			}
			if ns.Type != Net || ns.NumProcs() != 0 || len(ns.Processes) != 0 {
				t.Errorf("namespace at %s: type %s with processes %v, want net with none", path, ns.Type, pidsOf(ns.Processes))
			}
			if !holderAt(ns, path, self) {
				t.Errorf("holders = %v, want a mount at %s in mount namespace %v", ns.Holders, path, self)
			}
			if paths := snap.NSFSPaths(ns); !slices.Contains(paths, path) {
				t.Errorf("NSFSPaths = %v, want %s among them", paths, path)
			}
			if without := mustScan(t, Options{}); without.Namespaces[id] != nil {
				t.Errorf("without BindMounts the namespace bound at %s is in the snapshot", path)
			}
		})
	}
}

func TestScanFDHeldNetns(t *testing.T) {
	nstest.RequireRoot(t)
	id, holder := startFDHeld(t)
	snap := mustScan(t, Options{FDs: true})
	ns := snap.Namespaces[id]
	if ns == nil {
		t.Fatalf("net namespace %v held by fd 3 of %d is not in the snapshot", id, holder)
	}
	if ns.Type != Net || ns.NumProcs() != 0 || len(ns.Processes) != 0 {
		t.Errorf("type %s with processes %v, want net with none", ns.Type, pidsOf(ns.Processes))
	}
	if want := (Holder{Kind: HeldByFD, PID: holder, FD: 3}); !slices.Contains(ns.Holders, want) {
		t.Errorf("holders = %v, want %v among them", ns.Holders, want)
	}
	if without := mustScan(t, Options{BindMounts: true}); without.Namespaces[id] != nil {
		t.Errorf("without FDs the namespace held by fd 3 of %d is in the snapshot", holder)
	}
}

func TestScanThreadInOtherNetns(t *testing.T) {
	nstest.RequireRoot(t)
	tid := nstest.StartThreadInNetns(t)
	threadNS := mustNSIDAt(t, fmt.Sprintf("/proc/self/task/%d/ns/net", tid))
	if self := mustNSIDAt(t, "/proc/self/ns/net"); threadNS == self {
		t.Fatalf("thread %d is still in the process's net namespace", tid)
	}

	snap := mustScan(t, Options{Threads: true})
	thread := snap.Processes[tid]
	if thread == nil {
		t.Fatalf("thread %d is not in the snapshot", tid)
	}
	if !thread.IsThread() || thread.TGID != os.Getpid() || thread.PID != tid {
		t.Errorf("thread: PID %d TGID %d IsThread %v; want PID %d TGID %d, a thread", thread.PID, thread.TGID, thread.IsThread(), tid, os.Getpid())
	}
	if thread.Namespaces[LinkNet] != threadNS {
		t.Errorf("thread's net namespace = %v, want %v", thread.Namespaces[LinkNet], threadNS)
	}
	leader := snap.Processes[os.Getpid()]
	if leader == nil || leader.Namespaces[LinkNet] == threadNS {
		t.Errorf("the test process %+v: want it present, in another net namespace than its thread", leader)
	}
	ns := snap.Namespaces[threadNS]
	if ns == nil || !slices.Contains(ns.Processes, thread) || ns.NumProcs() != 0 {
		t.Errorf("namespace %v: want the thread as its only member, counted as no process", threadNS)
	}

	without := mustScan(t, Options{})
	if without.Processes[tid] != nil {
		t.Errorf("without Threads, thread %d is in the snapshot", tid)
	}
	if without.Namespaces[threadNS] != nil {
		t.Errorf("without Threads, the thread's namespace %v is in the snapshot", threadNS)
	}
}

func TestScanUserNamespaceMaps(t *testing.T) {
	nstest.RequireRoot(t)
	tests := []struct {
		name    string
		unshare []string
		// uidMap and gidMap, when set, are written from outside, as a
		// runtime with newuidmap would.
		uidMap, gidMap string
		wantUID        []IDMapRange
		wantGID        []IDMapRange
	}{
		{
			name:    "map-root-user",
			unshare: []string{"--map-root-user"},
			wantUID: []IDMapRange{{0, 0, 1}},
			wantGID: []IDMapRange{{0, 0, 1}},
		},
		{
			name:    "map-user",
			unshare: []string{"--map-user=1000", "--map-group=1000"},
			wantUID: []IDMapRange{{1000, 0, 1}},
			wantGID: []IDMapRange{{1000, 0, 1}},
		},
		{
			name:    "written from outside",
			uidMap:  "0 100000 1000\n1000 300000 5\n",
			gidMap:  "0 100000 65536\n",
			wantUID: []IDMapRange{{0, 100000, 1000}, {1000, 300000, 5}},
			wantGID: []IDMapRange{{0, 100000, 65536}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"unshare", "--user"}, tt.unshare...), "sleep", "1000")
			f := nstest.Start(t, args...)
			self := mustNSIDAt(t, "/proc/self/ns/user")
			var id NamespaceID
			f.WaitUntil(t, "unshare to exec sleep in a new user namespace", func() bool {
				id = nsOf(f.PID(), User)
				return nstest.Comm(f.PID()) == "sleep" && !id.IsZero() && id != self
			})
			for file, content := range map[string]string{"uid_map": tt.uidMap, "gid_map": tt.gidMap} {
				if content == "" {
					continue
				}
				if err := os.WriteFile(fmt.Sprintf("/proc/%d/%s", f.PID(), file), []byte(content), 0); err != nil {
					t.Fatalf("write %s: %v", file, err)
				}
			}
			snap := mustScan(t, Options{Details: TypesOf(User)})
			ns := snap.Namespaces[id]
			if ns == nil {
				t.Fatalf("user namespace %v missing", id)
			}
			got := ns.Details.User
			if got == nil {
				t.Fatalf("no user details: %v", ns.Details.Err)
			}
			if !slices.Equal(got.UIDMap, tt.wantUID) || !slices.Equal(got.GIDMap, tt.wantGID) {
				t.Errorf("uid_map %v, gid_map %v; want %v, %v", got.UIDMap, got.GIDMap, tt.wantUID, tt.wantGID)
			}
			if got.SetGroups != "allow" && got.SetGroups != "deny" {
				t.Errorf("SetGroups = %q, want allow or deny", got.SetGroups)
			}
		})
	}
}

func TestScanVethPeers(t *testing.T) {
	nstest.RequireRoot(t)
	pid := os.Getpid()
	nsA, nsB := nstest.Name+"-a", nstest.Name+"-b"
	ifA, ifB := fmt.Sprintf("nsdv%da", pid), fmt.Sprintf("nsdv%db", pid)
	idA, idB := addNetns(t, nsA), addNetns(t, nsB)
	nstest.Run(t, "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB)
	nstest.Run(t, "ip", "-n", nsA, "addr", "add", "10.199.0.1/30", "dev", ifA)
	nstest.Run(t, "ip", "-n", nsB, "addr", "add", "10.199.0.2/30", "dev", ifB)
	nstest.Run(t, "ip", "-n", nsA, "link", "set", ifA, "up")
	nstest.Run(t, "ip", "-n", nsB, "link", "set", ifB, "up")

	snap := mustScan(t, Everything())
	find := func(id NamespaceID, name string) *Interface {
		t.Helper()
		ns := snap.Namespaces[id]
		if ns == nil || ns.Details.Net == nil {
			t.Fatalf("net namespace %v: no interfaces read (%+v)", id, ns)
		}
		for i, ifc := range ns.Details.Net.Interfaces {
			if ifc.Name == name {
				return &ns.Details.Net.Interfaces[i]
			}
		}
		t.Fatalf("net namespace %v has no %s: %+v", id, name, ns.Details.Net.Interfaces)
		return nil
	}
	a, b := find(idA, ifA), find(idB, ifB)
	for _, end := range []struct {
		ifc, other *Interface
		otherNS    NamespaceID
		addr       string
	}{{a, b, idB, "10.199.0.1/30"}, {b, a, idA, "10.199.0.2/30"}} {
		if end.ifc.Kind != "veth" {
			t.Errorf("%s: kind %q, want veth", end.ifc.Name, end.ifc.Kind)
		}
		if !slices.Contains(end.ifc.Addrs, end.addr) {
			t.Errorf("%s: addresses %v, want %s among them", end.ifc.Name, end.ifc.Addrs, end.addr)
		}
		want := PeerRef{Namespace: end.otherNS, Index: end.other.Index, Name: end.other.Name}
		if end.ifc.Peer == nil || *end.ifc.Peer != want {
			t.Errorf("%s: peer %+v, want %+v", end.ifc.Name, end.ifc.Peer, want)
		}
	}
}

// TestScanMovingSystem scans while processes come and go as fast as a
// shell can start them: a process that exits mid-read must be skipped,
// never half-read.
func TestScanMovingSystem(t *testing.T) {
	nstest.RequireRoot(t)
	churn := nstest.Start(t, "sh", "-c", "while :; do /bin/true; done")
	churn.WaitUntil(t, "the loop to run", func() bool { return nstest.Comm(churn.PID()) == "sh" })
	for i := range 20 {
		snap, err := Scan(t.Context(), Everything())
		if err != nil {
			t.Fatalf("scan %d: %v", i, err)
		}
		if snap.Processes[churn.PID()] == nil {
			t.Errorf("scan %d: the loop's shell %d is missing", i, churn.PID())
		}
		for pid, p := range snap.Processes {
			if p.StartTime == 0 || p.PID != pid {
				t.Errorf("scan %d: process %d read as %+v", i, pid, p)
			}
		}
		for id, ns := range snap.Namespaces {
			for _, p := range ns.Processes {
				if snap.Processes[p.PID] != p || p.Namespaces[LinkOf(ns.Type)] != id {
					t.Errorf("scan %d: namespace %v lists process %d, which is not in it", i, id, p.PID)
				}
			}
		}
	}
}
