package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// TestRescanSeesWhatAProcessChanged: a real shell sleeps on a fifo while a
// Rescanner scans twice, so the second scan takes it from the first; then
// it opens its uts namespace as fd 3 and execs unshare, which moves it to
// new net and uts namespaces and execs sleep. The next scan shows all of
// that: running made its schedstat move.
func TestRescanSeesWhatAProcessChanged(t *testing.T) {
	nstest.RequireRoot(t)
	fifo := filepath.Join(t.TempDir(), "go")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	p := nstest.Start(t, "sh", "-c", `read x <>"$0"; exec 3</proc/self/ns/uts; exec unshare --net --uts sleep 1000`, fifo)
	pid := p.PID()
	p.WaitUntil(t, "sh to wait on the fifo", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/0", pid))
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return target == fifo && strings.Contains(string(stat), ") S ")
	})
	r := NewRescanner(Options{Cmdline: true, FDs: true, Hierarchy: true})
	for range 2 {
		if _, err := r.Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	first := r.last.records[pid]
	if first == nil {
		t.Fatalf("the sleeping shell %d was not recorded", pid)
	}
	snap, err := r.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.last.records[pid] != first {
		t.Fatalf("the shell %d, asleep, was read again instead of taken from the last scan", pid)
	}
	if got := snap.Processes[pid]; got == nil || got.Namespaces[LinkNet] != nsOf(os.Getpid(), Net) {
		t.Fatalf("the shell as taken from the last scan = %+v, want it in the test's net namespace", got)
	}

	if err := os.WriteFile(fifo, []byte("go\n"), 0); err != nil {
		t.Fatal(err)
	}
	self := mustNSIDAt(t, "/proc/self/ns/uts")
	p.WaitUntil(t, "unshare to exec sleep in new namespaces", func() bool {
		return nstest.Comm(pid) == "sleep" && nsOf(pid, UTS) != self && !nsOf(pid, UTS).IsZero()
	})
	snap, err = r.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := snap.Processes[pid]
	if got == nil {
		t.Fatalf("pid %d missing from the scan", pid)
	}
	for _, typ := range []Type{Net, UTS} {
		if want := nsOf(pid, typ); got.Namespaces[LinkOf(typ)] != want {
			t.Errorf("%s link = %v, want the new %v", typ, got.Namespaces[LinkOf(typ)], want)
		}
	}
	if !slices.Equal(got.Cmdline, []string{"sleep", "1000"}) {
		t.Errorf("cmdline = %q, want sleep 1000", got.Cmdline)
	}
	held := snap.Namespaces[self]
	if held == nil || !slices.Contains(held.Holders, Holder{Kind: HeldByFD, PID: pid, FD: 3}) {
		t.Errorf("the test's uts namespace = %+v, want it held by fd 3 of %d", held, pid)
	}
}

// TestRescanNetNSIDAssignedLater: a network namespace with a process in
// it has no netnsid when a Rescanner first scans; once `ip netns set`
// gives it one, the next scan shows it, although the namespace and its
// process were taken from the scan before.
func TestRescanNetNSIDAssignedLater(t *testing.T) {
	nstest.RequireRoot(t)
	netns := makeNamedNetns(t, "lateid")
	other := makeNamedNetns(t, "noid")
	for _, ns := range []testNetns{netns, other} {
		spawnSleeper(t, []string{"nsenter", "--net=" + ns.path}, "true")
	}
	r := NewRescanner(Options{Hierarchy: true, NetNSID: true, BindMounts: true})
	snap, err := r.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if ns := snap.Namespaces[netns.id]; ns == nil || ns.NetNSID != -1 {
		t.Fatalf("netns %s before ip netns set = %+v, want netnsid -1", netns.name, ns)
	}
	ipRun(t, "netns", "set", netns.name, "auto")
	var want int
	for line := range strings.Lines(string(ipRun(t, "netns", "list-id"))) {
		// nsid 3 (iproute2 netns name: foo)
		if id, rest, ok := strings.Cut(strings.TrimPrefix(line, "nsid "), " "); ok && strings.Contains(rest, netns.name+")") {
			if want, err = strconv.Atoi(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	for scan := range 2 {
		if snap, err = r.Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
		if ns := snap.Namespaces[netns.id]; ns == nil || ns.NetNSID != want {
			t.Errorf("scan %d: netns %s = %+v, want netnsid %d", scan, netns.name, ns, want)
		}
		if ns := snap.Namespaces[other.id]; ns == nil || ns.NetNSID != -1 {
			t.Errorf("scan %d: netns %s = %+v, want netnsid -1", scan, other.name, ns)
		}
	}
	if r.reused == 0 {
		t.Error("no process was taken from the scan before")
	}
}

// TestRescanMatchesScan builds namespaces of every type, nested, one held
// by a descriptor and one by a bind mount, and scans them with a
// Rescanner (twice, so that the second takes what it can from the first)
// and with Scan: both see the same of what the test made.
func TestRescanMatchesScan(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	fdHeld, holder := startFDHeld(t)
	bound := addNetns(t, fmt.Sprintf("nsdive-rescan-%d", os.Getpid()))
	opts := Everything()
	opts.Threads = false
	r := NewRescanner(opts)
	var rescanned *Snapshot
	for range 2 {
		var err error
		if rescanned, err = r.Scan(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	scanned := mustScan(t, opts)
	for _, pid := range []int{n.unshare, n.init, holder} {
		if r.last.records[pid] == nil {
			t.Errorf("pid %d, asleep, was not recorded", pid)
		}
		a, b := rescanned.Processes[pid], scanned.Processes[pid]
		if a == nil || b == nil {
			t.Fatalf("pid %d: rescanned %+v, scanned %+v", pid, a, b)
		}
		if a.Namespaces != b.Namespaces || !slices.Equal(a.Cmdline, b.Cmdline) || !slices.Equal(a.NSpid, b.NSpid) ||
			a.UID != b.UID || a.PPID != b.PPID || a.Comm != b.Comm || a.StartTime != b.StartTime || a.Read != b.Read {
			t.Errorf("pid %d rescanned:\n%+v\nscanned:\n%+v", pid, *a, *b)
		}
	}
	ids := []NamespaceID{fdHeld, bound}
	for _, id := range n.ns {
		ids = append(ids, id)
	}
	for _, id := range ids {
		a, b := rescanned.Namespaces[id], scanned.Namespaces[id]
		if a == nil || b == nil {
			t.Fatalf("namespace %v: rescanned %+v, scanned %+v", id, a, b)
		}
		if a.Type != b.Type || a.Parent != b.Parent || a.Owner != b.Owner || a.OwnerUID != b.OwnerUID ||
			a.Serial != b.Serial || a.Serial == 0 || a.NetNSID != b.NetNSID || !slices.Equal(ownHolders(a), ownHolders(b)) ||
			!slices.Equal(pidsOf(a.Processes), pidsOf(b.Processes)) {
			t.Errorf("%s namespace %v rescanned:\n%+v\nscanned:\n%+v", a.Type, id, *a, *b)
		}
		if !reflect.DeepEqual(a.Details, b.Details) && a.Type != Net { // a network's counters move
			t.Errorf("%s namespace %v details rescanned %+v, scanned %+v", a.Type, id, a.Details, b.Details)
		}
	}
	if ns := rescanned.Namespaces[n.ns[UTS]]; ns.Details.UTS == nil || ns.Details.UTS.Hostname != nstest.NestedHostname {
		t.Errorf("uts details rescanned = %+v", ns.Details)
	}
}

// ownHolders returns ns's holders but the bind mounts in mount namespaces
// other than the test's: a mount namespace made on a busy host while the
// test runs copies the test's bind mounts, and may be gone a moment later.
func ownHolders(ns *Namespace) []Holder {
	own := nsOf(os.Getpid(), Mnt)
	return slices.DeleteFunc(slices.Clone(ns.Holders), func(h Holder) bool {
		return h.Kind == HeldByMount && h.MountNS != own
	})
}
