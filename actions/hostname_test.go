package actions

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

// startInNew starts a sleep in new namespaces of the given unshare flags
// ("--uts", "--net", ...) and returns it as a Target once it sleeps there.
//
// Equivalent to: unshare FLAGS... sleep 1000
func startInNew(t *testing.T, flags ...string) Target {
	t.Helper()
	typ := strings.TrimPrefix(flags[0], "--")
	self := nstest.MustIDAt(t, "/proc/self/ns/"+typ)
	p := nstest.Start(t, append(append([]string{"unshare"}, flags...), "sleep", "1000")...)
	p.WaitUntil(t, "sleep in new namespaces", func() bool {
		id := nstest.IDOf(p.PID(), typ)
		return nstest.Comm(p.PID()) == "sleep" && !id.IsZero() && id != self
	})
	target, err := TargetPID(p.PID())
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// hostnameOf reads the hostname of target's uts namespace with nsenter.
func hostnameOf(t *testing.T, target Target) string {
	t.Helper()
	out, err := exec.Command("nsenter", "-t", strconv.Itoa(target.PID), "-u", "hostname").Output()
	if err != nil {
		t.Fatalf("nsenter -t %d -u hostname: %v", target.PID, err)
	}
	return strings.TrimSpace(string(out))
}

func TestSetHostname(t *testing.T) {
	nstest.RequireRoot(t)
	target := startInNew(t, "--uts")
	before := hostnameOf(t, target)
	a, err := SetHostname(target, "nsdive-test-box")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.Commands(), "nsenter -t "+strconv.Itoa(target.PID)+" -u hostname nsdive-test-box"; len(got) != 1 || got[0] != want {
		t.Errorf("Commands() = %q, want %q", got, want)
	}
	if err := a.Run(); err != nil {
		t.Fatal(err)
	}
	if got := hostnameOf(t, target); got != "nsdive-test-box" {
		t.Errorf("hostname %q after Run, want nsdive-test-box", got)
	}
	if err := a.Undo(); err != nil {
		t.Fatal(err)
	}
	if got := hostnameOf(t, target); got != before {
		t.Errorf("hostname %q after Undo, want %q back", got, before)
	}
}

func TestCheckHostname(t *testing.T) {
	for _, tc := range []struct{ name, err string }{
		{"box", ""},
		{"web-1.lab_x", ""},
		{strings.Repeat("a", 64), ""},
		{"", "hostname is empty: give 1 to 64 characters"},
		{strings.Repeat("a", 65), `hostname "aaaaaaaaaaaaaaaaaaaa"… has 65 bytes: the kernel keeps at most 64`},
		{"-box", `hostname "-box" starts with '-': start with a letter or digit`},
		{"a box", `hostname "a box" has ' ': use letters, digits, '-', '_' and '.'`},
		{"a/b", `hostname "a/b" has '/': use letters, digits, '-', '_' and '.'`},
	} {
		err := CheckHostname(tc.name)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err {
			t.Errorf("CheckHostname(%q) = %q, want %q", tc.name, got, tc.err)
		}
	}
}
