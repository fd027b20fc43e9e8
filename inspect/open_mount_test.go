package inspect

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestRefreshMountHolderLeftElsewhere binds a netns at a second path,
// scans, then lets a process that was in the test's mount namespace at
// the scan unshare its own (a copy, with the second mount in it), and
// unmounts the second path here. The refresh must not find the mount
// through that process, which is no longer in the mount namespace the
// holder names: on a busy host processes do that all the time.
func TestRefreshMountHolderLeftElsewhere(t *testing.T) {
	nstest.RequireRoot(t)
	netns := makeNamedNetns(t, "moved")
	second := nstest.BindNamespace(t, netns.path)
	// It waits for go, then becomes unshare --mount in the same pid.
	dir := t.TempDir()
	p := nstest.Start(t, "sh", "-c", fmt.Sprintf("while [ ! -e %s/go ]; do sleep 0.01; done; exec unshare --mount sleep 1000", dir))
	self := mustNSIDAt(t, "/proc/self/ns/mnt")
	p.WaitUntil(t, "sh to wait", func() bool { return nstest.Comm(p.PID()) == "sh" && nsOf(p.PID(), Mnt) == self })

	snap := mustScan(t, Options{BindMounts: true})
	if ns := snap.Namespaces[netns.id]; ns == nil || len(snap.NSFSPaths(ns)) != 2 {
		t.Fatalf("netns %v = %+v, want it held at two paths here", netns.id, ns)
	}
	if err := os.WriteFile(dir+"/go", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p.WaitUntil(t, "unshare --mount to exec sleep", func() bool { return nstest.Comm(p.PID()) == "sleep" && nsOf(p.PID(), Mnt) != self })
	nstest.Run(t, "umount", second)

	got, err := snap.RefreshNamespace(netns.id)
	if err != nil {
		t.Fatal(err)
	}
	if paths := snap.NSFSPaths(got); !slices.Equal(paths, []string{netns.path}) {
		t.Errorf("refreshed mount paths %v, want only %s: %s is unmounted here", paths, netns.path, second)
	}
}
