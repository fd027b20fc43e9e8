package inspect

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestMountWaysAreFew builds a /proc of 100 processes in this test's
// mount namespace, none of whose roots has the bind mount that holds a
// network namespace (it was unmounted after the scan, as ip netns del
// does). Opening the namespace must give up after a few of them, not stat
// and open through every one: the host's mount namespace has thousands of
// processes, and the explorer opens every namespace on every scan.
func TestMountWaysAreFew(t *testing.T) {
	procRoot, empty := t.TempDir(), t.TempDir()
	self := mustNSIDAt(t, "/proc/self/ns/mnt")
	snap := NewSnapshot(time.Now(), NamespaceSet{})
	snap.ProcRoot = procRoot
	mntns := &Namespace{ID: self, Type: Mnt}
	for pid := 10; pid < 110; pid++ {
		dir := filepath.Join(procRoot, fmt.Sprint(pid))
		if err := os.MkdirAll(filepath.Join(dir, "ns"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/proc/self/ns/mnt", filepath.Join(dir, "ns", "mnt")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(empty, filepath.Join(dir, "root")); err != nil {
			t.Fatal(err)
		}
		mntns.Processes = append(mntns.Processes, &Process{PID: pid, TGID: pid})
	}
	snap.Namespaces[self] = mntns
	netns := &Namespace{ID: NamespaceID{Dev: self.Dev, Ino: 4026599999}, Type: Net,
		Holders: []Holder{{Kind: HeldByMount, Path: "/run/netns/gone", MountNS: self}}}
	snap.Namespaces[netns.ID] = netns

	ways := 0
	for range waysTo(snap, netns) {
		ways++
	}
	if ways == 0 || ways > mountWayTries {
		t.Errorf("%d ways through the mount namespace's 100 processes, want 1 to %d", ways, mountWayTries)
	}
	if _, err := openNamespace(snap, netns); err == nil {
		t.Error("opened a namespace whose bind mount is nowhere")
	}
}
