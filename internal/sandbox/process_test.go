package sandbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nstest"
	"github.com/nsdive/nsdive/internal/sandbox"
	"golang.org/x/sys/unix"
)

// owner is what these tests make, apart from nstest's own.
var owner = sandbox.NewOwner("nsdive-sandbox-test", "NSDIVE_SANDBOX_TEST")

// TestMain fails the run if the tests left something of owner's behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if left := owner.Leftovers(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the tests left behind:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

// TestKillEndsTheWholeGroup starts a shell that forks two sleeps and
// checks that Kill ends all three, marked processes no more.
func TestKillEndsTheWholeGroup(t *testing.T) {
	p, err := owner.Start(exec.Command("sh", "-c", "sleep 1000 & sleep 1000 & wait"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Kill() })
	if !sandbox.Poll(10*time.Second, func() bool { return len(sandbox.LiveGroupMembers(p.PID())) == 3 }) {
		t.Fatalf("process group %d runs %v, want the shell and two sleeps", p.PID(), sandbox.LiveGroupMembers(p.PID()))
	}
	if marked := owner.Processes(); !slices.Contains(marked, p.PID()) {
		t.Errorf("marked processes %v, want the shell %d among them", marked, p.PID())
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if live := sandbox.LiveGroupMembers(p.PID()); len(live) != 0 {
		t.Errorf("after Kill, process group %d runs %v", p.PID(), live)
	}
	if marked := owner.Processes(); len(marked) != 0 {
		t.Errorf("after Kill, marked processes %v run", marked)
	}
	if err := p.Kill(); err != nil {
		t.Errorf("a second Kill: %v", err)
	}
}

// TestKillPIDNamespaceInit kills unshare --fork and the init of the pid
// namespace it made, which ignore SIGTERM and signals without a handler.
func TestKillPIDNamespaceInit(t *testing.T) {
	nstest.RequireRoot(t)
	p, err := owner.Start(exec.Command("unshare", "--pid", "--fork", "sh", "-c", "trap '' TERM INT HUP; sleep 1000 & wait"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Kill() })
	if !sandbox.Poll(10*time.Second, func() bool { return len(sandbox.LiveGroupMembers(p.PID())) == 3 }) {
		t.Fatalf("process group %d runs %v, want unshare, its init and a sleep", p.PID(), sandbox.LiveGroupMembers(p.PID()))
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if live := sandbox.LiveGroupMembers(p.PID()); len(live) != 0 {
		t.Errorf("after Kill, process group %d runs %v", p.PID(), live)
	}
}

func TestStartFails(t *testing.T) {
	if _, err := owner.Start(exec.Command("/nonexistent/nsdive-sandbox")); err == nil || !strings.Contains(err.Error(), "/nonexistent/nsdive-sandbox") {
		t.Errorf("Start of a missing program: %v, want an error naming it", err)
	}
}

// TestLeftovers makes a mount and a cgroup named for the owner and a
// marked process, checks that Leftovers lists them and another owner's
// lists none,
// then removes them.
func TestLeftovers(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir() + "/" + owner.Name
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("nsdive-sandbox-test", dir, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	// Any hierarchy: cgroup2 at /sys/fs/cgroup, or one below it.
	hierarchies, _ := filepath.Glob("/sys/fs/cgroup/*/cgroup.procs")
	hierarchies = append([]string{"/sys/fs/cgroup/cgroup.procs"}, hierarchies...)
	i := slices.IndexFunc(hierarchies, func(procs string) bool { _, err := os.Stat(procs); return err == nil })
	if i < 0 {
		t.Fatal("no cgroup hierarchy is mounted under /sys/fs/cgroup")
	}
	cgroup := filepath.Join(filepath.Dir(hierarchies[i]), owner.Name)
	if err := os.Mkdir(cgroup, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Remove(cgroup) })
	p, err := owner.Start(exec.Command("sleep", "1000"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Kill() })

	left := owner.Leftovers()
	mounted := slices.ContainsFunc(left, func(s string) bool { return strings.HasPrefix(s, "mount ") && strings.Contains(s, dir) })
	if !mounted || !slices.Contains(left, "cgroup "+cgroup) || !slices.Contains(left, fmt.Sprintf("process %d (sleep)", p.PID())) {
		t.Errorf("Leftovers = %v, want the mount at %s, cgroup %s and process %d (sleep)", left, dir, cgroup, p.PID())
	}
	if other := (sandbox.Owner{Name: owner.Name + "-other", Marker: owner.Marker + "-other"}).Leftovers(); len(other) != 0 {
		t.Errorf("another owner's leftovers = %v, want none", other)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := unix.Unmount(dir, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(cgroup); err != nil {
		t.Fatal(err)
	}
	if left := owner.Leftovers(); len(left) != 0 {
		t.Errorf("after removing them, Leftovers = %v", left)
	}
}

func TestPoll(t *testing.T) {
	calls := 0
	if !sandbox.Poll(10*time.Second, func() bool { calls++; return calls == 3 }) || calls != 3 {
		t.Errorf("Poll of a condition true on the third call: %d calls", calls)
	}
	if sandbox.Poll(0, func() bool { return false }) {
		t.Error("Poll of a condition never true reported it held")
	}
}
