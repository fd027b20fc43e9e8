package main

import (
	"encoding/json"
	"strings"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// nobody is the unprivileged user the tests run nsdive as.
var nobody = &syscall.Credential{Uid: 65534, Gid: 65534}

// TestUnprivilegedIsPartial runs nsdive as nobody, who may read only its
// own processes' namespace links: the commands still succeed, show what
// they could read, count what they could not and say so on stderr, and
// fail with advice where the one thing asked for cannot be read.
func TestUnprivilegedIsPartial(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	bound := nstest.AddNetns(t, nstest.Name+"-nobody").Ino
	stdout, stderr, code := runNsdiveAs(t, nobody, "list", "--json")
	if code != 0 {
		t.Fatalf("nsdive list --json as nobody: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(string(stderr), "nsdive list: cannot read the namespaces of ") || !strings.Contains(string(stderr), "run nsdive as root") {
		t.Errorf("stderr of list as nobody = %q, want a warning that says to run as root", stderr)
	}
	var list lsnsOutput
	if err := json.Unmarshal(stdout, &list); err != nil {
		t.Fatalf("list --json as nobody: %v\n%s", err, stdout)
	}
	rows := list.byNS()
	if len(rows) < len(nstest.Types) {
		t.Errorf("list as nobody shows %d namespaces, want at least its own %d", len(rows), len(nstest.Types))
	}
	// The host's other namespaces come and go; those with processes must
	// be nobody's, and those without (held by a bind mount, as the test's
	// own is) name no process.
	for _, r := range rows {
		switch {
		case r.NProcs == 0 && (r.PID != nil || r.User != nil):
			t.Errorf("list as nobody shows %+v: a namespace without processes has no pid or user", r)
		case r.NProcs > 0 && (r.User == nil || *r.User != "nobody"):
			t.Errorf("list as nobody shows %+v: only nobody's processes are readable", r)
		}
	}
	if r, ok := rows[bound]; !ok || r.Type != "net" || r.NProcs != 0 {
		t.Errorf("list as nobody: the net namespace bound at /run/netns/%s-nobody is %+v (listed %v); want it listed, with no process", nstest.Name, r, ok)
	}

	var details struct {
		Unreadable struct {
			Processes int `json:"processes"`
			Links     int `json:"links"`
		} `json:"unreadable"`
		Processes []struct {
			PID        int             `json:"pid"`
			Namespaces map[string]*int `json:"namespaces"`
		} `json:"processes"`
	}
	stdout, stderr, code = runNsdiveAs(t, nobody, "list", "--json", "--details")
	if code != 0 {
		t.Fatalf("nsdive list --json --details as nobody: exit %d\n%s", code, stderr)
	}
	if err := json.Unmarshal(stdout, &details); err != nil {
		t.Fatalf("list --json --details as nobody: %v", err)
	}
	blank := 0
	for _, p := range details.Processes {
		if p.Namespaces["net"] == nil {
			blank++
		}
	}
	if details.Unreadable.Processes == 0 || details.Unreadable.Processes != blank || details.Unreadable.Links < 8*blank {
		t.Errorf("unreadable %+v, with %d processes whose links are null: want them counted", details.Unreadable, blank)
	}

	stdout, stderr, code = runNsdiveAs(t, nobody, "mounts")
	if code != 0 || !strings.HasPrefix(string(stdout), "mount namespace ") || !strings.Contains(string(stderr), "nsdive mounts: cannot read the namespaces of ") {
		t.Errorf("mounts as nobody: exit %d, stdout %.40q, stderr %q; want its own table and a warning", code, stdout, stderr)
	}
	_, stderr, code = runNsdiveAs(t, nobody, "mounts", "-p", "1")
	if code != 1 || !strings.Contains(string(stderr), "cannot read the mount namespace of process 1: run nsdive as root") {
		t.Errorf("mounts -p 1 as nobody: exit %d, stderr %q; want exit 1 and advice to run as root", code, stderr)
	}
}
