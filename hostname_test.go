package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestHostnameCommand(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, "unshare", "--uts", "sleep", "1000")
	self := nstest.MustIDAt(t, "/proc/self/ns/uts")
	p.WaitUntil(t, "sleep in a new uts namespace", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "uts") != self
	})
	pid := strconv.Itoa(p.PID())
	stdout, stderr, code := runNsdive(t, "hostname", "-t", pid, "nsdive-test-box")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "# nsenter -t " + pid + " -u hostname nsdive-test-box\n"; string(stderr) != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if want := "hostname of pid " + pid + ": nsdive-test-box\n"; string(stdout) != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	out, err := exec.Command("nsenter", "-t", pid, "-u", "hostname").Output()
	if err != nil || strings.TrimSpace(string(out)) != "nsdive-test-box" {
		t.Errorf("nsenter -t %s -u hostname: %q, %v; want nsdive-test-box", pid, out, err)
	}
	if _, stderr, code := runNsdive(t, "hostname", "-q", "-t", pid, "box2"); code != 0 || len(stderr) != 0 {
		t.Errorf("-q: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"hostname", "-t", strconv.Itoa(nstest.NoSuchPID(t)), "box"}, "nsdive hostname: no process has pid"},
		{[]string{"hostname", "-t", pid, "a b"}, `nsdive hostname: hostname "a b" has ' '`},
		{[]string{"hostname", "-t", pid, strings.Repeat("x", 65)}, "the kernel keeps at most 64"},
		{[]string{"hostname", "box"}, "nsdive hostname: -t: give the pid or container"},
	} {
		_, stderr, code := runNsdive(t, tc.args...)
		lines := strings.Split(strings.TrimSuffix(string(stderr), "\n"), "\n")
		if code != 1 || !strings.Contains(lines[0], tc.want) || len(lines) > 2 {
			t.Errorf("nsdive %.60s: exit %d, stderr %q; want exit 1 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}
