package main

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

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestEnter(t *testing.T) {
	nstest.RequireRoot(t)
	n := nstest.StartNested(t)
	pid := strconv.Itoa(n.Init)
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"--uts", "--", "hostname"}, nstest.NestedHostname + "\n",
			"# nsenter -t " + pid + " -u -- hostname\n", 0},
		{[]string{"--all", "/bin/sh", "-c", "hostname"}, nstest.NestedHostname + "\n",
			"# nsenter -t " + pid + " -m -u -i -n -p -C -U -T -- /bin/sh -c hostname\n# running " + running("/bin/sh") + " from the target's mount namespace\n", 0},
		{[]string{"-q", "--user", "--", "id", "-u"}, "0\n", "", 0},
		{[]string{"-q", "-u", "sh", "-c", "exit 3"}, "", "", 3},
		{[]string{"-q", "-m", "nsdive-no-such-command"}, "",
			"nsdive enter: nsdive-no-such-command: command not found in the target's mount namespace\n", 127},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, code := runNsdive(t, append([]string{"enter", "-t", pid}, tc.args...)...)
			if string(stdout) != tc.stdout || string(stderr) != tc.stderr || code != tc.code {
				t.Errorf("stdout %q, stderr %q, status %d; want %q, %q, %d", stdout, stderr, code, tc.stdout, tc.stderr, tc.code)
			}
		})
	}
}

// running is how enter names the binary at path that it runs from the
// target's mount namespace, which is the test's own file system here:
// the path, and the file it leads to when that is another.
func running(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		return path + " (" + real + ")"
	}
	return path
}

func TestEnterBadInput(t *testing.T) {
	nstest.RequireRoot(t)
	dead := nstest.NoSuchPID(t)
	notNS := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notNS, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sleeper := nstest.Start(t, "sleep", "1000")
	self := strconv.Itoa(sleeper.PID())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-t", strconv.Itoa(dead), "--net", "true"}, fmt.Sprintf("no process has pid %d: see nsdive ps", dead)},
		{[]string{"-t", "nsdive-test-nothing", "--net", "true"}, "no container named nsdive-test-nothing: see nsdive list -o +CONTAINER"},
		{[]string{"-t", self, "--ns", "net=" + notNS, "true"}, "--ns net=" + notNS + ": not a namespace file: give /proc/PID/ns/net or a bind mount of one"},
		{[]string{"-t", self, "--ns", "uts=/proc/" + self + "/ns/net", "true"}, "--ns uts=/proc/" + self + "/ns/net: a net namespace, not uts"},
		{[]string{"-t", self, "--all", "true"}, "pid " + self + " is in nsdive's own namespaces: nothing to enter"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, code := runNsdive(t, append([]string{"enter"}, tc.args...)...)
			if want := "nsdive enter: " + tc.want + "\n"; len(stdout) != 0 || string(stderr) != want || code != 1 {
				t.Errorf("stdout %q, stderr %q, status %d; want only %q and status 1", stdout, stderr, code, want)
			}
		})
	}
	t.Run("not root", func(t *testing.T) {
		stdout, stderr, code := runNsdiveAs(t, nobody, "enter", "-t", self, "--net", "true")
		if want := "nsdive enter: pid " + self + " has no readable namespaces: run as root\n"; len(stdout) != 0 || string(stderr) != want || code != 1 {
			t.Errorf("stdout %q, stderr %q, status %d; want only %q and status 1", stdout, stderr, code, want)
		}
	})
}

// TestEnterWithoutCgo builds nsdive as CGO_ENABLED=0 builds it, without
// the helper that joins namespaces, and checks that enter says how to
// rebuild.
func TestEnterWithoutCgo(t *testing.T) {
	nstest.RequireRoot(t)
	bin := filepath.Join(t.TempDir(), "nsdive-static")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "enter", "-t", strconv.Itoa(os.Getpid()), "--uts", "true").CombinedOutput()
	want := "nsdive enter: joining namespaces needs nsdive built with cgo: rebuild it with CGO_ENABLED=1 and gcc installed (go install github.com/nsdive/nsdive@latest)\n"
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 || string(out) != want {
		t.Errorf("enter without cgo: %v, %q; want status 1 and %q", err, out, want)
	}
}

// TestEnterRootless enters, as nobody, a user namespace nobody made and
// a uts namespace it owns: the kernel refuses the uts namespace until
// nsdive is in the user namespace, so it is joined in nsenter's second
// pass, after the user namespace. As with nsenter, becoming root there
// fails where nobody may not drop its groups, and --preserve-credentials
// keeps nobody's ids, which are root's there (--map-root-user mapped root
// to nobody).
func TestEnterRootless(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	p := nstest.Start(t, "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
		"unshare", "--user", "--map-root-user", "--uts", "sh", "-c", "hostname nsdive-rootless && exec sleep 1000")
	p.WaitUntil(t, "sleeping in its namespaces", func() bool { return nstest.Comm(p.PID()) == "sleep" })
	pid := strconv.Itoa(p.PID())
	stdout, stderr, code := runNsdiveAs(t, nobody, "enter", "-q", "-t", pid, "--user", "--uts", "--preserve-credentials", "--", "sh", "-c", "hostname; id -u")
	if string(stdout) != "nsdive-rootless\n0\n" || code != 0 {
		t.Errorf("enter as nobody with --preserve-credentials: status %d, stdout %q, stderr %q; want the hostname and uid 0", code, stdout, stderr)
	}
	stdout, stderr, code = runNsdiveAs(t, nobody, "enter", "-q", "-t", pid, "--user", "--uts", "hostname")
	if want := "nsdive enter: setgroups in the user namespace: Operation not permitted: use --preserve-credentials\n"; len(stdout) != 0 || string(stderr) != want || code != 1 {
		t.Errorf("enter as nobody: status %d, stdout %q, stderr %q; want status 1 and %q, as nsenter", code, stdout, stderr, want)
	}
}

// TestEnterRelaysSignals enters a pid namespace, where the command runs
// in a child of the helper, and checks that a command killed by a signal
// makes nsdive exit with 128 plus the signal, and that SIGTERM sent to
// nsdive reaches the command through nsdive and the helper.
func TestEnterRelaysSignals(t *testing.T) {
	nstest.RequireRoot(t)
	n := nstest.StartNested(t)
	pid := strconv.Itoa(n.Init)
	if _, _, code := runNsdive(t, "enter", "-q", "-t", pid, "--pid", "--", "sh", "-c", "kill -TERM $$"); code != 128+15 {
		t.Errorf("a command killed by SIGTERM: nsdive exited %d, want %d", code, 128+15)
	}

	cmd := exec.Command(nsdiveBin, "enter", "-q", "-t", pid, "--pid", "--", "sleep", "1001")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var sleeper int
	if !nstest.Poll(func() bool { sleeper = grandchild(cmd.Process.Pid); return nstest.Comm(sleeper) == "sleep" }) {
		t.Fatal("the command did not start")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("nsdive still runs 10 s after SIGTERM")
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 128+15 {
		t.Errorf("nsdive sent SIGTERM: %v, want exit status %d", err, 128+15)
	}
	if nstest.Comm(sleeper) != "" {
		t.Errorf("the command, pid %d, still runs", sleeper)
	}
}

// grandchild returns the first child of pid's first child, or 0. A
// child is listed in the children file of the thread that forked it.
func grandchild(pid int) int {
	for range 2 {
		files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
		var children []string
		for _, f := range files {
			data, _ := os.ReadFile(f)
			children = append(children, strings.Fields(string(data))...)
		}
		if len(children) == 0 {
			return 0
		}
		pid, _ = strconv.Atoi(children[0])
	}
	return pid
}
