package nsfile_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nsfile"
	"github.com/nsdive/nsdive/internal/nstest"
	"golang.org/x/sys/unix"
)

// TestAddAndDeleteNetns makes a network namespace as ip netns add does and
// checks it with the kernel and with ip: an nsfs mount of a new network
// namespace, which no thread of this program is in; deleting it leaves no
// mount and no file.
func TestAddAndDeleteNetns(t *testing.T) {
	nstest.RequireRoot(t)
	name := fmt.Sprintf("nsdive-nsfile-%d", os.Getpid())
	path := nsfile.NetnsDir + "/" + name
	if err := nsfile.AddNetns(path); err != nil {
		t.Fatal(err)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			_ = nsfile.DeleteNetns(path)
		}
	})
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil || fs.Type != unix.NSFS_MAGIC {
		t.Fatalf("statfs %s: type %#x, %v; want nsfs", path, fs.Type, err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	kind, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	unix.Close(fd)
	if err != nil || kind != unix.CLONE_NEWNET {
		t.Errorf("NS_GET_NSTYPE of %s = %#x, %v; want CLONE_NEWNET", path, kind, err)
	}
	id := nstest.MustIDAt(t, path)
	// The thread that made it is thrown away: it may take a moment to end.
	var inside []string
	if !nstest.Poll(func() bool {
		inside = inside[:0]
		tasks, _ := os.ReadDir("/proc/self/task")
		for _, task := range tasks {
			if nstest.IDAt("/proc/self/task/"+task.Name()+"/ns/net") == id {
				inside = append(inside, task.Name())
			}
		}
		return len(inside) == 0
	}) {
		t.Errorf("threads %v stay in the new namespace", inside)
	}
	if out, err := exec.Command("ip", "netns", "list").Output(); err != nil || !strings.Contains(string(out), name) {
		t.Errorf("ip netns list: %v\n%s\nwant %s in it", err, out, name)
	}
	if err := nsfile.AddNetns(path); !errors.Is(err, nsfile.ErrExists) {
		t.Errorf("a second AddNetns at %s = %v, want ErrExists", path, err)
	}
	if nstest.IDAt(path) != id {
		t.Errorf("the second AddNetns changed %s", path)
	}

	if err := nsfile.DeleteNetns(path); err != nil {
		t.Fatal(err)
	}
	deleted = true
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after DeleteNetns, %s: %v, want it gone", path, err)
	}
	nstest.CheckUnmounted(t, path)
}

// TestAddNetnsFailsCleanly: AddNetns where the file cannot be made leaves
// nothing; DeleteNetns of a file that is no mount removes nothing.
func TestAddNetnsFailsCleanly(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	if err := nsfile.AddNetns(dir + "/missing/netns"); err == nil || !strings.Contains(err.Error(), dir+"/missing/netns") {
		t.Errorf("AddNetns in a missing directory = %v, want an error naming the path", err)
	}
	plain := dir + "/plain"
	if err := os.WriteFile(plain, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nsfile.AddNetns(plain); !errors.Is(err, nsfile.ErrExists) {
		t.Errorf("AddNetns over a file = %v, want ErrExists", err)
	}
	if err := nsfile.DeleteNetns(plain); err == nil {
		t.Error("DeleteNetns of a plain file succeeded")
	}
	if data, err := os.ReadFile(plain); err != nil || string(data) != "data" {
		t.Errorf("the plain file is now %q, %v; want it untouched", data, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%s holds %v, want the plain file alone", dir, entries)
	}
}

// TestNew makes a uts namespace with a hostname set inside, and refuses a
// type that a thread cannot make; a failing setup returns its error and
// no descriptor.
func TestNew(t *testing.T) {
	nstest.RequireRoot(t)
	fd, err := nsfile.New(unix.CLONE_NEWUTS, func() error { return unix.Sethostname([]byte("nsfile-new")) })
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	id := nstest.MustIDAt(t, fmt.Sprintf("/proc/self/fd/%d", fd))
	if id == nstest.MustIDAt(t, "/proc/self/ns/uts") {
		t.Error("New gave the test's own uts namespace")
	}
	out, err := exec.Command("nsenter", fmt.Sprintf("--uts=/proc/%d/fd/%d", os.Getpid(), fd), "hostname").Output()
	if err != nil || strings.TrimSpace(string(out)) != "nsfile-new" {
		t.Errorf("hostname inside: %q, %v; want nsfile-new", out, err)
	}
	if _, err := nsfile.New(unix.CLONE_NEWUSER, nil); err == nil {
		t.Error("New made a user namespace on a thread of a multithreaded program")
	}
	failed := errors.New("setup failed")
	if fd, err := nsfile.New(unix.CLONE_NEWNET, func() error { return failed }); !errors.Is(err, failed) || fd >= 0 {
		t.Errorf("New with a failing setup = %d, %v; want -1 and its error", fd, err)
	}
}
