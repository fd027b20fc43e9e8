package nstest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Nested is a process in new namespaces of all eight types: unshare, which
// holds the new pid and time namespaces for its child, and the sleep it
// forked, pid 1 of the new pid namespace.
type Nested struct {
	Unshare int
	Init    int
	NS      map[string]ID // the sleep's namespaces, by type
}

// The time offsets StartNested gives its time namespace, and its hostname.
const (
	NestedMonotonic = 100 * time.Second
	NestedBoottime  = 200 * time.Second
	NestedHostname  = "nsdive-t"
)

// StartNested starts a process in new namespaces of all eight types, with
// root mapped to root, the hostname NestedHostname and time offsets.
//
// Equivalent to: unshare --user --map-root-user --pid --fork --mount --net --uts --ipc --cgroup --time --monotonic 100 --boottime 200 --mount-proc sh -c 'hostname nsdive-t && exec sleep 1000'
//
// It runs those tools, as tests may; the lab (nsdive demo) builds the
// same with nsdive's actions, over internal/sandbox.
func StartNested(t testing.TB) *Nested {
	t.Helper()
	p := Start(t, "unshare", "--user", "--map-root-user", "--pid", "--fork",
		"--mount", "--net", "--uts", "--ipc", "--cgroup", "--time",
		"--monotonic", strconv.Itoa(int(NestedMonotonic/time.Second)),
		"--boottime", strconv.Itoa(int(NestedBoottime/time.Second)),
		"--mount-proc", "sh", "-c", "hostname "+NestedHostname+" && exec sleep 1000")
	n := &Nested{Unshare: p.PID(), NS: make(map[string]ID)}
	p.WaitUntil(t, "unshare's child to exec sleep", func() bool {
		data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", n.Unshare, n.Unshare))
		children := strings.Fields(string(data))
		if len(children) != 1 {
			return false
		}
		n.Init, _ = strconv.Atoi(children[0])
		return Comm(n.Init) == "sleep"
	})
	for _, typ := range Types {
		n.NS[typ] = MustIDAt(t, fmt.Sprintf("/proc/%d/ns/%s", n.Init, typ))
	}
	return n
}

// NProcs is how many processes the namespace of type typ has: unshare and
// the sleep, but only the sleep is in the pid and time namespaces.
func (n *Nested) NProcs(typ string) int {
	if typ == "pid" || typ == "time" {
		return 1
	}
	return 2
}

// Lowest is the lowest pid in the namespace of type typ, the one lsns
// shows.
func (n *Nested) Lowest(typ string) int {
	if typ == "pid" || typ == "time" {
		return n.Init
	}
	return n.Unshare
}

// AddNetns creates a network namespace bound at /run/netns/name; the
// cleanup deletes it and checks it is gone.
//
// Equivalent to: ip netns add NAME; ip netns del NAME
//
// It runs those tools, as tests may; the lab (nsdive demo) builds the
// same with nsdive's actions, over internal/sandbox.
func AddNetns(t testing.TB, name string) ID {
	t.Helper()
	Run(t, "ip", "netns", "add", name)
	path := "/run/netns/" + name
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
		CheckUnmounted(t, path)
	})
	return MustIDAt(t, path)
}

// BindNamespace bind-mounts the namespace file nsPath at a new file in a
// temporary directory and returns its path. The cleanup unmounts it if the
// test has not, and unlinks the file, which detaches the copies that mount
// namespaces made meanwhile (by anyone, on a busy host) hold, as ip netns
// del does for its file.
//
// Equivalent to: touch FILE; mount --bind NSPATH FILE
func BindNamespace(t testing.TB, nsPath string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bound")
	Run(t, "touch", path)
	Run(t, "mount", "--bind", nsPath, path)
	id := MustIDAt(t, path)
	t.Cleanup(func() {
		if IDAt(path) == id {
			Run(t, "umount", path)
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("remove %s: %v", path, err)
		}
	})
	return path
}

// StartFDHeldPersisted leaves a network namespace held only by descriptor
// 3 of a sleep that opened it through /run/netns/NAME before `ip netns
// del` unmounted it: the descriptor's /proc link then reads "/", not
// "net:[N]", as a program that opened a persisted namespace sees it. It
// returns the namespace and the holder's pid.
//
// Equivalent to: ip netns add NAME; sh -c 'exec 3</run/netns/NAME; exec sleep 1000' & ip netns del NAME
//
// It runs those tools, as tests may; the lab (nsdive demo) builds the
// same with nsdive's actions, over internal/sandbox.
func StartFDHeldPersisted(t testing.TB, name string) (ID, int) {
	t.Helper()
	Run(t, "ip", "netns", "add", name)
	path := "/run/netns/" + name
	id := MustIDAt(t, path)
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			Run(t, "ip", "netns", "del", name)
		}
		CheckUnmounted(t, path)
	})
	holder := Start(t, "sh", "-c", "exec 3<"+path+" && exec sleep 1000")
	holder.WaitUntil(t, "the holder to open "+path+" as fd 3 and exec sleep", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.PID()))
		return target == path && Comm(holder.PID()) == "sleep"
	})
	Run(t, "ip", "netns", "del", name)
	deleted = true
	return id, holder.PID()
}

// StartFDHeld leaves a network namespace held only by descriptor 3 of a
// sleep: unshare --net sleep creates it, a second process opens it, and
// the first is killed. It returns the namespace and the holder's pid.
//
// Equivalent to: unshare --net sleep 1000 & sh -c 'exec 3</proc/PID/ns/net; exec sleep 1000' & kill -KILL PID
//
// It runs those tools, as tests may; the lab (nsdive demo) builds the
// same with nsdive's actions, over internal/sandbox.
func StartFDHeld(t testing.TB) (ID, int) {
	t.Helper()
	self := MustIDAt(t, "/proc/self/ns/net")
	creator := Start(t, "unshare", "--net", "sleep", "1000")
	var id ID
	creator.WaitUntil(t, "unshare to exec sleep in a new net namespace", func() bool {
		id = IDOf(creator.PID(), "net")
		return Comm(creator.PID()) == "sleep" && !id.IsZero() && id != self
	})
	holder := Start(t, "sh", "-c", fmt.Sprintf("exec 3</proc/%d/ns/net && exec sleep 1000", creator.PID()))
	want := fmt.Sprintf("net:[%d]", id.Ino)
	holder.WaitUntil(t, "the holder to open "+want+" as fd 3 and exec sleep", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.PID()))
		return target == want && Comm(holder.PID()) == "sleep"
	})
	creator.Kill(t)
	return id, holder.PID()
}
