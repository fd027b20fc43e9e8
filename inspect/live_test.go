package inspect

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// countdownCtx is a context whose Err turns to context.Canceled at its
// n-th call and stays so; calls counts them all.
type countdownCtx struct {
	context.Context
	n     int64
	calls atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.calls.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

// TestScanCancelled cancels a scan of the fixture tree at every point
// where it looks at its context: each one must stop the scan with
// ctx.Err() and no snapshot. The fixture tree makes the number of points
// the same on every run.
func TestScanCancelled(t *testing.T) {
	opts := Everything()
	opts.ProcRoot = "testdata/proctree"
	full := &countdownCtx{Context: t.Context(), n: 1 << 62}
	if _, err := Scan(full, opts); err != nil {
		t.Fatal(err)
	}
	total := full.calls.Load()
	if total < 10 {
		t.Fatalf("the scan looked at its context %d times, want once per process and step at least", total)
	}
	for n := range total {
		snap, err := Scan(&countdownCtx{Context: t.Context(), n: n}, opts)
		if !errors.Is(err, context.Canceled) || snap != nil {
			t.Errorf("cancelled at check %d of %d: snapshot %v, err %v; want none and context.Canceled", n, total, snap != nil, err)
		}
	}

	nstest.RequireRoot(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Scan(ctx, Everything()); !errors.Is(err, context.Canceled) {
		t.Errorf("a scan of /proc with a cancelled context: err %v, want context.Canceled", err)
	}
}

// TestFillLeavesSnapshotAlone fills the processes of a lazy scan of the
// real /proc while another goroutine reads them, as the explorer's view
// does while a refresh fills rows: the race detector fails the test if
// Fill writes to them, and the snapshot's processes must still be unread
// afterwards.
func TestFillLeavesSnapshotAlone(t *testing.T) {
	nstest.RequireRoot(t)
	sleeper := nstest.Start(t, "unshare", "--uts", "sleep", "1000")
	sleeper.WaitUntil(t, "unshare to exec sleep", func() bool { return nstest.Comm(sleeper.PID()) == "sleep" })
	snap := mustScan(t, Options{Lazy: true})
	p := snap.Processes[sleeper.PID()]
	if p == nil || p.Has(FieldStat) {
		t.Fatalf("pid %d after a lazy scan = %+v, want it unread", sleeper.PID(), p)
	}
	procs := snap.SortedProcesses()

	stop := make(chan struct{})
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			n := 0
			for _, p := range procs {
				n += p.PPID + len(p.Comm) + len(p.Cmdline) + len(p.NSpid) + int(p.StartTime) + int(p.Read)
			}
			_ = n
		}
	})
	var filled []*Process
	for range 3 {
		filled = snap.Fill(procs)
	}
	close(stop)
	reader.Wait()

	if p.Comm != "" || p.Read != 0 || p.Cmdline != nil {
		t.Errorf("Fill changed the snapshot's pid %d: %+v", p.PID, p)
	}
	i := slices.Index(procs, p)
	got := filled[i]
	if got.Comm != "sleep" || !got.Has(FieldStat|FieldCmdline) || !slices.Equal(got.Cmdline, []string{"sleep", "1000"}) {
		t.Errorf("filled pid %d = %+v, want sleep 1000 with stat and command line read", p.PID, got)
	}
}

// TestDetailsByType asks for one type's details, and for NETNSID alone:
// only those namespaces are read, and no uts or ipc namespace is entered
// for a netnsid.
func TestDetailsByType(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	netns := makeNamedNetns(t, "bytype")
	ipRun(t, "netns", "set", netns.name, "auto")

	snap := mustScan(t, Options{Details: TypesOf(UTS)})
	if d := snap.Namespaces[n.ns[UTS]].Details; d.UTS == nil || d.UTS.Hostname != nstest.NestedHostname {
		t.Errorf("uts details = %+v (%v), want hostname %s", d.UTS, d.Err, nstest.NestedHostname)
	}
	if d := snap.Namespaces[n.ns[Net]].Details; d.Net != nil || d.Err != nil || snap.HasDetails(Net) {
		t.Errorf("net details read although only uts was asked for: %+v", d)
	}
	if snap.Has(PartNetNSID) {
		t.Error("netnsids marked read although not asked for")
	}

	snap = mustScan(t, Options{BindMounts: true, NetNSID: true})
	if !snap.Has(PartNetNSID) || snap.DetailTypes != 0 {
		t.Errorf("parts %b, detail types %b: want the netnsid part and no details", snap.Parts, snap.DetailTypes)
	}
	ns := snap.Namespaces[netns.id]
	if ns == nil || ns.NetNSID < 0 {
		t.Fatalf("netns %s = %+v, want an assigned netnsid", netns.name, ns)
	}
	if out := string(ipRun(t, "netns", "list-id")); !strings.Contains(out+" ", fmt.Sprintf("nsid %d ", ns.NetNSID)) {
		t.Errorf("netnsid %d not in ip netns list-id:\n%s", ns.NetNSID, out)
	}
	for _, other := range snap.Namespaces {
		if d := other.Details; d.UTS != nil || d.IPC != nil || d.Net != nil || d.Err != nil {
			t.Errorf("%s namespace %s has details %+v, but only netnsids were asked for", other.Type, other.ID, d)
		}
	}
}

// TestHoldersSorted holds one network namespace by two bind mounts and
// two descriptors (and a member process): its holders come in compareHolders order.
func TestHoldersSorted(t *testing.T) {
	nstest.RequireRoot(t)
	netns := makeNamedNetns(t, "sorted")
	nstest.BindNamespace(t, netns.path)
	member := nstest.Start(t, "ip", "netns", "exec", netns.name, "sleep", "1000")
	member.WaitUntil(t, "ip netns exec to exec sleep", func() bool { return nstest.Comm(member.PID()) == "sleep" })
	// Opened through /proc: a descriptor opened through the bind mount
	// reads as the mount's path, not as net:[INODE].
	var pids []int
	for range 2 {
		h := nstest.Start(t, "sh", "-c", fmt.Sprintf("exec 3</proc/%d/ns/net && exec sleep 1000", member.PID()))
		h.WaitUntil(t, "the holder to open the namespace", func() bool { return nstest.Comm(h.PID()) == "sleep" })
		pids = append(pids, h.PID())
	}
	snap := mustScan(t, Options{BindMounts: true, FDs: true})
	ns := snap.Namespaces[netns.id]
	if ns == nil {
		t.Fatalf("netns %s missing", netns.name)
	}
	var mine []Holder
	for _, h := range ns.Holders {
		if h.Kind == HeldByMount || slices.Contains(pids, h.PID) {
			mine = append(mine, h)
		}
	}
	if len(mine) < 4 || !slices.IsSortedFunc(ns.Holders, compareHolders) {
		t.Errorf("holders %v: want both mounts and both descriptors, sorted", ns.Holders)
	}
}
