package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nsdive/nsdive/inspect"
	"github.com/nsdive/nsdive/internal/nstest"
)

// TestUnshareRunsInNewNamespaces runs commands under nsdive unshare and
// checks what each sees, as util-linux's unshare would show it.
func TestUnshareRunsInNewNamespaces(t *testing.T) {
	nstest.RequireRoot(t)
	hostUptime := func() float64 {
		data, err := os.ReadFile("/proc/uptime")
		if err != nil {
			t.Fatal(err)
		}
		up, _ := strconv.ParseFloat(strings.Fields(string(data))[0], 64)
		return up
	}
	for _, tc := range []struct {
		name  string
		args  []string
		check func(out string) bool
		want  string
	}{
		{"pid 1 of a new pid namespace", []string{"--pid", "--fork", "--mount-proc", "--", "sh", "-c", "echo $$; sh -c 'echo /proc/[0-9]*'"},
			// The re-executed nsdive's threads took a few pids before it
			// became the command, so the child's pid is not always 2.
			func(out string) bool {
				f := strings.Fields(out)
				return len(f) == 3 && f[0] == "1" && f[1] == "/proc/1" && strings.HasPrefix(f[2], "/proc/")
			}, "1, and only its own 2 processes in /proc"},
		{"root in a new user namespace", []string{"--user", "--map-root-user", "--", "id", "-u"},
			func(out string) bool { return out == "0\n" }, "0"},
		{"a host name of its own", []string{"--uts", "--hostname", "nsdive-unshare-test", "--", "hostname"},
			func(out string) bool { return out == "nsdive-unshare-test\n" }, "nsdive-unshare-test"},
		{"clocks a day ahead", []string{"--time", "--boottime", "86400", "--", "cat", "/proc/uptime"},
			func(out string) bool {
				up, err := strconv.ParseFloat(strings.Fields(out + " x")[0], 64)
				return err == nil && up-hostUptime() > 86000
			}, "an uptime a day longer than the host's"},
		{"private mounts by default", []string{"--mount", "--", "grep", " / / ", "/proc/self/mountinfo"},
			func(out string) bool { return out != "" && !strings.Contains(out, "shared:") && !strings.Contains(out, "master:") }, "/ with no peer group"},
		{"shared mounts when asked", []string{"--mount", "--propagation", "shared", "--", "grep", " / / ", "/proc/self/mountinfo"},
			func(out string) bool { return strings.Contains(out, "shared:") }, "/ in a peer group"},
		{"the command's status", []string{"--net", "--", "sh", "-c", "exit 7"},
			func(out string) bool { return out == "" }, "nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runNsdive(t, append([]string{"unshare", "-q"}, tc.args...)...)
			wantCode := 0
			if tc.name == "the command's status" {
				wantCode = 7
			}
			if code != wantCode || !tc.check(string(stdout)) {
				t.Errorf("nsdive unshare %s: exit %d, stdout %q, stderr %q; want exit %d and %s",
					strings.Join(tc.args, " "), code, stdout, stderr, wantCode, tc.want)
			}
		})
	}
}

// TestUnsharePrintsTheUnshareCommand checks the equivalent command printed
// before the command runs.
func TestUnsharePrintsTheUnshareCommand(t *testing.T) {
	nstest.RequireRoot(t)
	_, stderr, code := runNsdive(t, "unshare", "--uts", "--hostname", "x y", "--", "true")
	want := "# unshare --uts --hostname 'x y' -- true\n"
	if code != 0 || string(stderr) != want {
		t.Errorf("exit %d, stderr %q; want 0 and %q", code, stderr, want)
	}
}

// TestUnshareShowsInTheSnapshot checks that a scan taken while the command
// runs finds it in new namespaces.
func TestUnshareShowsInTheSnapshot(t *testing.T) {
	nstest.RequireRoot(t)
	p := nstest.Start(t, nsdiveBin, "unshare", "-q", "--net", "--uts", "--ipc", "--", "sleep", "1000")
	var sleeper int
	p.WaitUntil(t, "the command runs", func() bool {
		for _, pid := range nstest.LiveGroupMembers(p.PID()) {
			if pid != p.PID() && nstest.Comm(pid) == "sleep" {
				sleeper = pid
			}
		}
		return sleeper != 0
	})
	snap, err := inspect.Scan(t.Context(), inspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	proc := snap.Processes[sleeper]
	if proc == nil {
		t.Fatalf("the scan has no pid %d", sleeper)
	}
	for _, typ := range []inspect.Type{inspect.Net, inspect.UTS, inspect.IPC} {
		id := proc.Namespaces[inspect.LinkOf(typ)]
		if ns := snap.Namespaces[id]; ns == nil || id == snap.Initial[inspect.LinkOf(typ)] || ns.NumProcs() != 1 {
			t.Errorf("%s namespace of the command: %v, want a new one with the command alone in it", typ, id)
		}
	}
}

// commandOutput runs a tool to cross-check what nsdive did and returns its
// standard output.
func commandOutput(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).Output()
	if err != nil {
		t.Errorf("%s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// TestUnsharePersists checks that --persist leaves a namespace file that
// nsenter and ip netns can use, and that release removes it.
func TestUnsharePersists(t *testing.T) {
	nstest.RequireRoot(t)
	name := fmt.Sprintf("nsdive-unshare-%d", os.Getpid())
	netPath := filepath.Join("/run/netns", name)
	utsPath := filepath.Join(t.TempDir(), "uts")
	t.Cleanup(func() {
		for _, path := range []string{netPath, utsPath} {
			runNsdive(t, "release", "-q", path)
		}
	})
	_, stderr, code := runNsdive(t, "unshare", "-q", "--net", "--uts", "--hostname", "kept",
		"--persist", "net="+netPath, "--persist", "uts="+utsPath, "--", "true")
	if code != 0 {
		t.Fatalf("unshare --persist: exit %d, %s", code, stderr)
	}
	if out := commandOutput(t, "ip", "netns", "exec", name, "ip", "-o", "link"); strings.Count(out, "\n") != 1 || !strings.Contains(out, "lo:") {
		t.Errorf("ip netns exec %s ip -o link: %q, want lo alone", name, out)
	}
	if out := commandOutput(t, "nsenter", "--uts="+utsPath, "hostname"); out != "kept\n" {
		t.Errorf("nsenter --uts=%s hostname: %q, want kept", utsPath, out)
	}
	for _, path := range []string{netPath, utsPath} {
		if _, stderr, code := runNsdive(t, "release", "-q", path); code != 0 {
			t.Errorf("release %s: exit %d, %s", path, code, stderr)
		}
		nstest.CheckUnmounted(t, path)
	}
}

// TestUnshareRefusesBadInput checks that each mistake is one line with
// status 1 and that nothing is made.
func TestUnshareRefusesBadInput(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken")
	if err := os.WriteFile(taken, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--monotonic", "5", "--", "true"}, "need a new time namespace: add --time"},
		{[]string{"--net", "--persist", "net=" + taken, "--", "true"}, "already exists"},
		{[]string{"--net", "--persist", "net=" + link, "--", "true"}, "already exists"},
		{[]string{"--net", "--persist", "uts=" + fresh, "--", "true"}, "no new uts namespace is made: add --uts"},
		{[]string{"--net", "--persist", "bogus=" + fresh, "--", "true"}, "want TYPE=FILE"},
		{[]string{"--mount", "--propagation", "sideways", "--", "true"}, "want private, shared, slave or unchanged"},
		{[]string{"--pid", "--", "true"}, "--pid needs --fork"},
		{[]string{"--", "true"}, "no namespace asked for"},
		{[]string{"--net", "--", "nsdive-no-such-command"}, "command not found"},
	} {
		_, stderr, code := runNsdive(t, append([]string{"unshare", "-q"}, tc.args...)...)
		wantCode := 1
		if tc.want == "command not found" {
			wantCode = 127
		}
		lines := strings.Count(strings.TrimSuffix(string(stderr), "Run 'nsdive unshare --help' for usage.\n"), "\n")
		if code != wantCode || !strings.Contains(string(stderr), tc.want) || lines != 1 {
			t.Errorf("unshare %s: exit %d, stderr %q; want %d and one line saying %q", strings.Join(tc.args, " "), code, stderr, wantCode, tc.want)
		}
	}
	if _, err := os.Lstat(fresh); err == nil {
		t.Errorf("%s was made by a refused unshare", fresh)
	}
	if target, err := os.Readlink(link); err != nil || target != filepath.Join(dir, "elsewhere") {
		t.Errorf("the symlink was changed: %q, %v", target, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "elsewhere")); err == nil {
		t.Error("a persist followed the symlink")
	}
}
