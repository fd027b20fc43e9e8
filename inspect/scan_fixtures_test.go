package inspect

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The namespaces scan_test.go scans the real /proc for. Every name they
// create carries the test binary's pid, so parallel runs do not clash, and
// every process they start carries fixtureMarker in its environment, so
// TestScanLeavesNothingBehind can tell if one outlived its test.

var (
	fixtureMarker = "NSDIVE_SCAN_TEST=" + strconv.Itoa(os.Getpid())
	// fixtureName prefixes the network namespaces and files of these tests.
	fixtureName = "nsdive-test-" + strconv.Itoa(os.Getpid())
	// fixtureStartNet is the network namespace the test binary started in,
	// read before any test ran.
	fixtureStartNet = nsIDAt("/proc/thread-self/ns/net")
)

// fixture is a process started for a test, in its own process group.
type fixture struct {
	cmd    *exec.Cmd
	stderr string // the file its standard error goes to
	once   sync.Once
}

// startFixture starts args in a process group of its own; t.Cleanup
// kills the group. It does not wait for the process to be ready.
func startFixture(t *testing.T, args ...string) *fixture {
	t.Helper()
	f := &fixture{stderr: filepath.Join(t.TempDir(), "stderr")}
	stderr, err := os.Create(f.stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	f.cmd = exec.Command(args[0], args[1:]...)
	f.cmd.Env = append(os.Environ(), fixtureMarker)
	f.cmd.Stderr = stderr
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := f.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() { f.kill(t) })
	return f
}

func (f *fixture) pid() int { return f.cmd.Process.Pid }

// kill SIGKILLs the fixture's process group (unshare --fork ignores
// SIGTERM, and a pid namespace's init ignores signals it has no handler
// for), reaps the leader and waits until no member of the group runs. A
// member orphaned by the leader's death stays a zombie until init reaps
// it, which holds nothing.
func (f *fixture) kill(t *testing.T) {
	t.Helper()
	f.once.Do(func() {
		pgid := f.pid()
		_ = unix.Kill(-pgid, unix.SIGKILL)
		_ = f.cmd.Wait()
		if !pollFor(func() bool { return len(liveGroupMembers(pgid)) == 0 }) {
			t.Errorf("process group %d still runs %v after SIGKILL", pgid, liveGroupMembers(pgid))
		}
	})
}

// failf fails the test with the fixture's standard error appended.
func (f *fixture) failf(t *testing.T, format string, args ...any) {
	t.Helper()
	msg, _ := os.ReadFile(f.stderr)
	t.Fatalf("%s: %s\nstderr of %s: %s", strings.Join(f.cmd.Args, " "), fmt.Sprintf(format, args...), f.cmd.Path, msg)
}

// waitUntil polls cond until it holds, failing the test with what it
// waited for after ten seconds.
func (f *fixture) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !pollFor(cond) {
		f.failf(t, "not ready after 10s: %s", what)
	}
}

// pollFor polls cond every few milliseconds for up to ten seconds and
// reports whether it came to hold.
func pollFor(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// liveGroupMembers lists the processes of process group pgid that are not
// zombies.
func liveGroupMembers(pgid int) []int {
	var live []int
	names, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		st, err := parseStat(data)
		if err != nil || st.State == 'Z' {
			continue
		}
		// The process group is the third field after the command.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) {
			pid, _ := strconv.Atoi(strings.Split(name, "/")[2])
			live = append(live, pid)
		}
	}
	return live
}

// commOf returns a process's command name, or "" when it is gone.
func commOf(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSuffix(string(data), "\n")
}

// nsIDAt returns the namespace an nsfs file or /proc link names, or the
// zero ID when it cannot be read.
func nsIDAt(path string) NamespaceID {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return NamespaceID{}
	}
	return NamespaceID{Dev: st.Dev, Ino: st.Ino}
}

// mustNSIDAt is nsIDAt that fails the test when path cannot be read.
func mustNSIDAt(t *testing.T, path string) NamespaceID {
	t.Helper()
	id := nsIDAt(path)
	if id.IsZero() {
		t.Fatalf("stat %s: no namespace there", path)
	}
	return id
}

// nsOf returns the namespace of type typ of process pid.
func nsOf(pid int, typ Type) NamespaceID {
	return nsIDAt(fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
}

// runCmd runs a command to completion and fails the test if it fails.
func runCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// mustScan runs Scan and fails the test on error.
func mustScan(t *testing.T, opts Options) *Snapshot {
	t.Helper()
	snap, err := Scan(opts)
	if err != nil {
		t.Fatalf("Scan(%+v): %v", opts, err)
	}
	return snap
}

// nestedFixture is a process in new namespaces of every type.
type nestedFixture struct {
	unshare int // unshare: in the new namespaces but the pid and time ones, which it holds for its child
	init    int // the sleep unshare forked: pid 1 of the new pid namespace
	ns      map[Type]NamespaceID
}

// The time offsets nestedFixture gives its time namespace.
const (
	fixtureMonotonic = 100 * time.Second
	fixtureBoottime  = 200 * time.Second
)

// startNested starts a process in new namespaces of all eight types,
// with the hostname nsdive-t, root mapped to root, and time offsets.
//
// Equivalent to: unshare --user --map-root-user --pid --fork --mount --net --uts --ipc --cgroup --time --mount-proc sh -c 'hostname nsdive-t; exec sleep 1000'
func startNested(t *testing.T) *nestedFixture {
	t.Helper()
	f := startFixture(t, "unshare", "--user", "--map-root-user", "--pid", "--fork",
		"--mount", "--net", "--uts", "--ipc", "--cgroup", "--time",
		"--monotonic", strconv.Itoa(int(fixtureMonotonic/time.Second)),
		"--boottime", strconv.Itoa(int(fixtureBoottime/time.Second)),
		"--mount-proc", "sh", "-c", "hostname nsdive-t && exec sleep 1000")
	n := &nestedFixture{unshare: f.pid(), ns: make(map[Type]NamespaceID)}
	f.waitUntil(t, "unshare's child to exec sleep", func() bool {
		data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", n.unshare, n.unshare))
		children := strings.Fields(string(data))
		if len(children) != 1 {
			return false
		}
		n.init, _ = strconv.Atoi(children[0])
		return commOf(n.init) == "sleep"
	})
	for _, typ := range Types {
		n.ns[typ] = mustNSIDAt(t, fmt.Sprintf("/proc/%d/ns/%s", n.init, typ))
	}
	return n
}

// addNetns creates a network namespace bound at /run/netns/name and
// deletes it on cleanup, checking it is gone.
//
// Equivalent to: ip netns add NAME; ip netns del NAME
func addNetns(t *testing.T, name string) NamespaceID {
	t.Helper()
	runCmd(t, "ip", "netns", "add", name)
	path := "/run/netns/" + name
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
		checkUnmounted(t, path)
	})
	return mustNSIDAt(t, path)
}

// checkUnmounted fails the test if path exists or is a mount point in the
// test's mount namespace.
func checkUnmounted(t *testing.T, path string) {
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

// holderAt reports whether ns is held by a bind mount at path in mount
// namespace mntns.
func holderAt(ns *Namespace, path string, mntns NamespaceID) bool {
	return slices.Contains(ns.Holders, Holder{Kind: HeldByMount, Path: path, MountNS: mntns})
}

func pidsOf(procs []*Process) []int {
	out := make([]int, len(procs))
	for i, p := range procs {
		out[i] = p.PID
	}
	return out
}

// startFDHeld leaves a network namespace held only by descriptor 3 of a
// sleep: unshare --net sleep creates it, a second process opens it, and
// the first is killed. It returns the namespace and the holder's pid.
//
// Equivalent to: unshare --net sleep 1000 & sh -c 'exec 3</proc/PID/ns/net; exec sleep 1000' & kill -KILL PID
func startFDHeld(t *testing.T) (NamespaceID, int) {
	t.Helper()
	self := mustNSIDAt(t, "/proc/self/ns/net")
	creator := startFixture(t, "unshare", "--net", "sleep", "1000")
	var id NamespaceID
	creator.waitUntil(t, "unshare to exec sleep in a new net namespace", func() bool {
		id = nsOf(creator.pid(), Net)
		return commOf(creator.pid()) == "sleep" && !id.IsZero() && id != self
	})
	holder := startFixture(t, "sh", "-c", fmt.Sprintf("exec 3</proc/%d/ns/net && exec sleep 1000", creator.pid()))
	want := fmt.Sprintf("net:[%d]", id.Ino)
	holder.waitUntil(t, "the holder to open "+want+" as fd 3 and exec sleep", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.pid()))
		return target == want && commOf(holder.pid()) == "sleep"
	})
	creator.kill(t)
	return id, holder.pid()
}

// startThreadInNetns moves a new thread of the test process into a new
// network namespace and returns its tid. On cleanup the thread's goroutine
// returns still locked to it, so the Go runtime ends the thread, and the
// cleanup waits until it is gone.
//
// The runtime never ends the main thread: a goroutine that exits locked to
// it wedges it, here in the new namespace for the rest of the test binary
// (and /proc/self/ns, which is the main thread's, would show it). So a
// goroutine that finds itself on the main thread keeps it locked while a
// second goroutine, which now cannot be scheduled there, takes its place,
// and then gives it back unchanged.
func startThreadInNetns(t *testing.T) int {
	t.Helper()
	type started struct {
		tid int
		err error
	}
	ready := make(chan started)
	release := make(chan struct{})
	var enter func(ready chan<- started)
	enter = func(ready chan<- started) {
		runtime.LockOSThread()
		if unix.Gettid() == os.Getpid() {
			inner := make(chan started)
			go enter(inner)
			s := <-inner
			runtime.UnlockOSThread()
			ready <- s
			return
		}
		err := unix.Unshare(unix.CLONE_NEWNET)
		ready <- started{unix.Gettid(), err}
		if err == nil {
			<-release
		}
		// Returning without UnlockOSThread ends the thread.
	}
	go enter(ready)
	s := <-ready
	if s.err != nil {
		t.Fatalf("unshare(CLONE_NEWNET) on a thread: %v", s.err)
	}
	t.Cleanup(func() {
		close(release)
		task := fmt.Sprintf("/proc/self/task/%d", s.tid)
		if !pollFor(func() bool { _, err := os.Stat(task); return err != nil }) {
			t.Errorf("thread %d in a new net namespace is still running", s.tid)
		}
	})
	return s.tid
}

func atoiOr(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
