package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// TestMountsTask checks mounts -p against the nested fixture's own mount
// namespace, in JSON and as a table.
func TestMountsTask(t *testing.T) {
	nstest.RequireRoot(t)
	n := startNested(t)
	pid := strconv.Itoa(n.Init)
	var out struct {
		MntNS  uint64 `json:"mntns"`
		PID    int    `json:"pid"`
		Mounts []struct {
			Target string `json:"target"`
			FSType string `json:"fstype"`
		} `json:"mounts"`
	}
	// The table can change under the test even though the fixture's
	// mounts are private: deleting a file that is a mount point, as ip
	// netns del does, unmounts it in every mount namespace, and the
	// fixture copied the host's /run/netns. Nothing mounts there, so what
	// nsdive lists lies between what mountinfo has before and after.
	before := mountTargets(t, n.Init)
	nsdiveJSON(t, &out, "mounts", "--json", "-p", pid)
	after := mountTargets(t, n.Init)
	if out.MntNS != n.ns["mnt"] || out.PID != n.Init {
		t.Errorf("mntns %d of pid %d, want %d of %d", out.MntNS, out.PID, n.ns["mnt"], n.Init)
	}
	got := make([]string, len(out.Mounts))
	for i, m := range out.Mounts {
		got[i] = m.Target
	}
	if !isSubsequence(got, before) || !isSubsequence(after, got) {
		t.Errorf("mount points %v; want those of /proc/%s/mountinfo, which had\n%v before and\n%v after", got, pid, before, after)
	}
	procMounted := false
	for _, m := range out.Mounts {
		procMounted = procMounted || (m.Target == "/proc" && m.FSType == "proc")
	}
	if !procMounted {
		t.Errorf("no proc at /proc among %+v (unshare --mount-proc mounted one)", out.Mounts)
	}

	stdout, stderr, code := runNsdive(t, "mounts", "-p", pid)
	header := fmt.Sprintf("mount namespace %d (pid %d)\n", n.ns["mnt"], n.Init)
	if code != 0 || !strings.HasPrefix(string(stdout), header) || !strings.Contains(string(stdout), " /proc ") {
		t.Errorf("nsdive mounts -p %s: exit %d, want a table under %q with /proc\n%s%s", pid, code, header, stdout, stderr)
	}
}

// isSubsequence reports whether every element of sub is in seq, in the
// same order.
func isSubsequence(sub, seq []string) bool {
	for _, s := range sub {
		i := slices.Index(seq, s)
		if i < 0 {
			return false
		}
		seq = seq[i+1:]
	}
	return true
}

// mountinfoUnescape undoes the octal escapes mountinfo writes in paths.
var mountinfoUnescape = strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)

// mountTargets returns the mount points of process pid's mount namespace
// in mountinfo order.
func mountTargets(t *testing.T, pid int) []string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for line := range strings.Lines(string(data)) {
		if fields := strings.Fields(line); len(fields) > 4 {
			targets = append(targets, mountinfoUnescape.Replace(fields[4]))
		}
	}
	return targets
}
