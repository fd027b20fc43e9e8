package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The namespaces the tests of nsdive's commands look for; each is removed
// on cleanup, with every process it needed.

// fixture is a process started for a test, in its own process group.
type fixture struct {
	cmd    *exec.Cmd
	stderr string // the file its standard error goes to
	once   sync.Once
}

// startFixture starts args in a process group of its own; t.Cleanup
// SIGKILLs the group (unshare --fork ignores SIGTERM, a pid namespace's
// init ignores unhandled signals) and waits until none of it runs.
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

// kill SIGKILLs the process group, reaps the leader and waits until no
// member runs; an orphaned member is a zombie until init reaps it.
func (f *fixture) kill(t *testing.T) {
	t.Helper()
	f.once.Do(func() {
		pgid := f.pid()
		_ = unix.Kill(-pgid, unix.SIGKILL)
		_ = f.cmd.Wait()
		if !pollFor(func() bool { return !groupRuns(pgid) }) {
			t.Errorf("process group %d still runs after SIGKILL", pgid)
		}
	})
}

// waitUntil polls cond, failing the test with the fixture's stderr after
// ten seconds.
func (f *fixture) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !pollFor(cond) {
		msg, _ := os.ReadFile(f.stderr)
		t.Fatalf("%s: not ready after 10s: %s\nstderr: %s", strings.Join(f.cmd.Args, " "), what, msg)
	}
}

// pollFor polls cond every few milliseconds for up to ten seconds.
func pollFor(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// groupRuns reports whether a process of group pgid is alive and not a
// zombie.
func groupRuns(pgid int) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, name := range stats {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		// After the command: state, ppid, pgrp.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

func commOf(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSuffix(string(data), "\n")
}

// inoAt returns the inode of the namespace an nsfs file or /proc link
// names, or 0.
func inoAt(path string) uint64 {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return 0
	}
	return st.Ino
}

func runCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// namespaceTypes are the eight types, as nsdive and lsns name them.
var namespaceTypes = []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

// nested is a process in new namespaces of every type.
type nested struct {
	unshare, init int
	ns            map[string]uint64 // the sleep's namespaces by type
}

// startNested starts a process in new namespaces of all eight types with
// the hostname nsdive-t.
//
// Equivalent to: unshare --user --map-root-user --pid --fork --mount --net --uts --ipc --cgroup --time --mount-proc sh -c 'hostname nsdive-t; exec sleep 1000'
func startNested(t *testing.T) *nested {
	t.Helper()
	f := startFixture(t, "unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount",
		"--net", "--uts", "--ipc", "--cgroup", "--time", "--mount-proc",
		"sh", "-c", "hostname nsdive-t && exec sleep 1000")
	n := &nested{unshare: f.pid(), ns: make(map[string]uint64)}
	f.waitUntil(t, "unshare's child to exec sleep", func() bool {
		data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", n.unshare, n.unshare))
		children := strings.Fields(string(data))
		if len(children) != 1 {
			return false
		}
		n.init, _ = strconv.Atoi(children[0])
		return commOf(n.init) == "sleep"
	})
	for _, typ := range namespaceTypes {
		if n.ns[typ] = inoAt(fmt.Sprintf("/proc/%d/ns/%s", n.init, typ)); n.ns[typ] == 0 {
			t.Fatalf("cannot read the %s namespace of %d", typ, n.init)
		}
	}
	return n
}

// nprocs is how many processes each of its namespaces has: unshare and
// the sleep, but unshare only holds the pid and time namespaces for its
// child.
func (n *nested) nprocs(typ string) int {
	if typ == "pid" || typ == "time" {
		return 1
	}
	return 2
}

// lowest is the pid lsns and nsdive show for each of its namespaces.
func (n *nested) lowest(typ string) int {
	if typ == "pid" || typ == "time" {
		return n.init
	}
	return n.unshare
}

// addNetns creates a network namespace bound at /run/netns/name and
// deletes it on cleanup.
//
// Equivalent to: ip netns add NAME; ip netns del NAME
func addNetns(t *testing.T, name string) uint64 {
	t.Helper()
	runCmd(t, "ip", "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
		if _, err := os.Lstat("/run/netns/" + name); err == nil {
			t.Errorf("/run/netns/%s is still there", name)
		}
	})
	ino := inoAt("/run/netns/" + name)
	if ino == 0 {
		t.Fatalf("cannot read /run/netns/%s", name)
	}
	return ino
}

// startFDHeld leaves a network namespace held only by descriptor 3 of a
// sleep, and returns it and the holder's pid.
//
// Equivalent to: unshare --net sleep 1000 & sh -c 'exec 3</proc/PID/ns/net; exec sleep 1000' & kill -KILL PID
func startFDHeld(t *testing.T) (uint64, int) {
	t.Helper()
	self := inoAt("/proc/self/ns/net")
	creator := startFixture(t, "unshare", "--net", "sleep", "1000")
	var ino uint64
	creator.waitUntil(t, "unshare to exec sleep in a new net namespace", func() bool {
		ino = inoAt(fmt.Sprintf("/proc/%d/ns/net", creator.pid()))
		return commOf(creator.pid()) == "sleep" && ino != 0 && ino != self
	})
	holder := startFixture(t, "sh", "-c", fmt.Sprintf("exec 3</proc/%d/ns/net && exec sleep 1000", creator.pid()))
	want := fmt.Sprintf("net:[%d]", ino)
	holder.waitUntil(t, "the holder to open "+want+" as fd 3", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.pid()))
		return target == want && commOf(holder.pid()) == "sleep"
	})
	creator.kill(t)
	return ino, holder.pid()
}

// fixtures are the namespaces the list tests look for.
type fixtures struct {
	nested   *nested
	mounted  uint64 // net namespace bound at /run/netns/fixtureName
	fdHeld   uint64 // net namespace held by descriptor 3 of fdHolder
	fdHolder int
}

func startFixtures(t *testing.T) *fixtures {
	t.Helper()
	f := &fixtures{nested: startNested(t), mounted: addNetns(t, fixtureName)}
	f.fdHeld, f.fdHolder = startFDHeld(t)
	return f
}
