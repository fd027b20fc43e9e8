package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
			"# nsenter -t " + pid + " -m -u -i -n -p -C -U -T -- /bin/sh -c hostname\n# running /bin/sh from the target's mount namespace\n", 0},
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
