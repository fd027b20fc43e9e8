// Package nstest builds real namespaces for tests and removes them after:
// processes in new namespaces, network namespaces bound under /run/netns,
// a namespace held only by a descriptor. Each helper registers its cleanup
// with t.Cleanup and checks that nothing is left.
//
// The helpers need root and run util-linux's unshare and iproute2's ip, as
// a person would by hand; every helper's comment gives the equivalent
// shell commands. Every name they create starts with Name and every
// process they start carries Marker in its environment, so Leftovers can
// tell what outlived a test binary's tests.
package nstest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var (
	// Marker is in the environment of every process Start starts.
	Marker = "NSDIVE_TEST_FIXTURE=" + strconv.Itoa(os.Getpid())
	// Name starts the names of the network namespaces and files tests
	// create; it carries the test binary's pid, so parallel runs do not
	// clash.
	Name = "nsdive-test-" + strconv.Itoa(os.Getpid())
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
	cmd    *exec.Cmd
	stderr string // the file its standard error goes to
	once   sync.Once
}

// Start starts args in a process group of its own; t.Cleanup kills the
// group. It does not wait for the process to be ready: see WaitUntil.
func Start(t testing.TB, args ...string) *Process {
	t.Helper()
	p := &Process{stderr: filepath.Join(t.TempDir(), "stderr")}
	stderr, err := os.Create(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Env = append(os.Environ(), Marker)
	p.cmd.Stderr = stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() { p.Kill(t) })
	return p
}

// PID is the process's pid, which is also its process group's id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Kill SIGKILLs the process group (unshare --fork ignores SIGTERM, and a
// pid namespace's init ignores signals it has no handler for), reaps the
// leader and waits until no member of the group runs. A member orphaned
// by the leader's death stays a zombie until init reaps it, which holds
// nothing. Kill runs once; the cleanup calls it too.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	p.once.Do(func() {
		pgid := p.PID()
		_ = unix.Kill(-pgid, unix.SIGKILL)
		_ = p.cmd.Wait()
		if !Poll(func() bool { return len(LiveGroupMembers(pgid)) == 0 }) {
			t.Errorf("process group %d still runs %v after SIGKILL", pgid, LiveGroupMembers(pgid))
		}
	})
}

// Fatalf fails the test with the process's standard error appended.
func (p *Process) Fatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	msg, _ := os.ReadFile(p.stderr)
	t.Fatalf("%s: %s\nstderr of %s: %s", strings.Join(p.cmd.Args, " "), fmt.Sprintf(format, args...), p.cmd.Path, msg)
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
func Poll(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// LiveGroupMembers lists the processes of process group pgid that are not
// zombies.
func LiveGroupMembers(pgid int) []int {
	var live []int
	names, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		// After the command name: state, ppid, process group.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(name)))
			live = append(live, pid)
		}
	}
	return live
}

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
func Comm(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSuffix(string(data), "\n")
}

// ID identifies a namespace as the kernel does: the nsfs device and inode.
type ID struct{ Dev, Ino uint64 }

// IsZero reports whether the ID is unset.
func (id ID) IsZero() bool { return id == ID{} }

// IDAt returns the namespace an nsfs file or /proc link names, or the zero
// ID when it cannot be read.
func IDAt(path string) ID {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return ID{}
	}
	return ID{st.Dev, st.Ino}
}

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
func IDOf(pid int, typ string) ID {
	return IDAt(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
}

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
func Leftovers() []string {
	var left []string
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), Name) {
			left = append(left, "/run/netns/"+e.Name())
		}
	}
	mountinfo, _ := os.ReadFile("/proc/self/mountinfo")
	for line := range strings.Lines(string(mountinfo)) {
		if strings.Contains(line, Name) {
			left = append(left, "mount "+strings.TrimSpace(line))
		}
	}
	environs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, name := range environs {
		env, err := os.ReadFile(name)
		if err == nil && slices.Contains(strings.Split(string(env), "\x00"), Marker) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(name)))
			left = append(left, fmt.Sprintf("process %d (%s)", pid, Comm(pid)))
		}
	}
	return left
}
