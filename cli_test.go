package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestHelpGoesToStdout checks that every command prints its help on
// stdout and exits 0.
func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"explore", "--help"}, {"list", "--help"}, {"ps", "-h"}, {"mounts", "--help"}, {"hostname", "--help"}, {"persist", "--help"}, {"release", "--help"}, {"veth", "--help"}, {"propagation", "--help"}} {
		stdout, stderr, code := runNsdive(t, args...)
		if code != 0 || !strings.HasPrefix(string(stdout), "Usage: nsdive") || len(stderr) != 0 {
			t.Errorf("nsdive %s: exit %d, stdout %.40q, stderr %q; want usage on stdout only", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

// TestHugeArgumentIsQuotedShort checks that a message quotes only the
// start of a huge argument.
func TestHugeArgumentIsQuotedShort(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	for _, args := range [][]string{{"list", "-t", huge}, {"list", "--" + huge}, {"list", huge}, {huge}, {"list", "-p", huge}, {"list", "-o", huge}} {
		_, stderr, code := runNsdive(t, args...)
		if code != 1 || len(stderr) > 400 || !strings.Contains(strings.ToLower(string(stderr)), "xxxxxxxx") {
			t.Errorf("nsdive %.20s…: exit %d, %d bytes on stderr; want exit 1 and a short message quoting the start:\n%.500s", strings.Join(args, " "), code, len(stderr), stderr)
		}
	}
}

// TestMountsOfZombie checks that mounts -p of a zombie says it has
// exited, where it used to blame missing capabilities.
func TestMountsOfZombie(t *testing.T) {
	nstest.RequireRoot(t)
	zombie := nstest.StartZombie(t)
	stdout, stderr, code := runNsdive(t, "mounts", "-p", strconv.Itoa(zombie))
	if code != 1 || len(stdout) != 0 || !strings.Contains(string(stderr), "zombie") || strings.Contains(string(stderr), "capabilit") {
		t.Errorf("mounts -p ZOMBIE: exit %d, stderr %q; want exit 1 saying it is a zombie", code, stderr)
	}
}

// TestListUnreadableTask checks that list -p of a process whose
// namespaces cannot be read fails as mounts -p does, instead of printing
// an empty table.
func TestListUnreadableTask(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	n := startNested(t)
	stdout, stderr, code := runNsdiveAs(t, nobody, "list", "-p", strconv.Itoa(n.Init))
	want := fmt.Sprintf("cannot read the namespaces of process %d: run nsdive as root", n.Init)
	if code != 1 || len(stdout) != 0 || !strings.Contains(string(stderr), want) {
		t.Errorf("list -p %d as nobody: exit %d, stdout %q, stderr %q; want exit 1 and %q", n.Init, code, stdout, stderr, want)
	}
	// Where even root cannot read pid 1, as on some hosts, the same.
	if _, err := os.Readlink("/proc/1/ns/net"); err != nil {
		stdout, stderr, code := runNsdive(t, "list", "-p", "1")
		if code != 1 || len(stdout) != 0 || !strings.Contains(string(stderr), "cannot read the namespaces of process 1") {
			t.Errorf("list -p 1, which root cannot read here (%v): exit %d, stdout %q, stderr %q; want exit 1", err, code, stdout, stderr)
		}
	}
}

// TestNoWarningOnHealthyHost checks that root gets no warning on stderr
// when all it could not read is pid 1, as on hosts where pid 1 holds a
// capability root lacks: that is no part of the view.
func TestNoWarningOnHealthyHost(t *testing.T) {
	nstest.RequireRoot(t)
	for _, args := range [][]string{{"list"}, {"ps"}, {"mounts"}} {
		_, stderr, code := runNsdive(t, args...)
		if code != 0 || len(stderr) != 0 {
			t.Errorf("nsdive %s as root: exit %d, stderr %q; want no warning", args[0], code, stderr)
		}
	}
}
