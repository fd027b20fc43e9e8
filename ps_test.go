package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestPSDiffer checks that ps --differ shows the nested fixture with all
// ten links starred, and in JSON lists only processes outside the initial
// namespaces.
func TestPSDiffer(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	stdout, stderr, code := runNsdive(t, "ps", "--differ")
	if code != 0 {
		t.Fatalf("nsdive ps --differ: exit %d\n%s", code, stderr)
	}
	var row string
	for line := range strings.Lines(string(stdout)) {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == strconv.Itoa(n.Init) {
			row = line
		}
	}
	if row == "" || !strings.HasSuffix(strings.TrimSpace(row), "sleep 1000") || strings.Count(row, "*") != 10 {
		t.Errorf("nsdive ps --differ: want a row for %d (sleep 1000) with ten starred links, got %q in\n%s", n.Init, row, stdout)
	}

	var out struct {
		Processes []struct {
			PID        int      `json:"pid"`
			NotInitial []string `json:"not_initial"`
		} `json:"processes"`
	}
	nsdiveJSON(t, &out, "ps", "--differ", "--json")
	listed := false
	for _, p := range out.Processes {
		if p.PID == os.Getpid() {
			t.Errorf("the test process, in the initial namespaces, is listed: %+v", p)
		}
		if len(p.NotInitial) == 0 {
			t.Errorf("process %d is listed with no link outside the initial namespaces", p.PID)
		}
		listed = listed || p.PID == n.Init
	}
	if !listed {
		t.Errorf("nsdive ps --differ --json does not list the fixture's sleep %d", n.Init)
	}
}
