package actions

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// peerMountNamespaces starts two processes in mount namespaces of their
// own that share a tmpfs at dir in one peer group: a, which made it
// shared, and b, whose namespace is a copy of a's. Nothing is mounted in
// the test's own mount namespace.
//
// Equivalent to: unshare -m sh -c 'mount -t tmpfs nsdive-test DIR;
// mount --make-shared DIR; exec sleep 1000' &
// nsenter -t A -m unshare -m --propagation unchanged sleep 1000 &
func peerMountNamespaces(t *testing.T, dir string) (a, b Target) {
	t.Helper()
	self := nstest.MustIDAt(t, "/proc/self/ns/mnt")
	pa := nstest.Start(t, "unshare", "-m", "sh", "-c",
		"mount -t tmpfs nsdive-test "+dir+" && mount --make-shared "+dir+" && exec sleep 1000")
	pa.WaitUntil(t, "a shared tmpfs in a new mount namespace", func() bool {
		return nstest.Comm(pa.PID()) == "sleep" && nstest.IDOf(pa.PID(), "mnt") != self
	})
	pb := nstest.Start(t, "nsenter", "-t", strconv.Itoa(pa.PID()), "-m", "unshare", "-m", "--propagation", "unchanged", "sleep", "1000")
	pb.WaitUntil(t, "a copy of that mount namespace", func() bool {
		id := nstest.IDOf(pb.PID(), "mnt")
		return nstest.Comm(pb.PID()) == "sleep" && id != self && id != nstest.IDOf(pa.PID(), "mnt")
	})
	var err error
	if a, err = TargetPID(pa.PID()); err != nil {
		t.Fatal(err)
	}
	if b, err = TargetPID(pb.PID()); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// mountIn mounts a tmpfs at path in target's mount namespace.
func mountIn(t *testing.T, target Target, path string) {
	t.Helper()
	nstest.Run(t, "nsenter", "-t", strconv.Itoa(target.PID), "-m", "sh", "-c", "mkdir "+path+" && mount -t tmpfs nsdive-test "+path)
}

// mountLine returns the mountinfo line of the mount at path in target's
// mount namespace, or "".
func mountLine(t *testing.T, target Target, path string) string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", target.PID))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if fields := strings.Fields(line); len(fields) > 4 && fields[4] == path {
			return line
		}
	}
	return ""
}

func setPropagation(t *testing.T, target Target, path, kind string) {
	t.Helper()
	a, err := SetPropagation(target, path, kind, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(); err != nil {
		t.Fatal(err)
	}
}

func TestPropagation(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	a, b := peerMountNamespaces(t, dir)

	mountIn(t, a, dir+"/before")
	if mountLine(t, b, dir+"/before") == "" {
		t.Fatalf("a mount under the shared %s did not reach the peer: the fixture is wrong", dir)
	}
	act, err := SetPropagation(b, dir, "private", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := act.Commands()[0], fmt.Sprintf("nsenter -t %d -m mount --make-private %s", b.PID, dir); got != want {
		t.Errorf("command %q, want %q", got, want)
	}
	if err := act.Run(); err != nil {
		t.Fatal(err)
	}
	if line := mountLine(t, b, dir); strings.Contains(line, "shared:") {
		t.Errorf("%s is still shared after --make-private: %s", dir, line)
	}
	mountIn(t, a, dir+"/after")
	if mountLine(t, a, dir+"/after") == "" {
		t.Fatal("the second mount is not in a")
	}
	if line := mountLine(t, b, dir+"/after"); line != "" {
		t.Errorf("a mount made after --make-private reached the private copy: %s", line)
	}

	setPropagation(t, b, dir, "shared")
	if line := mountLine(t, b, dir); !strings.Contains(line, "shared:") {
		t.Errorf("%s not shared after --make-shared: %s", dir, line)
	}
	setPropagation(t, b, dir, "unbindable")
	if line := mountLine(t, b, dir); !strings.Contains(line, "unbindable") {
		t.Errorf("%s not unbindable: %s", dir, line)
	}
	rec, err := SetPropagation(b, dir, "private", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Run(); err != nil {
		t.Fatal(err)
	}
	if line := mountLine(t, b, dir+"/before"); strings.Contains(line, "shared:") || line == "" {
		t.Errorf("%s/before not private after --make-rprivate: %q", dir, line)
	}
}

func TestPropagationRefuses(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	_, b := peerMountNamespaces(t, dir)
	notMount := filepath.Join(dir, "plain")
	nstest.Run(t, "nsenter", "-t", strconv.Itoa(b.PID), "-m", "mkdir", notMount)
	for _, tc := range []struct{ path, kind, want string }{
		{notMount, "private", fmt.Sprintf("%s is not a mount point in the mount namespace of pid %d: see nsdive mounts -p %d", notMount, b.PID, b.PID)},
		{dir + "/none", "private", fmt.Sprintf("%s/none does not exist in the mount namespace of pid %d", dir, b.PID)},
		{dir, "public", `bad propagation "public": give shared, slave, private or unbindable`},
		{"tmp", "private", "tmp: give an absolute path in the target's mount namespace"},
	} {
		if _, err := SetPropagation(b, tc.path, tc.kind, false); err == nil || err.Error() != tc.want {
			t.Errorf("SetPropagation(%s, %s): %v, want %q", tc.path, tc.kind, err, tc.want)
		}
	}
}

// TestPropagationLeavesNoThread changes propagation many times,
// concurrently, and checks that no thread of the test binary stays in the
// target's mount namespace (or any other) and no descriptor leaks.
func TestPropagationLeavesNoThread(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	_, b := peerMountNamespaces(t, dir)
	toggle := func(kind string) func() error {
		return func() error {
			a, err := SetPropagation(b, dir, kind, false)
			if err != nil {
				return err
			}
			return a.Run()
		}
	}
	nstest.HammerWithoutLeaks(t, []nstest.Call{{Name: "private", Fn: toggle("private")}, {Name: "shared", Fn: toggle("shared")}})
	if home, err := os.Readlink("/proc/self/ns/mnt"); err != nil || home == fmt.Sprintf("mnt:[%d]", nstest.IDOf(b.PID, "mnt").Ino) {
		t.Errorf("the main thread is in %s (%v)", home, err)
	}
}
