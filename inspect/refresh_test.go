package inspect

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestRefreshProcess reads one process of a lazy scan afresh: in full,
// and not at all once it is gone or its pid names another process.
func TestRefreshProcess(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, "unshare", "--net", "sleep", "1000")
	p.WaitUntil(t, "unshare to exec sleep", func() bool { return nstest.Comm(p.PID()) == "sleep" })
	snap := mustScan(t, Options{Lazy: true})
	old := snap.Processes[p.PID()]
	if old == nil || old.Has(FieldStat) {
		t.Fatalf("pid %d after a lazy scan = %+v", p.PID(), old)
	}
	got, err := snap.RefreshProcess(old.Key())
	if err != nil {
		t.Fatal(err)
	}
	if got == old || old.Has(FieldStat) {
		t.Error("RefreshProcess changed the snapshot's process")
	}
	if got.Comm != "sleep" || !got.Has(FieldStat|FieldCmdline) || got.Key().StartTime == 0 ||
		got.Namespaces[LinkNet] != nsOf(p.PID(), Net) {
		t.Errorf("refreshed = %+v, want sleep in its own net namespace, read in full", got)
	}
	if _, err := snap.RefreshProcess(ProcessKey{PID: p.PID(), StartTime: got.StartTime + 1}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refresh with another start time: err %v, want ErrNotExist (the pid names another process)", err)
	}
	p.Kill(t)
	if _, err := snap.RefreshProcess(got.Key()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refresh of a killed process: err %v, want ErrNotExist", err)
	}
}

// TestRefreshNamespace re-reads one network namespace after its netnsid,
// its interfaces and its holders changed, leaving the snapshot as it was.
func TestRefreshNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	netns := makeNamedNetns(t, "refresh")
	second := nstest.BindNamespace(t, netns.path)
	snap := mustScan(t, Options{BindMounts: true, NetNSID: true, Details: TypesOf(Net)})
	old := snap.Namespaces[netns.id]
	if old == nil || old.NetNSID >= 0 || len(snap.NSFSPaths(old)) != 2 {
		t.Fatalf("netns before = %+v, want no netnsid and two mounts", old)
	}
	ipRun(t, "netns", "set", netns.name, "auto")
	ipRun(t, "-n", netns.name, "link", "add", "refdummy", "type", "veth", "peer", "name", "refpeer")
	nstest.Run(t, "umount", second)

	got, err := snap.RefreshNamespace(netns.id)
	if err != nil {
		t.Fatal(err)
	}
	if got.NetNSID < 0 {
		t.Error("refreshed netns has no netnsid; ip netns set gave it one")
	}
	if paths := snap.NSFSPaths(got); !slices.Equal(paths, []string{netns.path}) {
		t.Errorf("refreshed mount paths %v, want only %s", paths, netns.path)
	}
	if got.Details.Net == nil || !slices.ContainsFunc(got.Details.Net.Interfaces, func(i Interface) bool { return i.Name == "refdummy" }) {
		t.Errorf("refreshed interfaces %+v (%v), want refdummy", got.Details.Net, got.Details.Err)
	}
	if old.NetNSID >= 0 || len(snap.NSFSPaths(old)) != 2 || slices.ContainsFunc(old.Details.Net.Interfaces, func(i Interface) bool { return i.Name == "refdummy" }) {
		t.Errorf("RefreshNamespace changed the snapshot's namespace: %+v", old)
	}
	if _, err := os.Stat(second); err != nil {
		t.Fatal(err)
	}
}

// TestRefreshFromFile: a snapshot read from a file has another moment's
// pids; refreshing one of them here would mix two hosts or two times.
func TestRefreshFromFile(t *testing.T) {
	snap := NewSnapshot(time.Now(), NamespaceSet{})
	if _, err := snap.RefreshProcess(ProcessKey{PID: 1}); !errors.Is(err, errNotLive) {
		t.Errorf("RefreshProcess: err %v, want errNotLive", err)
	}
	if _, err := snap.RefreshNamespace(NamespaceID{Ino: 1}); !errors.Is(err, errNotLive) {
		t.Errorf("RefreshNamespace: err %v, want errNotLive", err)
	}
}
