package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestPropagationCommand(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	self := nstest.MustIDAt(t, "/proc/self/ns/mnt")
	p := nstest.Start(t, "unshare", "-m", "sh", "-c", "mount -t tmpfs nsdive-test "+dir+" && exec sleep 1000")
	p.WaitUntil(t, "a tmpfs in a new mount namespace", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "mnt") != self
	})
	pid := strconv.Itoa(p.PID())
	stdout, stderr, code := runNsdive(t, "propagation", "-t", pid, dir, "shared")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "# nsenter -t " + pid + " -m mount --make-shared " + dir + "\n"; string(stderr) != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if want := dir + " in the mount namespace of pid " + pid + ": shared\n"; string(stdout) != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	mountinfo, err := os.ReadFile(fmt.Sprintf("/proc/%s/mountinfo", pid))
	if err != nil {
		t.Fatal(err)
	}
	shared := false
	for line := range strings.Lines(string(mountinfo)) {
		if f := strings.Fields(line); len(f) > 6 && f[4] == dir && strings.HasPrefix(f[6], "shared:") {
			shared = true
		}
	}
	if !shared {
		t.Errorf("%s is not shared in pid %s's mountinfo:\n%s", dir, pid, mountinfo)
	}
	_, stderr, code = runNsdive(t, "propagation", "-t", pid, "/etc", "private")
	if want := "nsdive propagation: /etc is not a mount point in the mount namespace of pid " + pid + ": see nsdive mounts -p " + pid + "\n"; code != 1 || string(stderr) != want {
		t.Errorf("/etc: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}
