// Package nstest builds real namespaces for tests and removes them after:
// processes in new namespaces, network namespaces bound under /run/netns,
// a namespace held only by a descriptor. Each helper registers its cleanup
// with t.Cleanup and checks that nothing is left.
//
// It is a thin testing layer (t.Fatal, t.Cleanup) over internal/sandbox,
// which holds the mechanics the lab (`nsdive demo`) shares: process
// groups, SIGKILL and reaping, polling, names and markers, leftovers. The
// builders here need root and run util-linux's unshare and iproute2's ip,
// as a person would by hand; every builder's comment gives the equivalent
// shell commands, and the lab builds the same with nsdive's actions
// instead, since nsdive itself never runs those tools. Every name they
// create starts with Name and every process they start carries Marker in
// its environment, so Leftovers can tell what outlived a test binary's
// tests.
package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/sandbox"
)

// owner names what this test binary makes.
var owner = sandbox.NewOwner("nsdive-test", "NSDIVE_TEST_FIXTURE")

var (
	// Marker is in the environment of every process Start starts.
	Marker = owner.Marker
	// Name starts the names of the network namespaces and files tests
	// create; it carries the test binary's pid, so parallel runs do not
	// clash.
	Name = owner.Name
)

// Types are the eight namespace types, as the kernel and lsns name them.
var Types = []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

// RequireRoot skips a test that needs root and real namespaces when not
// root; under CI (NSDIVE_REQUIRE_ROOT=1) a skip would hide a failure, so the
// test fails instead.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("NSDIVE_REQUIRE_ROOT") != "" {
		t.Fatal("this test needs root, and NSDIVE_REQUIRE_ROOT is set: run the tests as root")
	}
	t.Skip("needs root to create namespaces; run as root to include it")
}

// Process is a process started for a test, in its own process group.
type Process struct {
	p      *sandbox.Process
	stderr string // the file its standard error goes to
}

// Start starts args in a process group of its own; t.Cleanup kills the
// group, and logs the process's standard error if the test failed. It
// does not wait for the process to be ready: see WaitUntil.
func Start(t testing.TB, args ...string) *Process {
	t.Helper()
	return StartWith(t, nil, args...)
}

// StartWith is Start with the files of extra open in the process, from
// descriptor 3 on.
func StartWith(t testing.TB, extra []*os.File, args ...string) *Process {
	t.Helper()
	stderrPath := filepath.Join(t.TempDir(), "stderr")
	stderr, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = stderr
	cmd.ExtraFiles = extra
	p, err := owner.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	proc := &Process{p: p, stderr: stderrPath}
	t.Cleanup(func() {
		proc.Kill(t)
		if msg, _ := os.ReadFile(stderrPath); t.Failed() && len(msg) > 0 {
			t.Logf("stderr of %s: %s", strings.Join(args, " "), msg)
		}
	})
	return proc
}

// PID is the process's pid, which is also its process group's id.
func (p *Process) PID() int { return p.p.PID() }

// Kill SIGKILLs the process group, reaps it and fails the test if a member
// still runs (sandbox.Process.Kill). The cleanup calls it too; only the
// first call does anything.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	if err := p.p.Kill(); err != nil {
		t.Error(err)
	}
}

// Fatalf fails the test with the process's standard error appended.
func (p *Process) Fatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	msg, _ := os.ReadFile(p.stderr)
	t.Fatalf("%s: %s\nstderr of %s: %s", strings.Join(p.p.Args(), " "), fmt.Sprintf(format, args...), p.p.Args()[0], msg)
}

// WaitUntil polls cond until it holds, failing the test with what it
// waited for after ten seconds.
func (p *Process) WaitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !Poll(cond) {
		p.Fatalf(t, "not ready after 10s: %s", what)
	}
}

// Poll polls cond every few milliseconds for up to ten seconds and
// reports whether it came to hold.
func Poll(cond func() bool) bool { return sandbox.Poll(10*time.Second, cond) }

// LiveGroupMembers lists the processes of process group pgid that are not
// zombies.
func LiveGroupMembers(pgid int) []int { return sandbox.LiveGroupMembers(pgid) }

// NoSuchPID returns a pid that no process has or can have: the kernel's
// pid_max, one above the largest pid it hands out. The pid of a process
// that has exited is no such pid: on a busy host with a small pid_max
// (32768 by default) it is soon someone else's.
func NoSuchPID(t testing.TB) int {
	t.Helper()
	data, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	pidMax, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("/proc/sys/kernel/pid_max: %v", err)
	}
	return pidMax
}

// Comm returns a process's command name, or "" when it is gone.
func Comm(pid int) string { return sandbox.Comm(pid) }

// ID identifies a namespace as the kernel does: the nsfs device and inode.
type ID = sandbox.ID

// IDAt returns the namespace an nsfs file or /proc link names, or the zero
// ID when it cannot be read.
func IDAt(path string) ID { return sandbox.IDAt(path) }

// MustIDAt is IDAt that fails the test when path cannot be read.
func MustIDAt(t testing.TB, path string) ID {
	t.Helper()
	id := IDAt(path)
	if id.IsZero() {
		t.Fatalf("stat %s: no namespace there", path)
	}
	return id
}

// IDOf returns the namespace of type typ ("net", "pid_for_children", ...)
// of process pid, or the zero ID.
func IDOf(pid int, typ string) ID { return sandbox.IDOf(pid, typ) }

// Run runs a command to completion and fails the test if it fails.
func Run(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// CheckUnmounted fails the test if path is a mount point in the test's
// mount namespace, or, under /run/netns, still exists.
func CheckUnmounted(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err == nil && strings.HasPrefix(path, "/run/netns/") {
		t.Errorf("%s is still there", path)
	}
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(mountinfo)) {
		if fields := strings.Fields(line); len(fields) > 4 && fields[4] == path {
			t.Errorf("%s is still mounted: %s", path, line)
		}
	}
}

// Leftovers lists what this test binary's helpers made and its tests left
// behind: network namespaces and mounts named with Name, and processes
// carrying Marker.
func Leftovers() []string { return owner.Leftovers() }

// StartZombie returns the pid of a process that has exited and that its
// parent, this test binary, leaves unreaped until the test ends. (A
// shell's background child, `sh -c 'sleep 0 & exec sleep 1000'`, was
// sometimes reaped by the shell before its exec on a busy host.)
func StartZombie(t testing.TB) int {
	t.Helper()
	pid, err := syscall.ForkExec("/bin/true", []string{"true"}, &syscall.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Wait4(pid, nil, 0, nil) })
	if !Poll(func() bool {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		_, rest, _ := strings.Cut(string(stat), ") ")
		return err == nil && strings.HasPrefix(rest, "Z")
	}) {
		t.Fatalf("pid %d did not become a zombie", pid)
	}
	return pid
}
