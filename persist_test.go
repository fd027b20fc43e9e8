package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestPersistCommand(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, "unshare", "--net", "sleep", "1000")
	self := nstest.MustIDAt(t, "/proc/self/ns/net")
	p.WaitUntil(t, "sleep in a new net namespace", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "net") != self
	})
	pid := strconv.Itoa(p.PID())
	name := nstest.Name + "-cmd"
	path := "/run/netns/" + name
	t.Cleanup(func() {
		if nstest.IDAt(path) != (nstest.ID{}) {
			nstest.Run(t, "ip", "netns", "del", name)
		}
		nstest.CheckUnmounted(t, path)
	})
	stdout, stderr, code := runNsdive(t, "persist", "-t", pid, "--net", name)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "# mount --bind /proc/" + pid + "/ns/net " + path + "\n"; !strings.HasSuffix(string(stderr), want) {
		t.Errorf("stderr %q, want it to end in %q", stderr, want)
	}
	if want := "net namespace of pid " + pid + " persisted at " + path + "\n"; string(stdout) != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	out, err := exec.Command("ip", "netns", "exec", name, "readlink", "/proc/self/ns/net").Output()
	if want := fmt.Sprintf("net:[%d]", nstest.IDOf(p.PID(), "net").Ino); err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("ip netns exec %s readlink: %q, %v; want %s", name, out, err, want)
	}

	_, stderr, code = runNsdive(t, "persist", "-t", pid, "--net", name)
	if want := "nsdive persist: " + path + " already exists: choose another file (nsdive release " + path + " removes a persisted namespace)\n"; code != 1 || string(stderr) != want {
		t.Errorf("persist again: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}

	stdout, stderr, code = runNsdive(t, "release", name)
	if code != 0 || string(stdout) != "released "+path+"\n" || string(stderr) != "# umount -l "+path+"\n# rm "+path+"\n" {
		t.Errorf("release: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s is still there", path)
	}
	_, stderr, code = runNsdive(t, "release", "/etc/hostname")
	if code != 1 || !strings.Contains(string(stderr), "not a persisted namespace") {
		t.Errorf("release /etc/hostname: exit %d, stderr %q", code, stderr)
	}
}

// TestPersistMakesNetnsDirShared persists where /run/netns is no mount
// point (in a mount namespace of its own where it was unmounted): nsdive
// bind-mounts it on itself and makes it shared, as ip netns add does.
func TestPersistMakesNetnsDirShared(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, "unshare", "--net", "sleep", "1000")
	self := nstest.MustIDAt(t, "/proc/self/ns/net")
	p.WaitUntil(t, "sleep in a new net namespace", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "net") != self
	})
	name := nstest.Name + "-shared-dir"
	script := `while umount -l /run/netns 2>/dev/null; do :; done
"$0" persist -t "$1" --net "$2" || exit 1
findmnt -n -o PROPAGATION /run/netns
"$0" release -q "$2"`
	out, err := exec.Command("unshare", "-m", "sh", "-c", script, nsdiveBin, strconv.Itoa(p.PID()), name).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"# mount --rbind /run/netns /run/netns\n# mount --make-rshared /run/netns\n", "\nshared\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output does not have %q:\n%s", want, out)
		}
	}
	if _, err := os.Lstat("/run/netns/" + name); err == nil {
		t.Errorf("/run/netns/%s is still there", name)
		os.Remove("/run/netns/" + name)
	}
}
