package actions

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nsfile"
	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// errInjected is the failure a test puts in place of a step.
var errInjected = errors.New("injected failure")

// removeAfter makes sure path is unmounted and gone after the test, and
// says so when the test left it for the cleanup.
func removeAfter(t *testing.T, path string) {
	t.Helper()
	t.Cleanup(func() {
		for range 3 {
			if unix.Unmount(path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW) != nil {
				break
			}
			t.Errorf("%s was still mounted", path)
		}
		if err := os.Remove(path); err == nil {
			t.Errorf("%s was still there", path)
		}
	})
}

// checkGone fails the test if path exists or is mounted.
func checkGone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", path, err)
	}
	nstest.CheckUnmounted(t, path)
}

// netnsName returns a name for /run/netns that no other test uses.
func netnsName(what string) string {
	return fmt.Sprintf("%s-%s-%d", nstest.Name, what, nameSeq.Add(1))
}

var nameSeq atomic.Int64

func TestPersistAndRelease(t *testing.T) {
	nstest.RequireRoot(t)
	target := startInNew(t, "--net", "--uts")
	name := netnsName("persist")
	netPath, _ := NetnsPath(name)
	utsPath := filepath.Join(t.TempDir(), "uts")
	removeAfter(t, netPath)
	removeAfter(t, utsPath)

	a, err := Persist(target, []PersistSpec{{inspect.Net, netPath}, {inspect.UTS, utsPath}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil || !strings.Contains(string(out), name) {
		t.Errorf("ip netns list: %v, does not show %s:\n%s", err, name, out)
	}
	wantNet := nstest.IDOf(target.PID, "net")
	out, err = exec.Command("ip", "netns", "exec", name, "readlink", "/proc/self/ns/net").Output()
	if got := strings.TrimSpace(string(out)); err != nil || got != fmt.Sprintf("net:[%d]", wantNet.Ino) {
		t.Errorf("ip netns exec %s readlink: %q, %v; want net:[%d]", name, got, err, wantNet.Ino)
	}
	if got, want := nstest.IDAt(utsPath), nstest.IDOf(target.PID, "uts"); got != want {
		t.Errorf("%s is %v, want the target's uts namespace %v", utsPath, got, want)
	}

	for _, path := range []string{netPath, utsPath} {
		r, err := Release(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Run(); err != nil {
			t.Fatal(err)
		}
		checkGone(t, path)
	}
}

func TestPersistRefuses(t *testing.T) {
	nstest.RequireRoot(t)
	target := startInNew(t, "--net")
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken")
	if err := os.WriteFile(taken, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	gone := startInNew(t, "--net")
	if err := unix.Kill(gone.PID, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	nstest.Poll(func() bool { return gone.Check() != nil })
	for _, tc := range []struct {
		name   string
		target Target
		spec   PersistSpec
		want   string
	}{
		{"taken", target, PersistSpec{inspect.Net, taken}, taken + " already exists: choose another file"},
		{"no dir", target, PersistSpec{inspect.Net, dir + "/none/x"}, dir + "/none: no such file or directory: create the directory first"},
		{"relative", target, PersistSpec{inspect.Net, "x"}, "x: give an absolute path"},
		{"exited", gone, PersistSpec{inspect.Net, dir + "/x"}, "has exited"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Persist(tc.target, []PersistSpec{tc.spec})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Persist: %v, want %q", err, tc.want)
			}
		})
	}

	// The kernel refuses to bind a mount namespace in itself (or in a
	// newer one): the file made is removed again.
	t.Run("own mount namespace", func(t *testing.T) {
		self, err := TargetPID(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "mnt")
		a, err := Persist(self, []PersistSpec{{inspect.Mnt, path}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Run(); err == nil || !strings.Contains(err.Error(), "a mount namespace can be bound only in an older one") {
			t.Errorf("Run: %v, want the loop refused", err)
		}
		checkGone(t, path)
	})

	// A symlink put at the path after the checks: the exclusive create
	// fails and nothing is made where the symlink points.
	t.Run("symlink", func(t *testing.T) {
		path, pointed := filepath.Join(dir, "link"), filepath.Join(dir, "pointed")
		a, err := Persist(target, []PersistSpec{{inspect.Net, path}})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(pointed, path); err != nil {
			t.Fatal(err)
		}
		if err := a.Run(); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("Run: %v, want already exists", err)
		}
		if _, err := os.Lstat(pointed); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was made through the symlink (%v)", pointed, err)
		}
		nstest.CheckUnmounted(t, path)
	})
}

func TestReleaseRefuses(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/proc/self/ns/net", link); err != nil {
		t.Fatal(err)
	}
	tmpfs := filepath.Join(dir, "tmpfs")
	if err := os.Mkdir(tmpfs, 0o700); err != nil {
		t.Fatal(err)
	}
	nstest.Run(t, "mount", "-t", "tmpfs", "nsdive-test", tmpfs)
	t.Cleanup(func() { nstest.Run(t, "umount", tmpfs) })
	for _, tc := range []struct{ path, want string }{
		{file, file + " is not a persisted namespace (an nsfs bind mount): nothing to release"},
		{tmpfs, tmpfs + " is not a persisted namespace (an nsfs bind mount): nothing to release"},
		{link, link + " is a symlink: give the file a namespace is mounted on"},
		{dir + "/none", dir + "/none does not exist: see nsdive list -o +NSFS for persisted namespaces"},
	} {
		if _, err := Release(tc.path); err == nil || err.Error() != tc.want {
			t.Errorf("Release(%s): %v, want %q", tc.path, err, tc.want)
		}
	}
}

// TestPersistRollsBack makes each step of persisting at /run/netns and at
// another file fail in turn and checks that nothing is left.
func TestPersistRollsBack(t *testing.T) {
	nstest.RequireRoot(t)
	target := startInNew(t, "--net", "--uts")
	netPath, _ := NetnsPath(netnsName("rollback"))
	utsPath := filepath.Join(t.TempDir(), "uts")
	removeAfter(t, netPath)
	removeAfter(t, utsPath)
	specs := []PersistSpec{{inspect.UTS, utsPath}, {inspect.Net, netPath}}
	probe, err := Persist(target, specs)
	if err != nil {
		t.Fatal(err)
	}
	for k := range probe.Steps {
		a, _ := Persist(target, specs)
		a.Steps[k].Do = func() error { return errInjected }
		if err := a.Run(); !errors.Is(err, errInjected) {
			t.Fatalf("step %d (%s) failing: Run() = %v", k, a.Steps[k].Command, err)
		}
		checkGone(t, netPath)
		checkGone(t, utsPath)
		if root, err := nsfile.IsMountRoot(NetnsDir); err != nil || !root {
			t.Errorf("after step %d failed, %s is no longer a mount point (%v)", k, NetnsDir, err)
		}
	}
}

// TestPersistCyclesLeakNothing persists and releases namespaces many
// times, concurrently, and checks that no descriptor, mount, file or
// thread in a foreign namespace is left.
func TestPersistCyclesLeakNothing(t *testing.T) {
	nstest.RequireRoot(t)
	target := startInNew(t, "--net", "--uts")
	dir := t.TempDir()
	cycle := func(spec PersistSpec) error {
		a, err := Persist(target, []PersistSpec{spec})
		if err != nil {
			return err
		}
		if err := a.Run(); err != nil {
			return err
		}
		r, err := Release(spec.Path)
		if err != nil {
			return err
		}
		return r.Run()
	}
	nstest.HammerWithoutLeaks(t, []nstest.Call{
		{Name: "persist net", Fn: func() error {
			path, _ := NetnsPath(netnsName("cycle"))
			return cycle(PersistSpec{inspect.Net, path})
		}},
		{Name: "persist uts", Fn: func() error {
			return cycle(PersistSpec{inspect.UTS, filepath.Join(dir, netnsName("uts"))})
		}},
	})
	for _, left := range nstest.Leftovers() {
		if !strings.HasPrefix(left, "process ") { // the target runs still
			t.Errorf("left behind: %s", left)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("%d files left in %s", len(entries), dir)
	}
}
