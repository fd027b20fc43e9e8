package actions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

func TestTargetOpensTheProcessNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, "unshare", "--uts", "sleep", "1000")
	p.WaitUntil(t, "in a new uts namespace", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "uts") != nstest.IDOf(os.Getpid(), "uts")
	})
	target, err := ResolveTarget(context.Background(), strconv.Itoa(p.PID()))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := inspect.Scan(context.Background(), inspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := TargetOf(snap.Processes[p.PID()]); got != target {
		t.Errorf("TargetOf(the scan's process) = %+v, want %+v", got, target)
	}
	fd, err := target.Open(inspect.UTS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if got, want := nstest.IDAt(fmt.Sprintf("/proc/self/fd/%d", fd)), nstest.IDOf(p.PID(), "uts"); got != want {
		t.Errorf("Open(uts) leads to %v, want the target's %v", got, want)
	}
}

func TestTargetErrors(t *testing.T) {
	nstest.RequireRoot(t)
	self, err := TargetPID(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	reused := self
	reused.StartTime++
	gone := nstest.Start(t, "sleep", "1000")
	goneTarget, err := TargetPID(gone.PID())
	if err != nil {
		t.Fatal(err)
	}
	gone.Kill(t)
	zombie := nstest.StartZombie(t)

	noSuch := nstest.NoSuchPID(t)
	for _, tc := range []struct {
		name string
		open func() (int, error)
		want string
	}{
		{"no such pid", func() (int, error) { _, err := TargetPID(noSuch); return -1, err },
			fmt.Sprintf("no process has pid %d: see nsdive ps", noSuch)},
		{"not a pid", func() (int, error) { _, err := ResolveTarget(context.Background(), "0"); return -1, err },
			"pid 0: a pid is a number above 0"},
		{"exited", func() (int, error) { return goneTarget.Open(inspect.Net) },
			fmt.Sprintf("pid %d has exited", gone.PID())},
		{"reused", func() (int, error) { return reused.Open(inspect.Net) },
			fmt.Sprintf("pid %d has exited: the pid names another process now", os.Getpid())},
		{"zombie", func() (int, error) { _, err := TargetPID(zombie); return -1, err },
			fmt.Sprintf("pid %d has exited (a zombie its parent has not reaped)", zombie)},
		{"unknown container", func() (int, error) {
			_, err := ResolveTarget(context.Background(), "nsdive-test-no-such-container")
			return -1, err
		}, "no container named nsdive-test-no-such-container: see nsdive list -o +CONTAINER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd, err := tc.open()
			if err == nil {
				unix.Close(fd)
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			if tc.name != "not a pid" && tc.name != "unknown container" && !errors.Is(err, ErrExited) {
				t.Errorf("error %v does not match ErrExited", err)
			}
		})
	}
}

func TestFindContainer(t *testing.T) {
	web := &inspect.Container{Engine: "docker", ID: "846466381fc8", Name: "web"}
	podWeb := &inspect.Container{Engine: "podman", ID: "eeb4a69692ea", Name: "web"}
	db := &inspect.Container{Engine: "docker", ID: "6965f8d87486", Name: "db"}
	procs := map[int]*inspect.Process{}
	for _, p := range []*inspect.Process{
		{PID: 300, TGID: 300, StartTime: 30, Container: web},
		{PID: 200, TGID: 200, StartTime: 20, Container: web},
		{PID: 150, TGID: 210, StartTime: 15, Container: web}, // a thread
		{PID: 400, TGID: 400, StartTime: 40, Container: podWeb},
		{PID: 500, TGID: 500, StartTime: 50, Container: db},
		{PID: 600, TGID: 600, StartTime: 60},
	} {
		procs[p.PID] = p
	}
	for _, tc := range []struct {
		arg, want string
	}{
		{"db", "docker:db 6965f8d87486 (pid 500) started at 50"},
		{"6965f8d87486", "docker:db 6965f8d87486 (pid 500) started at 50"},
		{"696", "docker:db 6965f8d87486 (pid 500) started at 50"},
		{"docker:web", "docker:web 846466381fc8 (pid 200) started at 20"},
		{"podman:web", "podman:web eeb4a69692ea (pid 400) started at 40"},
		{"web", "error: web names 2 containers (docker:web 846466381fc8, podman:web eeb4a69692ea): give ENGINE:NAME or the id"},
		{"69", "error: no container named 69: see nsdive list -o +CONTAINER"},
		{"podman:db", "error: no container named podman:db: see nsdive list -o +CONTAINER"},
	} {
		target, err := findContainer(procs, tc.arg)
		got := fmt.Sprintf("%s started at %d", target, target.StartTime)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tc.want {
			t.Errorf("findContainer(%q) = %s, want %s", tc.arg, got, tc.want)
		}
	}
}

// TestTargetWithoutAType points the targets' /proc at a tree whose process
// has no time namespace link, as on a kernel without time namespaces.
func TestTargetWithoutAType(t *testing.T) {
	root := t.TempDir()
	pid := os.Getpid()
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, strconv.Itoa(pid))
	if err := os.MkdirAll(filepath.Join(dir, "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stat"), stat, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/proc/self/ns/uts", filepath.Join(dir, "ns", "uts")); err != nil {
		t.Fatal(err)
	}
	defer func(was string) { procRoot = was }(procRoot)
	procRoot = root
	target, err := TargetPID(pid)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := target.Open(inspect.UTS)
	if err != nil {
		t.Fatalf("Open(uts): %v", err)
	}
	unix.Close(fd)
	_, err = target.Open(inspect.Time)
	if want := fmt.Sprintf("pid %d has no time namespace: this kernel has no time namespaces", pid); err == nil || err.Error() != want {
		t.Errorf("Open(time): %v, want %q", err, want)
	}
}
