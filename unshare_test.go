package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nsdive/nsdive/internal/nstest"
)

func TestUnshare(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{[]string{"--pid", "--fork", "--mount-proc", "--", "sh", "-c", "echo $$"}, "1\n",
			"# unshare --pid --fork --mount-proc -- sh -c 'echo $$'\n", 0},
		{[]string{"-q", "--user", "--map-root-user", "--", "id", "-u"}, "0\n", "", 0},
		{[]string{"-q", "--uts", "--hostname", "x", "--", "hostname"}, "x\n", "", 0},
		{[]string{"-q", "--mount", "sh", "-c", "exit 3"}, "", "", 3},
		{[]string{"-q", "--net", "nsdive-no-such-command"}, "", "nsdive unshare: nsdive-no-such-command: command not found\n", 127},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, code := runNsdive(t, append([]string{"unshare"}, tc.args...)...)
			if string(stdout) != tc.stdout || string(stderr) != tc.stderr || code != tc.code {
				t.Errorf("stdout %q, stderr %q, status %d; want %q, %q, %d", stdout, stderr, code, tc.stdout, tc.stderr, tc.code)
			}
		})
	}
}

func TestUnshareBadInput(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists")
	if err := os.WriteFile(exists, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), link); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--monotonic", "5", "true"}, "--monotonic and --boottime need a new time namespace: add --time"},
		{[]string{"--persist", "net=" + exists, "true"}, exists + " already exists: choose another file (nsdive release " + exists + " removes a persisted namespace)"},
		{[]string{"--persist", "uts=" + fresh, "--persist", "net=" + link, "true"}, link + " already exists: choose another file (nsdive release " + link + " removes a persisted namespace)"},
		{[]string{"--persist", "disk=/x", "true"}, `--persist "disk=/x": give TYPE=FILE, TYPE one of mnt, uts, ipc, net, pid, user, cgroup, time`},
		{[]string{"--mount", "--propagation", "rprivate", "true"}, `unsupported propagation mode "rprivate": want private, shared, slave or unchanged`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, stderr, code := runNsdive(t, append([]string{"unshare"}, tc.args...)...)
			first, _, _ := strings.Cut(string(stderr), "\n")
			if code != 1 || first != "nsdive unshare: "+tc.want {
				t.Errorf("status %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
			if _, err := os.Lstat(fresh); err == nil {
				t.Errorf("%s was made", fresh)
			}
		})
	}
	_, stderr, code := runNsdiveAs(t, &syscall.Credential{Uid: 65534, Gid: 65534}, "unshare", "--net", "true")
	if code != 1 || string(stderr) != "nsdive unshare: creating namespaces needs root: run as root, or add --user (--map-root-user to be root inside)\n" {
		t.Errorf("--net as nobody: status %d, stderr %q", code, stderr)
	}
}

func TestUnshareUnprivilegedUser(t *testing.T) {
	nstest.RequireRoot(t) // to become nobody
	if data, _ := os.ReadFile("/proc/sys/kernel/unprivileged_userns_clone"); strings.TrimSpace(string(data)) == "0" {
		t.Skip("this host does not let unprivileged users create user namespaces")
	}
	stdout, stderr, code := runNsdiveAs(t, &syscall.Credential{Uid: 65534, Gid: 65534},
		"unshare", "-q", "--map-root-user", "--uts", "--mount", "--hostname", "nsdive-nobody", "--", "sh", "-c", "id -u; hostname")
	if code != 0 || string(stdout) != "0\nnsdive-nobody\n" {
		t.Errorf("status %d, stdout %q, stderr %q; want root inside with its hostname", code, stdout, stderr)
	}
}
