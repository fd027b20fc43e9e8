package nstest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsdive/nsdive/internal/nsfile"
	"golang.org/x/sys/unix"
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
// It runs unshare, as tests may: the namespaces are a process's, made by
// clone or unshare in that process, and the lab's processes in new
// namespaces are nsdive re-executed (internal/child), which a test binary
// is not; nsdive unshare's own tests cover that path.
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
// cleanup deletes it and checks it is gone. It runs nsdive's own code for
// it (internal/nsfile), which persist, release and the lab run too.
//
// Equivalent to: ip netns add NAME; ip netns del NAME
func AddNetns(t testing.TB, name string) ID {
	t.Helper()
	path := nsfile.NetnsDir + "/" + name
	if err := nsfile.AddNetns(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nsfile.DeleteNetns(path); err != nil {
			t.Error(err)
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
// The namespace is made and deleted by nsdive's own code, as AddNetns.
func StartFDHeldPersisted(t testing.TB, name string) (ID, int) {
	t.Helper()
	path := nsfile.NetnsDir + "/" + name
	if err := nsfile.AddNetns(path); err != nil {
		t.Fatal(err)
	}
	id := MustIDAt(t, path)
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			if err := nsfile.DeleteNetns(path); err != nil {
				t.Error(err)
			}
		}
		CheckUnmounted(t, path)
	})
	holder := Start(t, "sh", "-c", "exec 3<"+path+" && exec sleep 1000")
	holder.WaitUntil(t, "the holder to open "+path+" as fd 3 and exec sleep", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.PID()))
		return target == path && Comm(holder.PID()) == "sleep"
	})
	if err := nsfile.DeleteNetns(path); err != nil {
		t.Fatal(err)
	}
	deleted = true
	return id, holder.PID()
}

// StartFDHeld leaves a network namespace held only by descriptor 3 of a
// sleep: nsdive's own code makes it on a thread that ends (nsfile.New, as
// the lab's keeper holds its uts namespace), and the sleep inherits the
// descriptor. It returns the namespace and the holder's pid.
//
// Equivalent to: unshare --net sleep 1000 & sh -c 'exec 3</proc/PID/ns/net; exec sleep 1000' & kill -KILL PID
func StartFDHeld(t testing.TB) (ID, int) {
	t.Helper()
	fd, err := nsfile.New(unix.CLONE_NEWNET, nil)
	if err != nil {
		t.Fatal(err)
	}
	netns := os.NewFile(uintptr(fd), "netns")
	defer netns.Close()
	id := MustIDAt(t, fmt.Sprintf("/proc/self/fd/%d", fd))
	holder := StartWith(t, []*os.File{netns}, "sleep", "1000")
	want := fmt.Sprintf("net:[%d]", id.Ino)
	holder.WaitUntil(t, "sleep to hold "+want+" as fd 3", func() bool {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/3", holder.PID()))
		return target == want && Comm(holder.PID()) == "sleep"
	})
	return id, holder.PID()
}
