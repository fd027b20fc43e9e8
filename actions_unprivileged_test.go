package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestActionsNeedRoot runs each action as nobody: one line that says to
// run as root, status 1, and nothing made.
func TestActionsNeedRoot(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	p := nstest.Start(t, "unshare", "--uts", "--net", "--mount", "sleep", "1000")
	self := nstest.MustIDAt(t, "/proc/self/ns/uts")
	p.WaitUntil(t, "sleep in new namespaces", func() bool {
		return nstest.Comm(p.PID()) == "sleep" && nstest.IDOf(p.PID(), "uts") != self
	})
	pid := strconv.Itoa(p.PID())
	name := nstest.Name + "-nobody-act"
	nstest.AddNetns(t, name)
	persistName := nstest.Name + "-nobody-persist"
	for _, args := range [][]string{
		{"hostname", "-t", pid, "box"},
		{"persist", "-t", pid, "--net", persistName},
		{"propagation", "-t", pid, "/", "private"},
		{"veth", name, "host"},
		{"release", name},
	} {
		_, stderr, code := runNsdiveAs(t, nobody, args...)
		var errLines []string
		for line := range strings.Lines(string(stderr)) {
			if !strings.HasPrefix(line, "# ") {
				errLines = append(errLines, line)
			}
		}
		if code != 1 || len(errLines) != 1 || !strings.HasSuffix(errLines[0], ": run as root\n") {
			t.Errorf("nsdive %s as nobody: exit %d, stderr %q; want 1 and one line that ends in run as root", strings.Join(args, " "), code, stderr)
		}
	}
	if _, err := os.Lstat("/run/netns/" + persistName); err == nil {
		t.Errorf("/run/netns/%s was made", persistName)
	}
	if nstest.IDAt("/run/netns/" + name).IsZero() {
		t.Errorf("release as nobody unmounted /run/netns/%s", name)
	}
}
